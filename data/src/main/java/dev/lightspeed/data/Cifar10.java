package dev.lightspeed.data;

import dev.lightspeed.models.Failures;
import dev.lightspeed.models.DatasetInfo;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Normalization;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static dev.lightspeed.data.UserMessages.FILE_LIST;
import static dev.lightspeed.data.UserMessages.count;

/**
 * Finds, checks and reads the CIFAR-10 binary version (the six {@code .bin} files). The only place that knows
 * CIFAR-10's shape: 32×32 RGB images, ten classes, its record format and its normalization.
 */
public final class Cifar10 {

    private static final int IMAGE_SIZE = 32;
    private static final int CHANNELS = 3;
    private static final int IMAGE_BYTES = CHANNELS * IMAGE_SIZE * IMAGE_SIZE;
    /** One label byte followed by the image, CHW. */
    static final int RECORD_BYTES = 1 + IMAGE_BYTES;

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
        Path given = dir.toAbsolutePath().normalize();
        if (!Files.exists(given)) {
            throw new InputError("CIFAR-10 folder " + given + " does not exist; put " + FILE_LIST
                    + " there, run with --download to fetch them, or pass --data DIR");
        }
        if (!Files.isDirectory(given)) {
            throw new InputError(given + " is a file, not a folder; pass --data with the folder that holds "
                    + FILE_LIST);
        }
        Path folder = given;
        Path extracted = given.resolve(ARCHIVE_FOLDER);
        if (presentFiles(given).isEmpty() && Files.isDirectory(extracted)) {
            folder = extracted;
        }
        requireAllPresent(folder);
        return folder;
    }

    /**
     * True when neither {@code dir} nor its {@code cifar-10-batches-bin/} holds any of the six files (or {@code dir}
     * does not exist): the state in which the default location is filled by an automatic download. A partial set
     * is not absent, so it is reported rather than silently overwritten.
     */
    public static boolean holdsNoDataFiles(Path dir) {
        Path given = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(given) || !presentFiles(given).isEmpty()) {
            return !Files.isDirectory(given);
        }
        Path extracted = given.resolve(ARCHIVE_FOLDER);
        return !Files.isDirectory(extracted) || presentFiles(extracted).isEmpty();
    }

    /**
     * Checks that every file is present, has exactly 30,730,000 bytes, and carries labels 0-9 only. Reads all
     * six files (well under a second from the page cache) but does not compute checksums; see
     * {@link #verifyChecksums}.
     */
    public static void validate(Path folder) {
        Path resolved = resolveFolder(folder);
        requireExactSizes(resolved);
        byte[] buffer = new byte[Math.toIntExact(FILE_BYTES)];
        for (String name : ALL_FILES) {
            Path file = resolved.resolve(name);
            readWholeFile(file, buffer, RECORDS_PER_FILE);
            requireValidLabels(file, buffer, RECORDS_PER_FILE);
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
                throw cannotRead(file, e);
            }
            String expected = expectedMd5.get(name);
            if (!actual.equalsIgnoreCase(expected)) {
                throw new InputError(file + " has md5 " + actual + ", expected " + expected
                        + "; the file is corrupt or not the official CIFAR-10, delete it and run with --download");
            }
        }
    }

    /**
     * Reads the records of {@code files}, in order, into one split. Each file may hold any whole number of
     * records (tests use small files); labels outside 0-9 are rejected with the file and record named.
     */
    public static ImageSplit readSplit(List<Path> files) {
        long totalRecords = 0;
        long largestFile = 0;
        List<Integer> recordsPerFile = new ArrayList<>(files.size());
        for (Path file : files) {
            long size = sizeOf(file);
            if (size % RECORD_BYTES != 0) {
                throw new InputError(file + " is not a CIFAR-10 binary file: " + count(size)
                        + " bytes is not a whole number of " + count(RECORD_BYTES)
                        + "-byte records; delete it and run with --download");
            }
            recordsPerFile.add(Math.toIntExact(size / RECORD_BYTES));
            totalRecords += size / RECORD_BYTES;
            largestFile = Math.max(largestFile, size);
        }
        if (totalRecords * IMAGE_BYTES > Integer.MAX_VALUE - 8) {
            throw new InputError("the files " + files + " hold " + count(totalRecords)
                    + " images, more than fit in one split; pass the CIFAR-10 files only");
        }
        int total = Math.toIntExact(totalRecords);
        byte[] images = new byte[total * IMAGE_BYTES];
        int[] labels = new int[total];
        // One buffer sized for the largest file, reused, so each file costs a single read call.
        byte[] buffer = new byte[Math.toIntExact(largestFile)];
        int imageIndex = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            int records = recordsPerFile.get(i);
            readWholeFile(file, buffer, records);
            requireValidLabels(file, buffer, records);
            for (int record = 0; record < records; record++, imageIndex++) {
                int offset = record * RECORD_BYTES;
                labels[imageIndex] = Byte.toUnsignedInt(buffer[offset]);
                System.arraycopy(buffer, offset + 1, images, imageIndex * IMAGE_BYTES, IMAGE_BYTES);
            }
        }
        return new ImageSplit(images, labels, CHANNELS, IMAGE_SIZE);
    }

    private static List<String> presentFiles(Path folder) {
        return ALL_FILES.stream().filter(name -> Files.exists(folder.resolve(name))).toList();
    }

    private static void requireAllPresent(Path folder) {
        List<String> present = presentFiles(folder);
        if (present.isEmpty()) {
            throw new InputError(folder + " holds no CIFAR-10 files; put " + FILE_LIST
                    + " there, run with --download to fetch them, or pass --data DIR");
        }
        List<String> missing = ALL_FILES.stream().filter(name -> !present.contains(name)).toList();
        if (!missing.isEmpty()) {
            String what = missing.size() == 1
                    ? missing.get(0) + " is missing"
                    : String.join(", ", missing) + " are missing";
            throw new InputError(what + " from " + folder + "; put all of " + FILE_LIST
                    + " there, or run with --download to fetch them");
        }
    }

    private static void requireExactSizes(Path folder) {
        for (String name : ALL_FILES) {
            Path file = folder.resolve(name);
            long size = sizeOf(file);
            if (size < FILE_BYTES) {
                throw new InputError(file + " is truncated: " + count(size) + " bytes, expected "
                        + count(FILE_BYTES) + "; delete it and run with --download");
            }
            if (size > FILE_BYTES) {
                throw new InputError(file + " is too large: " + count(size) + " bytes, expected "
                        + count(FILE_BYTES) + "; it is not a CIFAR-10 batch, delete it and run with --download");
            }
        }
    }

    private static long sizeOf(Path file) {
        if (Files.isDirectory(file)) {
            throw new InputError(file + " is a folder, not a CIFAR-10 batch file; remove it and run with --download");
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    private static void readWholeFile(Path file, byte[] buffer, int records) {
        int length = records * RECORD_BYTES;
        // FileInputStream rather than Files.newInputStream: a channel stream would stage each 30 MB read through a
        // thread-cached direct buffer that is never released.
        try (InputStream in = new FileInputStream(file.toFile())) {
            int read = in.readNBytes(buffer, 0, length);
            if (read != length) {
                throw new InputError(file + " shrank while being read: " + count(read) + " bytes, expected "
                        + count(length) + "; check that nothing else is writing it and try again");
            }
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    private static void requireValidLabels(Path file, byte[] records, int recordCount) {
        for (int record = 0; record < recordCount; record++) {
            int label = Byte.toUnsignedInt(records[record * RECORD_BYTES]);
            if (label >= INFO.numClasses()) {
                throw new InputError(file + " record " + record + " has label " + label + ", expected 0-"
                        + (INFO.numClasses() - 1) + "; the file is corrupt, delete it and run with --download");
            }
        }
    }

    private static InputError cannotRead(Path file, IOException e) {
        return new InputError("cannot read " + file + " (" + Failures.oneLine(e)
                + "); check that it exists and is readable", e);
    }

    private static Map<String, String> orderedMap(String... keysAndValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return Collections.unmodifiableMap(map);
    }
}
