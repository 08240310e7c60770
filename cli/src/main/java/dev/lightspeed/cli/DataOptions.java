package dev.lightspeed.cli;

import dev.lightspeed.data.Cifar10;
import dev.lightspeed.data.Cifar10Download;
import dev.lightspeed.data.DataLocation;
import dev.lightspeed.models.InputError;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;

/** The dataset flags shared by the commands that read CIFAR-10. */
final class DataOptions {

    private DataOptions() {
    }

    static void add(Options options) {
        options.addOption(Option.builder().longOpt("data").hasArg().argName("DIR")
                .desc("CIFAR-10 binary folder, or its parent holding cifar-10-batches-bin/ (default $"
                        + DataLocation.ENVIRONMENT_VARIABLE + ", else " + DataLocation.defaultFolder() + ")").build());
        options.addOption(Option.builder().longOpt("download")
                .desc("download CIFAR-10 into the data folder first (automatic when the default folder is empty)").build());
    }

    /**
     * The folder to read. {@code --download} fetches the data unless the folder already holds a valid set (a
     * partial or damaged set is replaced); without it, only an empty default folder is filled automatically.
     */
    static Path folder(CommandLine line, PrintStream out) throws IOException {
        String option = line.getOptionValue("data");
        Path folder = DataLocation.resolve(option);
        boolean download = line.hasOption("download") ? !holdsValidSet(folder)
                : DataLocation.isDefault(option) && Cifar10.holdsNoDataFiles(folder);
        if (download) {
            out.println("downloading CIFAR-10 into " + folder);
            ConsoleProgressBar bar = ConsoleProgressBar.forOutput("cifar-10-binary.tar.gz", out);
            Cifar10Download.download(folder, bar);
            bar.finish();
        }
        return folder;
    }

    private static boolean holdsValidSet(Path folder) {
        try {
            Cifar10.validate(Cifar10.resolveFolder(folder));
            return true;
        } catch (InputError e) {
            return false;
        }
    }
}
