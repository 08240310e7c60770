package dev.lightspeed.data;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * Writes files in the CIFAR-100 binary format with a known pattern. Image {@code i} of a file has fine label
 * {@code i mod 100} and coarse label {@code fine / 5} (so every fine and every coarse class is equally frequent, as
 * in the official files); its pixels are a function of {@code i}, the channel and the position.
 */
final class SyntheticCifar100 {

    private static final int PLANE = 32 * 32;

    private SyntheticCifar100() {
    }

    static int fine(int index) {
        return index % 100;
    }

    static int coarse(int index) {
        return fine(index) / 5;
    }

    static int pixel(int index, int channel, int position) {
        return (index * 7 + channel * 85 + position) & 0xFF;
    }

    static byte[] records(int count) {
        byte[] bytes = new byte[count * Cifar100.RECORD_BYTES];
        for (int i = 0; i < count; i++) {
            int offset = i * Cifar100.RECORD_BYTES;
            bytes[offset] = (byte) coarse(i);
            bytes[offset + 1] = (byte) fine(i);
            for (int channel = 0; channel < 3; channel++) {
                for (int position = 0; position < PLANE; position++) {
                    bytes[offset + 2 + channel * PLANE + position] = (byte) pixel(i, channel, position);
                }
            }
        }
        return bytes;
    }

    /** The four official files at their official sizes (153,700,000 and 30,740,000 bytes: 3,074-byte records). */
    static void writeFullSet(Path folder) throws IOException {
        Files.createDirectories(folder);
        Files.write(folder.resolve(Cifar100.TRAIN_FILE), records(Cifar100.TRAIN_RECORDS));
        Files.write(folder.resolve(Cifar100.TEST_FILE), records(Cifar100.TEST_RECORDS));
        writeNames(folder);
    }

    /** Names {@code fine-0 .. fine-99} and {@code coarse-0 .. coarse-19}, with a trailing blank line as shipped. */
    static void writeNames(Path folder) throws IOException {
        Files.writeString(folder.resolve(Cifar100.Labels.FINE.namesFile()), names("fine", 100) + "\n\n",
                StandardCharsets.UTF_8);
        Files.writeString(folder.resolve(Cifar100.Labels.COARSE.namesFile()), names("coarse", 20) + "\n",
                StandardCharsets.UTF_8);
    }

    static String names(String prefix, int count) {
        return IntStream.range(0, count).mapToObj(i -> prefix + "-" + i).collect(Collectors.joining("\n"));
    }
}
