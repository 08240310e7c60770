package dev.lightspeed.data;

import dev.lightspeed.models.DatasetInfo;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Normalization;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static dev.lightspeed.data.UserMessages.FILE_LIST;

/**
 * Finds, checks and reads the CIFAR-10 binary version (the six {@code .bin} files). The only place that knows
 * CIFAR-10's shape: 32×32 RGB images, ten classes, its record format and its normalization.
 */
public final class Cifar10 {

    private static final int IMAGE_SIZE = 32;
    private static final int CHANNELS = 3;

    /** Classes in label order, image shape, and the training-set statistics used by the speedrun references. */
    public static final DatasetInfo INFO = new DatasetInfo("cifar10",
            List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"),
            CHANNELS, IMAGE_SIZE,
            new Normalization(List.of(0.4914, 0.4822, 0.4465), List.of(0.2470, 0.2435, 0.2616)));

    public static final List<String> TRAIN_FILES = List.of(
            "data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin", "data_batch_5.bin");
    public static final String TEST_FILE = "test_batch.bin";
    /** Every data file, in the order checks report them. */
    public static final List<String> ALL_FILES = Stream.concat(TRAIN_FILES.stream(), Stream.of(TEST_FILE)).toList();
    /** The class-name list that ships next to the data files; optional, the names are also in {@link #INFO}. */
    public static final String META_FILE = "batches.meta.txt";
    /** The folder the official archive extracts to; accepted inside the folder the user points at. */
    public static final String ARCHIVE_FOLDER = "cifar-10-batches-bin";

    private static final RecordFormat RECORDS = new RecordFormat("CIFAR-10", "CIFAR-10 batch",
            List.of(new RecordFormat.LabelByte("label", INFO.numClasses())), CHANNELS, IMAGE_SIZE);
    /** One label byte followed by the image, CHW. */
    static final int RECORD_BYTES = RECORDS.recordBytes();
    public static final int RECORDS_PER_FILE = 10_000;
    public static final long FILE_BYTES = (long) RECORDS_PER_FILE * RECORD_BYTES;

    /** The md5 sums published with the official files. */
    public static final Map<String, String> EXPECTED_MD5 = orderedMap(
            "data_batch_1.bin", "5dd7e06a14cb22eb9f671a540d1b7c25",
            "data_batch_2.bin", "5ea93a67294ea407fff1d09f752e9692",
            "data_batch_3.bin", "942cd6a4bcdd0dd3c604fbe906cb4421",
            "data_batch_4.bin", "ae636b3ba5c66a11e91e8cb52e771fcb",
            "data_batch_5.bin", "53f37980c15c3d472c316c40844f3f0d",
            TEST_FILE, "803d5f7f4d78ea53de84dbe85f74fb6d");

    /** The official archive of the binary version; it extracts to {@link #ARCHIVE_FOLDER}. */
    static final OfficialArchive ARCHIVE = new OfficialArchive("CIFAR-10",
            URI.create("https://www.cs.toronto.edu/~kriz/cifar-10-binary.tar.gz"), "c32a1d4ab5d03f1284b67883e8d87530",
            ALL_FILES, Set.of(META_FILE), EXPECTED_MD5, FILE_LIST);

    private static final OfficialFolder FOLDER = new OfficialFolder("CIFAR-10", ALL_FILES, ARCHIVE_FOLDER, FILE_LIST);

    private Cifar10() {
    }

    /**
     * Reads the training and test sets from {@code dir}, which either holds the six files or holds
     * {@code cifar-10-batches-bin/} with them. Checks presence, sizes and labels (not checksums, which would cost
     * a second pass over 180 MB on every start).
     */
    public static Dataset load(Path dir) {
        Path folder = resolveFolder(dir);
        requireExactSizes(folder);
        ImageSplit train = readSplit(TRAIN_FILES.stream().map(folder::resolve).toList());
        ImageSplit test = readSplit(List.of(folder.resolve(TEST_FILE)));
        return new Dataset(INFO, train, test);
    }

    /** The folder that actually holds the six files: {@code dir} itself or its {@code cifar-10-batches-bin/}. */
    public static Path resolveFolder(Path dir) {
        return FOLDER.resolve(dir);
    }

    /**
     * True when neither {@code dir} nor its {@code cifar-10-batches-bin/} holds any of the six files (or {@code dir}
     * does not exist): the state in which the default location is filled by an automatic download. A partial set
     * is not absent, so it is reported rather than silently overwritten.
     */
    public static boolean holdsNoDataFiles(Path dir) {
        return FOLDER.holdsNoFiles(dir);
    }

    /**
     * Checks that every file is present, has exactly 30,730,000 bytes, and carries labels 0-9 only. Reads all
     * six files (well under a second from the page cache) but does not compute checksums; see
     * {@link #verifyChecksums}.
     */
    public static void validate(Path folder) {
        Path resolved = resolveFolder(folder);
        requireExactSizes(resolved);
        for (String name : ALL_FILES) {
            RECORDS.validate(resolved.resolve(name), RECORDS_PER_FILE);
        }
    }

    /** Checks the six files against the published md5 sums; slow-ish (reads 180 MB), meant for after a download. */
    public static void verifyChecksums(Path folder) {
        verifyChecksums(folder, EXPECTED_MD5);
    }

    /** As {@link #verifyChecksums(Path)}, against other sums so tests can use small synthetic files. */
    static void verifyChecksums(Path folder, Map<String, String> expectedMd5) {
        Path resolved = resolveFolder(folder);
        for (String name : ALL_FILES) {
            Path file = resolved.resolve(name);
            String actual;
            try {
                actual = Md5.ofFile(file);
            } catch (IOException e) {
                throw RecordFormat.cannotRead(file, e);
            }
            String expected = expectedMd5.get(name);
            if (!actual.equalsIgnoreCase(expected)) {
                throw new InputError(file + " has md5 " + actual + ", expected " + expected
                        + "; the file is corrupt or not the official CIFAR-10, delete it and download the dataset"
                        + " again");
            }
        }
    }

    /**
     * Reads the records of {@code files}, in order, into one split. Each file may hold any whole number of
     * records (tests use small files); labels outside 0-9 are rejected with the file and record named.
     */
    public static ImageSplit readSplit(List<Path> files) {
        return RECORDS.readSplit(files, 0);
    }

    private static void requireExactSizes(Path folder) {
        for (String name : ALL_FILES) {
            RECORDS.requireRecords(folder.resolve(name), RECORDS_PER_FILE);
        }
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
