package dev.lightspeed.data;

import dev.lightspeed.models.DatasetInfo;
import dev.lightspeed.models.InputError;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import static dev.lightspeed.data.UserMessages.count;

/**
 * Finds, checks and reads the CIFAR-100 binary version ({@code train.bin}, {@code test.bin} and the two class-name
 * lists). The only place that knows CIFAR-100's shape: 32×32 RGB images, each labelled with one of 20 coarse
 * classes (superclasses) and one of 100 fine classes. It publishes no normalization, so the one used is measured
 * on the training images.
 */
public final class Cifar100 {

    /** Which of the two labels of every image a dataset uses. */
    public enum Labels {
        /** The 100 classes, the usual benchmark. */
        FINE(1, 100, "fine_label_names.txt", "cifar100"),
        /** The 20 superclasses. */
        COARSE(0, 20, "coarse_label_names.txt", "cifar100-coarse");

        private final int recordByte;
        private final int classes;
        private final String namesFile;
        private final String datasetName;

        Labels(int recordByte, int classes, String namesFile, String datasetName) {
            this.recordByte = recordByte;
            this.classes = classes;
            this.namesFile = namesFile;
            this.datasetName = datasetName;
        }

        /** The value of {@code --labels}: {@code fine} or {@code coarse}, in any case. */
        public static Labels parse(String value) {
            for (Labels labels : values()) {
                if (labels.optionValue().equalsIgnoreCase(value.strip())) {
                    return labels;
                }
            }
            throw InputError.in("labels", "labels " + value + " is not known; pass fine (100 classes) or coarse (20)");
        }

        /** How {@code --labels} names it. */
        public String optionValue() {
            return name().toLowerCase(Locale.ROOT);
        }

        public int classes() {
            return classes;
        }

        /** The file listing the class names, one per line in label order. */
        public String namesFile() {
            return namesFile;
        }

        /** The name of the dataset read with these labels, as models record it. */
        public String datasetName() {
            return datasetName;
        }
    }

    private static final int IMAGE_SIZE = 32;
    private static final int CHANNELS = 3;

    public static final String TRAIN_FILE = "train.bin";
    public static final String TEST_FILE = "test.bin";
    /** Every file that must be present, in the order checks report them. */
    public static final List<String> ALL_FILES = List.of(TRAIN_FILE, TEST_FILE, Labels.FINE.namesFile(),
            Labels.COARSE.namesFile());
    /** The folder the official archive extracts to; accepted inside the folder the user points at. */
    public static final String ARCHIVE_FOLDER = "cifar-100-binary";

    public static final int TRAIN_RECORDS = 50_000;
    public static final int TEST_RECORDS = 10_000;

    /** How advice names the files, short enough for a one-line message. */
    static final String FILE_LIST = "train.bin, test.bin, fine_label_names.txt and coarse_label_names.txt";

    /** The official archive; its md5 is the only published sum, and vouches for every file inside. */
    static final OfficialArchive ARCHIVE = new OfficialArchive("CIFAR-100",
            URI.create("https://www.cs.toronto.edu/~kriz/cifar-100-binary.tar.gz"), "03b5dce01913d631647c71ecec9e9cb8",
            ALL_FILES, Set.of(), Map.of(), FILE_LIST);

    /** A record is the coarse label byte, the fine label byte, then the image. */
    private static final RecordFormat RECORDS = new RecordFormat("CIFAR-100", "CIFAR-100 data file",
            List.of(new RecordFormat.LabelByte("coarse label", Labels.COARSE.classes()),
                    new RecordFormat.LabelByte("fine label", Labels.FINE.classes())),
            CHANNELS, IMAGE_SIZE);
    static final int RECORD_BYTES = RECORDS.recordBytes();
    private static final OfficialFolder FOLDER = new OfficialFolder("CIFAR-100", ALL_FILES, ARCHIVE_FOLDER, FILE_LIST);

    private Cifar100() {
    }

    /**
     * Reads the training and test sets from {@code dir}, which either holds the four files or holds
     * {@code cifar-100-binary/} with them, labelled by {@code labels}. Checks presence, sizes, label ranges, the
     * class-name lists and that every class has its share of images.
     */
    public static Dataset load(Path dir, Labels labels) {
        Path folder = resolveFolder(dir);
        requireExactSizes(folder);
        List<String> classes = classNames(folder, labels);
        ImageSplit train = readSplit(List.of(folder.resolve(TRAIN_FILE)), labels);
        ImageSplit test = readSplit(List.of(folder.resolve(TEST_FILE)), labels);
        requireBalanced(folder.resolve(TRAIN_FILE), countPerClass(train.labels(), labels.classes()), labels, classes);
        requireBalanced(folder.resolve(TEST_FILE), countPerClass(test.labels(), labels.classes()), labels, classes);
        DatasetInfo info = new DatasetInfo(labels.datasetName(), classes, CHANNELS, IMAGE_SIZE,
                PixelStatistics.normalization(train));
        return new Dataset(info, train, test);
    }

    /** The folder that actually holds the four files: {@code dir} itself or its {@code cifar-100-binary/}. */
    public static Path resolveFolder(Path dir) {
        return FOLDER.resolve(dir);
    }

    /**
     * True when neither {@code dir} nor its {@code cifar-100-binary/} holds any of the four files (or {@code dir}
     * does not exist): the state in which a default location is filled by an automatic download.
     */
    public static boolean holdsNoDataFiles(Path dir) {
        return FOLDER.holdsNoFiles(dir);
    }

    /**
     * Checks that every file is present, that {@code train.bin} and {@code test.bin} have their exact sizes and
     * valid coarse and fine labels with every class equally often, and that the name lists have 100 and 20
     * distinct names.
     */
    public static void validate(Path dir) {
        Path folder = resolveFolder(dir);
        requireExactSizes(folder);
        Map<Labels, List<String>> names = new EnumMap<>(Labels.class);
        for (Labels labels : Labels.values()) {
            names.put(labels, classNames(folder, labels));
        }
        for (String name : List.of(TRAIN_FILE, TEST_FILE)) {
            Path file = folder.resolve(name);
            int[][] counts = RECORDS.validate(file, name.equals(TRAIN_FILE) ? TRAIN_RECORDS : TEST_RECORDS);
            for (Labels labels : Labels.values()) {
                requireBalanced(file, counts[labels.recordByte], labels, names.get(labels));
            }
        }
    }

    /**
     * Reads the records of {@code files}, in order, into one split labelled by {@code labels}. Each file may hold
     * any whole number of records; both label bytes of every record are checked against their ranges.
     */
    public static ImageSplit readSplit(List<Path> files, Labels labels) {
        return RECORDS.readSplit(files, labels.recordByte);
    }

    /**
     * The class names of {@code labels} in label order, read from its list in {@code folder} (blank lines, such
     * as a trailing one, are skipped).
     */
    public static List<String> classNames(Path folder, Labels labels) {
        Path file = folder.resolve(labels.namesFile());
        List<String> names;
        try {
            names = Files.readAllLines(file, StandardCharsets.UTF_8).stream()
                    .map(String::strip).filter(line -> !line.isEmpty()).toList();
        } catch (IOException e) {
            throw RecordFormat.cannotRead(file, e);
        }
        if (names.size() != labels.classes()) {
            throw new InputError(file + " lists " + names.size() + " class names, expected " + labels.classes()
                    + "; it is not the official list, delete it and download the dataset again");
        }
        Set<String> seen = new HashSet<>();
        for (String name : names) {
            if (!seen.add(name)) {
                throw new InputError(file + " lists the class '" + name + "' twice; it is not the official list, "
                        + "delete it and download the dataset again");
            }
        }
        return names;
    }

    private static void requireExactSizes(Path folder) {
        RECORDS.requireRecords(folder.resolve(TRAIN_FILE), TRAIN_RECORDS);
        RECORDS.requireRecords(folder.resolve(TEST_FILE), TEST_RECORDS);
    }

    private static int[] countPerClass(int[] imageLabels, int classes) {
        int[] counts = new int[classes];
        for (int label : imageLabels) {
            counts[label]++;
        }
        return counts;
    }

    /** The official files hold every class equally often; anything else is another file of the same size. */
    private static void requireBalanced(Path file, int[] counts, Labels labels, List<String> classes) {
        int total = 0;
        for (int count : counts) {
            total += count;
        }
        int expected = total / counts.length;
        for (int label = 0; label < counts.length; label++) {
            if (counts[label] != expected) {
                throw new InputError(file + " holds " + count(counts[label]) + " images of " + labels.optionValue()
                        + " class " + label + " (" + classes.get(label) + "), expected " + count(expected)
                        + " of each; it is not the official CIFAR-100, delete it and download the dataset again");
            }
        }
    }
}
