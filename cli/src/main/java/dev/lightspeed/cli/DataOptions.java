package dev.lightspeed.cli;

import dev.lightspeed.data.Cifar100;
import dev.lightspeed.data.ClassifiedSplit;
import dev.lightspeed.data.DataLocation;
import dev.lightspeed.data.DataRequest;
import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.DatasetKind;
import dev.lightspeed.data.Datasets;
import dev.lightspeed.data.ImageFolder;
import dev.lightspeed.data.ProgressListener;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Presets;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.BiFunction;

/** The dataset flags of every command that reads data: train, sweep, eval and the int8 calibration of export. */
final class DataOptions {

    private DataOptions() {
    }

    static void add(Options options) {
        options.addOption(Option.builder().longOpt("dataset").hasArg().argName(DatasetKind.choices())
                .desc("which dataset --data holds (default: inferred from --data where unambiguous, else cifar10)")
                .get());
        options.addOption(Option.builder().longOpt("data").hasArg().argName("DIR")
                .desc("the dataset's folder: CIFAR binary files (or their parent holding the extracted archive), or an"
                        + " image folder with train/<class>/ and val/<class>/ (default for CIFAR: $LIGHTSPEED_CIFAR10"
                        + " or $LIGHTSPEED_CIFAR100, else " + DataLocation.defaultFolder().getParent() + "/<dataset>)")
                .get());
        options.addOption(Option.builder().longOpt("download")
                .desc("download CIFAR-10 or CIFAR-100 into the data folder first (automatic when the default folder"
                        + " is empty)").get());
        options.addOption(Option.builder().longOpt("labels").hasArg().argName("fine|coarse")
                .desc("CIFAR-100's 100 fine or 20 coarse classes (default fine)").get());
        options.addOption(Option.builder().longOpt("image-size").hasArg().argName("N")
                .desc("side in pixels image folders are brought to: shorter side resized, centre cropped (default:"
                        + " the recipe's or the model's image size; decoded images are cached in"
                        + " --cache-dir)").get());
        options.addOption(Option.builder().longOpt("cache-dir").hasArg().argName("DIR")
                .desc("where decoded image folders are cached, keyed by their files and the image size (default "
                        + ImageFolder.defaultCacheFolder() + ")").get());
    }

    /** The dataset the flags name: --dataset, else what --data holds, else CIFAR-10. */
    static DatasetKind kind(CommandLine line) {
        if (line.hasOption("dataset")) {
            return DatasetKind.parse(line.getOptionValue("dataset"));
        }
        if (line.hasOption("data")) {
            Path folder = Path.of(line.getOptionValue("data"));
            if (Files.isDirectory(folder)) {
                return DatasetKind.infer(folder).orElse(DatasetKind.CIFAR10);
            }
        }
        return DatasetKind.CIFAR10;
    }

    /** The preset a dataset trains with when neither --preset nor --recipe is given. */
    static String defaultPreset(DatasetKind kind) {
        return switch (kind) {
            case CIFAR10 -> Presets.DEFAULT;
            case CIFAR100 -> "airbench-cifar100";
            case FOLDER -> "airbench-folder64";
        };
    }

    /**
     * Reads the dataset the flags name, downloading CIFAR first when asked (or when the default folder is empty),
     * and showing a progress bar while image folders are decoded. {@code imageSize} is the size image folders are
     * brought to unless --image-size says otherwise (a recipe's or a model's).
     */
    static Dataset load(CommandLine line, PrintStream out, int imageSize) {
        return read(line, out, imageSize, Datasets::load);
    }

    /** As {@link #load}, the test split alone (what scoring needs). */
    static ClassifiedSplit loadTest(CommandLine line, PrintStream out, int imageSize) {
        return read(line, out, imageSize, Datasets::loadTest);
    }

    /** As {@link #load}, the training split alone (what calibration needs). */
    static ClassifiedSplit loadTrain(CommandLine line, PrintStream out, int imageSize) {
        return read(line, out, imageSize, Datasets::loadTrain);
    }

    private static <T> T read(CommandLine line, PrintStream out, int imageSize,
            BiFunction<DataRequest, ProgressListener, T> reader) {
        DataRequest request = request(line, out, imageSize);
        ConsoleProgressBar bar = ConsoleProgressBar.forOutput("decoding " + request.folder().getFileName(), out,
                ConsoleProgressBar.Unit.ITEMS);
        T read = reader.apply(request, bar);
        bar.finish();
        return read;
    }

    /** The request the flags make, after any download they ask for. */
    private static DataRequest request(CommandLine line, PrintStream out, int imageSize) {
        DatasetKind kind = kind(line);
        String option = line.getOptionValue("data");
        Path folder = DataLocation.resolve(kind, option);
        if (kind != DatasetKind.FOLDER) {
            boolean download = line.hasOption("download") ? !holdsValidSet(kind, folder)
                    : DataLocation.isDefault(kind, option) && Datasets.holdsNoDataFiles(kind, folder);
            if (download) {
                out.println("downloading " + kind.optionValue() + " into " + folder);
                ConsoleProgressBar bar = ConsoleProgressBar.forOutput(Datasets.archiveName(kind), out);
                Datasets.download(kind, folder, bar);
                bar.finish();
            }
        } else if (line.hasOption("download")) {
            throw new InputError("--download fetches CIFAR-10 or CIFAR-100; an image folder is yours to provide");
        }
        Cifar100.Labels labels = line.hasOption("labels") ? Cifar100.Labels.parse(line.getOptionValue("labels")) : null;
        int size = line.hasOption("image-size") ? Arguments.intValue(line, "image-size", 0, 1)
                : kind == DatasetKind.FOLDER ? imageSize : 0;
        Path cache = line.hasOption("cache-dir") ? Path.of(line.getOptionValue("cache-dir")) : null;
        return new DataRequest(kind, folder, labels, size, cache);
    }

    private static boolean holdsValidSet(DatasetKind kind, Path folder) {
        try {
            Datasets.validate(kind, folder);
            return true;
        } catch (InputError e) {
            return false;
        }
    }
}
