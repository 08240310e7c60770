package dev.lightspeed.data;

import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorOutputStream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes files in the CIFAR-10 binary format with a known pattern, so tests can say exactly which label and pixel
 * must land where. Record {@code r} of file {@code f} (data_batch_1..5 are 0..4, test_batch is 5) has the global
 * index {@code f * 10,000 + r}; its label and pixels are functions of that index.
 *
 * <p>Full-size files (30,730,000 bytes, which validation insists on) are written sparse: only the first few
 * records carry the pattern and the rest is a hole that reads as zeros (label 0, black pixels), so a full set
 * costs almost no disk and no time.
 */
final class SyntheticCifar {

    static final List<String> FILES = Cifar10.ALL_FILES;

    private SyntheticCifar() {
    }

    static int globalIndex(int fileIndex, int record) {
        return fileIndex * Cifar10.RECORDS_PER_FILE + record;
    }

    static int label(int globalIndex) {
        return Math.floorMod(globalIndex * 3 + 1, Cifar10.INFO.numClasses());
    }

    /** Pixel value at {@code position} (0-1023) of {@code channel}; the channel term tells R, G and B apart. */
    static int pixel(int globalIndex, int channel, int position) {
        return (globalIndex * 7 + channel * 85 + position) & 0xFF;
    }

    static byte[] records(int firstGlobalIndex, int count) {
        int channels = Cifar10.INFO.channels();
        int planeBytes = Cifar10.INFO.imageSize() * Cifar10.INFO.imageSize();
        byte[] bytes = new byte[count * Cifar10.RECORD_BYTES];
        for (int i = 0; i < count; i++) {
            int index = firstGlobalIndex + i;
            int offset = i * Cifar10.RECORD_BYTES;
            bytes[offset] = (byte) label(index);
            for (int channel = 0; channel < channels; channel++) {
                for (int position = 0; position < planeBytes; position++) {
                    bytes[offset + 1 + channel * planeBytes + position] =
                            (byte) pixel(index, channel, position);
                }
            }
        }
        return bytes;
    }

    /** Six small files of {@code recordsPerFile} patterned records each. */
    static void writeSmallSet(Path folder, int recordsPerFile) throws IOException {
        Files.createDirectories(folder);
        for (int f = 0; f < FILES.size(); f++) {
            Files.write(folder.resolve(FILES.get(f)), records(globalIndex(f, 0), recordsPerFile));
        }
    }

    /** Six full-size sparse files whose first {@code patternedRecords} records follow the pattern. */
    static void writeFullSizeSet(Path folder, int patternedRecords) throws IOException {
        Files.createDirectories(folder);
        for (int f = 0; f < FILES.size(); f++) {
            Path file = folder.resolve(FILES.get(f));
            try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
                out.write(records(globalIndex(f, 0), patternedRecords));
                out.setLength(Cifar10.FILE_BYTES);
            }
        }
    }

    /** Overwrites one label byte in place, e.g. to plant an invalid label. */
    static void setLabel(Path file, int record, int label) throws IOException {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.seek((long) record * Cifar10.RECORD_BYTES);
            out.write(label);
        }
    }

    /** A {@code .tar.gz} holding {@code entries} (path inside the archive to content), in order. */
    static byte[] tarGz(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GzipCompressorOutputStream gzip = new GzipCompressorOutputStream(bytes);
             TarArchiveOutputStream tar = new TarArchiveOutputStream(gzip)) {
            for (Map.Entry<String, byte[]> entry : entries.entrySet()) {
                TarArchiveEntry header = new TarArchiveEntry(entry.getKey(), true);
                header.setSize(entry.getValue().length);
                tar.putArchiveEntry(header);
                tar.write(entry.getValue());
                tar.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    /** The archive layout of the official download, with small patterned files. */
    static Map<String, byte[]> officialLayout(int recordsPerFile) {
        Map<String, byte[]> entries = new LinkedHashMap<>();
        entries.put("cifar-10-batches-bin/", new byte[0]);
        for (int f = 0; f < FILES.size(); f++) {
            entries.put("cifar-10-batches-bin/" + FILES.get(f), records(globalIndex(f, 0), recordsPerFile));
        }
        entries.put("cifar-10-batches-bin/batches.meta.txt",
                (String.join("\n", Cifar10.INFO.classes()) + "\n").getBytes(StandardCharsets.UTF_8));
        entries.put("cifar-10-batches-bin/readme.html", "<html></html>".getBytes());
        return entries;
    }
}
