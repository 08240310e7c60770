package dev.lightspeed.study;

import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AxisTest {

    @Test
    void aListKeepsItsOrder() {
        assertEquals(new Axis("batch-size", List.of("2000", "500", "1000")), Axis.parse("batch-size=2000, 500,1000"));
    }

    @Test
    void aGeometricRangeMultipliesUpToItsEnd() {
        assertEquals(List.of("0.25", "0.5", "1", "2", "4"), Axis.parse("lr-scale=0.25:4:x2").values());
        assertEquals(List.of("1", "3", "9"), Axis.parse("lr-scale=1:10:x3").values());
    }

    @Test
    void anArithmeticRangeStepsExactlyOntoItsEnd() {
        assertEquals(List.of("2", "4", "6", "8"), Axis.parse("epochs=2:8:+2").values());
        assertEquals(List.of("0.1", "0.2", "0.3", "0.4", "0.5"), Axis.parse("label-smoothing=0.1:0.5:+0.1").values());
    }

    @ParameterizedTest
    @ValueSource(strings = {"learning-rate=1,2", "epochs=", "epochs=1,,2", "epochs", "=1", "epochs=1,1",
            "epochs=1:4", "epochs=1:4:*2", "epochs=a:4:+1", "epochs=4:1:+1", "lr-scale=0:4:x2", "lr-scale=1:4:x1",
            "epochs=1:4:+0", "epochs=1:100000:+1"})
    void malformedAxesAreRefusedInOneLine(String text) {
        InputError error = assertThrows(InputError.class, () -> Axis.parse(text));
        assertTrue(!error.getMessage().contains("\n") && !error.getMessage().isBlank(), error.getMessage());
        assertEquals("grid", error.parameter().orElse(null), error.getMessage());
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        String message = assertThrows(InputError.class, () -> Axis.parse("learning-rate=1")).getMessage();
        assertTrue(message.contains("unknown hyperparameter") && message.contains("lr-scale"), message);
    }
}
