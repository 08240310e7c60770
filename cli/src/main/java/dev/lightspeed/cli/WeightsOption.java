package dev.lightspeed.cli;

import dev.lightspeed.models.Checkpoint;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** {@code --weights live|ema}: which of a checkpoint's stored weights export and {@code eval --checkpoint} use. */
final class WeightsOption {

    private WeightsOption() {
    }

    static void add(Options o) {
        o.addOption(Option.builder().longOpt("weights").hasArg().argName("live|ema")
                .desc("the weights as training left them, or their moving average (default: the average when the"
                        + " run kept one)").get());
    }

    /** The checkpoint with the weights the flag asks for (its {@link Checkpoint#withDefaultWeights} without it). */
    static Checkpoint choose(CommandLine line, Checkpoint checkpoint) {
        return line.hasOption("weights")
                ? checkpoint.withWeights(Checkpoint.Weights.parse(line.getOptionValue("weights")))
                : checkpoint.withDefaultWeights();
    }
}
