package dev.lightspeed.data;

import dev.lightspeed.models.AtomicFiles;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.FileInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.zip.CRC32;
import java.util.zip.CheckedInputStream;
import java.util.zip.CheckedOutputStream;

/**
 * The decoded, resized images of an image folder, kept in one file so that a second run need not decode them again.
 *
 * <p>A cache file belongs to one folder and one image size (its name says which); its key is a SHA-256 of the
 * folder's absolute path, the image size, and the relative path, size and modification time of every image, so
 * a changed, added or removed image makes it stale. A file that is stale, of another format, of the wrong length
 * or whose checksum does not match is never used: the images are decoded again and the file replaced. Writes are
 * atomic, so a reader never sees half a file.
 *
 * <p>Format, big-endian: the magic {@code LSIMGFLD}, the format version (int), the 32-byte key, channels and image
 * size (ints), the number of classes (int) and each name ({@link DataOutputStream#writeUTF}), the evaluation
 * folder's name (UTF), the training and evaluation image counts (ints); then per split, training first, its labels
 * (one int each) and its pixels (CHW bytes, image after image); last the CRC-32 of every byte before it (int).
 */
final class ImageFolderCache {

    private static final byte[] MAGIC = "LSIMGFLD".getBytes(StandardCharsets.US_ASCII);
    /** Raise when the format or the decoding (resizing, cropping, rounding) changes, so old files are rebuilt. */
    static final int FORMAT_VERSION = 1;
    private static final int CRC_BYTES = Integer.BYTES;
    private static final int BUFFER_BYTES = 1 << 16;

    /** The two splits as cached. */
    record Splits(ImageSplit train, ImageSplit evaluation) {
    }

    private final Path file;
    private final byte[] key;

    private ImageFolderCache(Path file, byte[] key) {
        this.file = file;
        this.key = key;
    }

    /** The cache of {@code layout} at {@code imageSize}, a file in {@code cacheFolder}. */
    static ImageFolderCache of(ImageFolderLayout layout, int imageSize, Path cacheFolder) {
        MessageDigest folderDigest = sha256();
        folderDigest.update(layout.root().toString().getBytes(StandardCharsets.UTF_8));
        String folderHash = HexFormat.of().formatHex(folderDigest.digest()).substring(0, 16);
        String readableName = layout.root().getFileName() == null ? "root"
                : layout.root().getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
        if (readableName.length() > 40) {
            readableName = readableName.substring(0, 40);
        }
        Path file = cacheFolder.toAbsolutePath().normalize()
                .resolve(readableName + "-" + folderHash + "-" + imageSize + "px.bin");
        return new ImageFolderCache(file, key(layout, imageSize));
    }

    Path file() {
        return file;
    }

    /** The cached splits, or empty when the file is absent, stale or damaged in any way. */
    Optional<Splits> read(ImageFolderLayout layout, int imageSize) {
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        CRC32 crc = new CRC32();
        try (CountingInputStream counted = new CountingInputStream(new CheckedInputStream(
                new BufferedInputStream(new FileInputStream(file.toFile()), BUFFER_BYTES), crc));
             DataInputStream in = new DataInputStream(counted)) {
            long length = Files.size(file);
            byte[] magic = new byte[MAGIC.length];
            in.readFully(magic);
            if (!Arrays.equals(magic, MAGIC) || in.readInt() != FORMAT_VERSION) {
                return Optional.empty();
            }
            byte[] storedKey = new byte[key.length];
            in.readFully(storedKey);
            if (!Arrays.equals(storedKey, key)) {
                return Optional.empty();
            }
            int channels = in.readInt();
            int size = in.readInt();
            int classCount = in.readInt();
            if (channels != 3 || size != imageSize || classCount != layout.classes().size()) {
                return Optional.empty();
            }
            List<String> classes = new ArrayList<>(classCount);
            for (int c = 0; c < classCount; c++) {
                classes.add(in.readUTF());
            }
            String evaluationFolder = in.readUTF();
            int trainCount = in.readInt();
            int evaluationCount = in.readInt();
            if (!classes.equals(layout.classes()) || !evaluationFolder.equals(layout.evaluationFolder())
                    || trainCount != layout.train().size() || evaluationCount != layout.evaluation().size()) {
                return Optional.empty();
            }
            long imageBytes = (long) channels * size * size;
            long payload = (trainCount + (long) evaluationCount) * (Integer.BYTES + imageBytes);
            if (length != counted.bytesRead() + payload + CRC_BYTES) {
                return Optional.empty();
            }
            ImageSplit train = readSplit(in, trainCount, classCount, channels, size);
            ImageSplit evaluation = readSplit(in, evaluationCount, classCount, channels, size);
            long computed = crc.getValue();
            if (train == null || evaluation == null || Integer.toUnsignedLong(in.readInt()) != computed) {
                return Optional.empty();
            }
            return Optional.of(new Splits(train, evaluation));
        } catch (IOException e) {
            // Unreadable, truncated, or a name that is no valid UTF: all mean the file cannot be trusted.
            return Optional.empty();
        }
    }

    /**
     * Writes the splits, replacing any older file. A cache that cannot be written (a read-only home, a full disk)
     * costs the next run time but this one nothing, so a failure leaves no file and is not reported.
     */
    void write(ImageFolderLayout layout, Splits splits) {
        try {
            AtomicFiles.write(file, channel -> {
                CRC32 crc = new CRC32();
                // Not closed: closing would close the channel, which AtomicFiles still forces to disk.
                OutputStream buffered = new BufferedOutputStream(Channels.newOutputStream(channel), BUFFER_BYTES);
                DataOutputStream out = new DataOutputStream(new CheckedOutputStream(buffered, crc));
                out.write(MAGIC);
                out.writeInt(FORMAT_VERSION);
                out.write(key);
                out.writeInt(splits.train().channels());
                out.writeInt(splits.train().imageSize());
                out.writeInt(layout.classes().size());
                for (String name : layout.classes()) {
                    out.writeUTF(name);
                }
                out.writeUTF(layout.evaluationFolder());
                out.writeInt(splits.train().count());
                out.writeInt(splits.evaluation().count());
                for (ImageSplit split : List.of(splits.train(), splits.evaluation())) {
                    for (int label : split.labels()) {
                        out.writeInt(label);
                    }
                    out.write(split.images());
                }
                out.writeInt((int) crc.getValue());
                out.flush();
            });
        } catch (IOException e) {
            // AtomicFiles has removed its temporary file; the images are decoded again next time.
        }
    }

    private static ImageSplit readSplit(DataInputStream in, int count, int classCount, int channels, int size)
            throws IOException {
        int[] labels = new int[count];
        boolean valid = true;
        for (int i = 0; i < count; i++) {
            labels[i] = in.readInt();
            valid &= labels[i] >= 0 && labels[i] < classCount;
        }
        byte[] images = new byte[Math.toIntExact((long) count * channels * size * size)];
        in.readFully(images);
        return valid ? new ImageSplit(images, labels, channels, size) : null;
    }

    private static byte[] key(ImageFolderLayout layout, int imageSize) {
        MessageDigest digest = sha256();
        StringBuilder text = new StringBuilder();
        text.append("lightspeed image folder ").append(FORMAT_VERSION).append('\n')
                .append(layout.root()).append('\n')
                .append(imageSize).append('\n');
        appendFiles(text, "train", layout.train());
        appendFiles(text, layout.evaluationFolder(), layout.evaluation());
        digest.update(text.toString().getBytes(StandardCharsets.UTF_8));
        return digest.digest();
    }

    private static void appendFiles(StringBuilder text, String split, List<ImageFolderLayout.ImageFile> files) {
        text.append(split).append(' ').append(files.size()).append('\n');
        for (ImageFolderLayout.ImageFile image : files) {
            // The path last and the line ended by a zero byte, so no file name can pass for another entry.
            text.append(image.bytes()).append(' ').append(image.modifiedSeconds()).append('.')
                    .append(image.modifiedNanos()).append(' ').append(image.relativePath()).append('\0');
        }
    }

    /** Counts the bytes read through it, so the header's length need not be computed from its contents. */
    private static final class CountingInputStream extends FilterInputStream {

        private long bytesRead;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long bytesRead() {
            return bytesRead;
        }

        @Override
        public int read() throws IOException {
            int value = super.read();
            bytesRead += value < 0 ? 0 : 1;
            return value;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int read = super.read(buffer, offset, length);
            bytesRead += Math.max(0, read);
            return read;
        }

        @Override
        public long skip(long count) throws IOException {
            long skipped = super.skip(count);
            bytesRead += skipped;
            return skipped;
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide SHA-256, so this is a broken runtime, not user input.
            throw new IllegalStateException("this Java runtime lacks SHA-256", e);
        }
    }
}
