package dev.lightspeed.data;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** MD5 digests, the checksum the CIFAR-10 authors publish for the archive and its files. */
final class Md5 {

    private static final int READ_CHUNK_BYTES = 1 << 20;

    private Md5() {
    }

    static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            // Every Java platform is required to provide MD5, so this is a broken runtime, not user input.
            throw new IllegalStateException("this Java runtime lacks MD5", e);
        }
    }

    static String hex(MessageDigest digest) {
        return HexFormat.of().formatHex(digest.digest());
    }

    static String ofFile(Path file) throws IOException {
        MessageDigest digest = newDigest();
        byte[] chunk = new byte[READ_CHUNK_BYTES];
        try (InputStream in = Files.newInputStream(file)) {
            for (int read = in.read(chunk); read >= 0; read = in.read(chunk)) {
                digest.update(chunk, 0, read);
            }
        }
        return hex(digest);
    }
}
