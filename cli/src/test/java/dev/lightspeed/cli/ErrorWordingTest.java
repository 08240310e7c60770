package dev.lightspeed.cli;

import dev.lightspeed.models.InputError;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ErrorWordingTest {

    private static final Options TRAIN_LIKE = new Options()
            .addOption(Option.builder().longOpt("batch-size").hasArg().get());

    @Test
    void aParameterTheCommandSetsWithAFlagIsNamedByTheFlag() {
        InputError error = InputError.in("batch-size", "batch-size 60000 is larger than the training set");
        assertEquals("--batch-size 60000 is larger than the training set", Main.worded(error, TRAIN_LIKE));
    }

    @Test
    void aParameterWithoutAFlagOfItsNameKeepsTheLibrarysWords() {
        InputError error = InputError.in("ema-start-step", "ema-start-step 900 is past the run's last step");
        assertEquals("ema-start-step 900 is past the run's last step", Main.worded(error, TRAIN_LIKE));
        assertEquals("no such file", Main.worded(new InputError("no such file"), TRAIN_LIKE));
    }

    @Test
    void aMessageMustBeginWithTheParameterItNames() {
        assertThrows(IllegalArgumentException.class, () -> InputError.in("batch-size", "the batch is too large"));
    }
}
