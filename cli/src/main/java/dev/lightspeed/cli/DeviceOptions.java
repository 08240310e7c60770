package dev.lightspeed.cli;

import dev.lightspeed.models.EvalBatch;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.Threads;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

/** Where and how training computes: the flags train and sweep share. */
final class DeviceOptions {

    private DeviceOptions() {
    }

    static void add(Options o) {
        addDeviceAndPrecision(o, "");
        o.addOption(Option.builder().longOpt("threads").hasArg().argName("N")
                .desc("CPU threads (default: all " + Threads.available() + " processors)").get());
        o.addOption(Option.builder().longOpt("eval-batch-size").hasArg().argName("N")
                .desc("images per forward pass when evaluating (default " + EvalBatch.describeDefault() + ")").get());
        o.addOption(Option.builder().longOpt("eval-every").hasArg().argName("N")
                .desc("score the held-out and test images after every N-th epoch only, and always after the last"
                        + " (default 1: after every epoch)").get());
    }

    /** --device and --precision, their help prefixed with {@code context} (such as "with --checkpoint: "). */
    static void addDeviceAndPrecision(Options o, String context) {
        o.addOption(Option.builder().longOpt("device").hasArg().argName("cpu|cuda")
                .desc(context + "where libtorch computes (default: cuda when available, else cpu)").get());
        o.addOption(Option.builder().longOpt("precision").hasArg().argName("auto|bf16|fp32")
                .desc(context + "compute precision; auto = bf16 on CUDA and on CPUs with native bf16, else fp32")
                .get());
    }

    static ComputeDevice device(CommandLine line) {
        return ComputeDevice.resolve(line.getOptionValue("device"), line.getOptionValue("precision"));
    }

    /** Sets libtorch's thread count from --threads and returns it. */
    static int configureThreads(CommandLine line) {
        return Threads.configure(Arguments.intValue(line, "threads", 0, 0));
    }

    /** --eval-every, else 1 (every epoch). */
    static int evalEvery(CommandLine line) {
        return Arguments.intValue(line, "eval-every", 1, 1);
    }

    /** --eval-batch-size, else the default for images of side {@code imageSize}. */
    static int evalBatch(CommandLine line, int imageSize) {
        return Arguments.intValue(line, "eval-batch-size", EvalBatch.defaultFor(imageSize), 1);
    }
}
