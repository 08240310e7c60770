package dev.lightspeed.data;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The cache of decoded image folders. Whether images were decoded is seen from the progress events, which only
 * decoding reports, and, more bluntly, by replacing an image with garbage of the same size and time: a load that
 * still succeeds cannot have decoded it.
 */
class ImageFolderCacheTest {

    private static final int SIZE = 8;
    private static final FileTime LONG_AGO = FileTime.fromMillis(1_600_000_000_000L);

    @TempDir
    Path dir;

    private Path data;
    private Path cache;
    private final List<long[]> progress = new ArrayList<>();

    @BeforeEach
    void writeFolder() throws IOException {
        data = dir.resolve("photos");
        cache = dir.resolve("cache");
        TestImages.write(TestImages.uniform(12, 9, 0x102030), "png", data.resolve("train/a/1.png"));
        TestImages.write(TestImages.uniform(9, 12, 0x405060), "jpeg", data.resolve("train/a/2.jpg"));
        TestImages.write(TestImages.gray(10, 10, 90), "png", data.resolve("train/b/3.png"));
        TestImages.write(TestImages.uniform(8, 8, 0x708090), "png", data.resolve("val/a/4.png"));
        TestImages.write(TestImages.uniform(8, 8, 0xa0b0c0), "png", data.resolve("val/b/5.png"));
    }

    private Dataset load() {
        progress.clear();
        return ImageFolder.load(data, SIZE, cache, (done, total) -> progress.add(new long[] {done, total}));
    }

    @Test
    void secondLoadOfAnUnchangedFolderDecodesNothing() throws IOException {
        Dataset first = load();
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L, 5L), progress.stream().map(event -> event[0]).toList());
        assertTrue(progress.stream().allMatch(event -> event[1] == 5), "progress counts all images of both splits");
        assertEquals(1, cacheFiles().size());

        Dataset second = load();

        assertEquals(List.of(), progress, "nothing decoded");
        assertEquals(first, second);
        // Garbage of the same size and time: only a load that decodes nothing can still succeed.
        Path image = data.resolve("train/a/2.jpg");
        FileTime modified = Files.getLastModifiedTime(image);
        Files.write(image, new byte[Math.toIntExact(Files.size(image))]);
        Files.setLastModifiedTime(image, modified);
        assertEquals(first, load());
        assertEquals(List.of(), progress);
    }

    @Test
    void aTouchedAddedOrRemovedImageOrAnotherSizeDecodesAgain() throws IOException {
        Dataset first = load();

        Files.setLastModifiedTime(data.resolve("val/b/5.png"), LONG_AGO);
        assertEquals(first, load(), "same content, decoded again");
        assertEquals(5, progress.get(progress.size() - 1)[0]);

        TestImages.write(TestImages.uniform(8, 8, 0xffffff), "png", data.resolve("train/b/6.png"));
        Dataset added = load();
        assertEquals(3 + 1, added.train().count());
        assertEquals(6, progress.get(progress.size() - 1)[0]);
        assertEquals(255, added.train().pixel(3, 1, 0, 0));

        Files.delete(data.resolve("train/a/1.png"));
        assertEquals(2 + 1, load().train().count());
        assertEquals(5, progress.get(progress.size() - 1)[0]);

        progress.clear();
        Dataset larger = ImageFolder.load(data, 2 * SIZE, cache, (done, total) -> progress.add(new long[] {done}));
        assertEquals(2 * SIZE, larger.info().imageSize());
        assertTrue(!progress.isEmpty(), "another image size is decoded");
        assertEquals(2, cacheFiles().size(), "one file per image size; a stale one is replaced, not added");
    }

    @Test
    void aDamagedCacheIsRebuiltNotTrusted() throws IOException {
        Dataset first = load();
        Path file = cacheFiles().get(0);
        long length = Files.size(file);

        // One pixel byte changed: the checksum no longer matches.
        flipByte(file, length - 10);
        assertEquals(first, load());
        assertTrue(!progress.isEmpty(), "decoded again after a bad checksum");
        assertEquals(List.of(), reload(), "the rebuilt file is good");

        // Cut short, and then lengthened.
        truncate(file, length - 1);
        assertEquals(first, load());
        assertTrue(!progress.isEmpty(), "decoded again after a truncated file");
        truncate(file, length + 1);
        assertEquals(first, load());
        assertTrue(!progress.isEmpty(), "decoded again after a lengthened file");

        // Another magic, and another format version.
        flipByte(file, 0);
        assertEquals(first, load());
        assertTrue(!progress.isEmpty(), "decoded again after a wrong magic");
        flipByte(file, 11);
        assertEquals(first, load());
        assertTrue(!progress.isEmpty(), "decoded again after another format version");

        // A garbled header (key, geometry, counts, names).
        for (int at = 8; at < 200; at += 4) {
            flipByte(file, at);
        }
        assertEquals(first, load());
        assertTrue(!progress.isEmpty(), "decoded again after a garbled header");

        Files.write(file, new byte[0]);
        assertEquals(first, load());
        assertEquals(List.of(), reload());
    }

    @Test
    void aCacheThatCannotBeWrittenOnlyCostsTime() throws IOException {
        Files.writeString(cache, "a file where the cache folder should be");

        Dataset first = load();
        Dataset second = load();

        assertEquals(first, second);
        assertTrue(!progress.isEmpty(), "decoded each time");
        assertEquals(List.of(cache), listing(dir).stream().filter(path -> !path.equals(data)).toList(),
                "no temporary file left");
    }

    @Test
    void anotherFolderWithTheSameNameHasItsOwnCache() throws IOException {
        Dataset first = load();
        Path twin = dir.resolve("elsewhere").resolve("photos");
        TestImages.write(TestImages.uniform(8, 8, 0x000000), "png", twin.resolve("train/a/1.png"));
        TestImages.write(TestImages.uniform(8, 8, 0x000000), "png", twin.resolve("val/a/1.png"));

        Dataset other = ImageFolder.load(twin, SIZE, cache, ProgressListener.none());

        assertEquals(2, cacheFiles().size());
        assertNotEquals(first.train(), other.train());
        assertEquals(first, load());
        assertEquals(List.of(), progress);
    }

    private List<long[]> reload() {
        load();
        return progress;
    }

    private List<Path> cacheFiles() throws IOException {
        return listing(cache);
    }

    private static List<Path> listing(Path folder) throws IOException {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.sorted().toList();
        }
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.seek(position);
            int value = out.read();
            out.seek(position);
            out.write(value ^ 0x5a);
        }
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile out = new RandomAccessFile(file.toFile(), "rw")) {
            out.setLength(length);
        }
    }
}
