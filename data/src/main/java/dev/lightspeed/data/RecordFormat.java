package dev.lightspeed.data;

import dev.lightspeed.models.Failures;
import dev.lightspeed.models.InputError;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static dev.lightspeed.data.UserMessages.count;

/**
 * The binary record layout shared by the CIFAR datasets: each record is one or more label bytes followed by one
 * image in CHW order, and a file is a plain sequence of records. Reads and checks such files; the dataset classes
 * supply their constants.
 *
 * @param datasetName how messages name the dataset, for example {@code CIFAR-10}
 * @param fileKind    how messages name one of its files, for example {@code CIFAR-10 batch}
 * @param labels      the label bytes at the start of each record, in order
 * @param channels    colour planes per image
 * @param imageSize   width and height of every image, in pixels
 */
record RecordFormat(String datasetName, String fileKind, List<LabelByte> labels, int channels, int imageSize) {

    /**
     * One label byte of a record.
     *
     * @param name    how messages name it, for example {@code label} or {@code fine label}
     * @param classes how many classes it distinguishes; valid values are 0 to {@code classes - 1}
     */
    record LabelByte(String name, int classes) {
    }

    RecordFormat {
        labels = List.copyOf(labels);
    }

    int imageBytes() {
        return channels * imageSize * imageSize;
    }

    int recordBytes() {
        return labels.size() + imageBytes();
    }

    /**
     * Reads the records of {@code files}, in order, into one split labelled by label byte {@code labelIndex}. Each
     * file may hold any whole number of records (tests use small files); every label byte is checked against its
     * range, with the file and record named.
     */
    ImageSplit readSplit(List<Path> files, int labelIndex) {
        int recordBytes = recordBytes();
        int imageBytes = imageBytes();
        long totalRecords = 0;
        long largestFile = 0;
        List<Integer> recordsPerFile = new ArrayList<>(files.size());
        for (Path file : files) {
            long size = sizeOf(file);
            if (size % recordBytes != 0) {
                throw new InputError(file + " is not a " + datasetName + " binary file: " + count(size)
                        + " bytes is not a whole number of " + count(recordBytes)
                        + "-byte records; delete it and download the dataset again");
            }
            recordsPerFile.add(Math.toIntExact(size / recordBytes));
            totalRecords += size / recordBytes;
            largestFile = Math.max(largestFile, size);
        }
        if (totalRecords * imageBytes > Integer.MAX_VALUE - 8) {
            throw new InputError("the files " + files + " hold " + count(totalRecords)
                    + " images, more than fit in one split; pass the " + datasetName + " files only");
        }
        int total = Math.toIntExact(totalRecords);
        byte[] images = new byte[total * imageBytes];
        int[] imageLabels = new int[total];
        // One buffer sized for the largest file, reused, so each file costs a single read call.
        byte[] buffer = new byte[Math.toIntExact(largestFile)];
        int imageIndex = 0;
        for (int i = 0; i < files.size(); i++) {
            Path file = files.get(i);
            int records = recordsPerFile.get(i);
            readWholeFile(file, buffer, records);
            requireValidLabels(file, buffer, records);
            for (int record = 0; record < records; record++, imageIndex++) {
                int offset = record * recordBytes;
                imageLabels[imageIndex] = Byte.toUnsignedInt(buffer[offset + labelIndex]);
                System.arraycopy(buffer, offset + labels.size(), images, imageIndex * imageBytes, imageBytes);
            }
        }
        return new ImageSplit(images, imageLabels, channels, imageSize);
    }

    /**
     * Checks every label byte of every record of a file holding exactly {@code records} records.
     *
     * @return per label byte, how many records carry each class
     */
    int[][] validate(Path file, int records) {
        byte[] buffer = new byte[Math.toIntExact((long) records * recordBytes())];
        readWholeFile(file, buffer, records);
        requireValidLabels(file, buffer, records);
        int[][] counts = new int[labels.size()][];
        for (int l = 0; l < labels.size(); l++) {
            counts[l] = new int[labels.get(l).classes()];
            for (int record = 0; record < records; record++) {
                counts[l][Byte.toUnsignedInt(buffer[record * recordBytes() + l])]++;
            }
        }
        return counts;
    }

    /** Requires the file to hold exactly {@code records} records, naming truncation and excess apart. */
    void requireRecords(Path file, int records) {
        long expected = (long) records * recordBytes();
        long size = sizeOf(file);
        if (size < expected) {
            throw new InputError(file + " is truncated: " + count(size) + " bytes, expected "
                    + count(expected) + "; delete it and download the dataset again");
        }
        if (size > expected) {
            throw new InputError(file + " is too large: " + count(size) + " bytes, expected "
                    + count(expected) + "; it is not a " + fileKind + ", delete it and download the dataset again");
        }
    }

    private long sizeOf(Path file) {
        if (Files.isDirectory(file)) {
            throw new InputError(file + " is a folder, not a " + fileKind
                    + "; remove it and download the dataset again");
        }
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw cannotRead(file, e);
        }
    }

    private void readWholeFile(Path file, byte[] buffer, int records) {
        int length = records * recordBytes();
        // FileInputStream rather than Files.newInputStream: a channel stream would stage each large read through a
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

    private void requireValidLabels(Path file, byte[] records, int recordCount) {
        int recordBytes = recordBytes();
        for (int record = 0; record < recordCount; record++) {
            for (int l = 0; l < labels.size(); l++) {
                LabelByte label = labels.get(l);
                int value = Byte.toUnsignedInt(records[record * recordBytes + l]);
                if (value >= label.classes()) {
                    throw new InputError(file + " record " + record + " has " + label.name() + " " + value
                            + ", expected 0-" + (label.classes() - 1)
                            + "; the file is corrupt, delete it and download the dataset again");
                }
            }
        }
    }

    static InputError cannotRead(Path file, IOException e) {
        return new InputError("cannot read " + file + " (" + Failures.oneLine(e)
                + "); check that it exists and is readable", e);
    }
}
