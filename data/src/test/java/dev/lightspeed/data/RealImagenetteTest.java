package dev.lightspeed.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The real Imagenette photographs beside the project ({@code shared/imagenette-128}, see its README): the full
 * layout is listed, and a few images of every class are decoded (all of them would take too long for a unit test).
 */
class RealImagenetteTest {

    private static final Map<String, int[]> OFFICIAL_COUNTS = officialCounts();
    private static final int IMAGES_PER_CLASS = 3;

    @TempDir
    Path dir;

    private Path folder;

    @BeforeEach
    void findData() {
        folder = SharedData.folder("imagenette-128");
        Assumptions.assumeTrue(folder != null && ImageFolder.looksLikeImageFolder(folder),
                "real Imagenette not present beside the project (shared/imagenette-128); skipped");
    }

    @Test
    void layoutHasTheOfficialClassesAndCounts() {
        ImageFolderLayout layout = ImageFolderLayout.scan(folder);

        assertEquals(List.copyOf(OFFICIAL_COUNTS.keySet()), layout.classes());
        assertEquals("val", layout.evaluationFolder());
        assertEquals(9_469, layout.train().size());
        assertEquals(3_925, layout.evaluation().size());
        for (int label = 0; label < layout.classes().size(); label++) {
            int[] counts = OFFICIAL_COUNTS.get(layout.classes().get(label));
            int classLabel = label;
            assertEquals(counts[0], layout.train().stream().filter(image -> image.label() == classLabel).count());
            assertEquals(counts[1], layout.evaluation().stream().filter(image -> image.label() == classLabel).count());
        }
    }

    @Test
    void aFewRealPhotosOfEveryClassDecodeAndComeBackFromTheCache() throws IOException {
        ImageFolderLayout layout = ImageFolderLayout.scan(folder);
        Path sample = dir.resolve("imagenette-sample");
        for (List<ImageFolderLayout.ImageFile> split : List.of(layout.train(), layout.evaluation())) {
            for (int label = 0; label < layout.classes().size(); label++) {
                int classLabel = label;
                for (ImageFolderLayout.ImageFile image : split.stream().filter(file -> file.label() == classLabel)
                        .limit(IMAGES_PER_CLASS).toList()) {
                    Path copy = sample.resolve(image.relativePath());
                    Files.createDirectories(copy.getParent());
                    Files.copy(folder.resolve(image.relativePath()), copy);
                }
            }
        }
        long[] decoded = {0};

        Dataset dataset = ImageFolder.load(sample, 32, dir.resolve("cache"), (done, total) -> decoded[0] = done);
        Dataset again = ImageFolder.load(sample, 32, dir.resolve("cache"), (done, total) -> decoded[0] = -1);

        assertEquals(2L * IMAGES_PER_CLASS * 10, decoded[0], "decoded once, then read from the cache");
        assertEquals(dataset, again);
        assertEquals(layout.classes(), dataset.info().classes());
        assertEquals(IMAGES_PER_CLASS * 10, dataset.train().count());
        assertEquals(IMAGES_PER_CLASS * 10, dataset.test().count());
        for (int channel = 0; channel < 3; channel++) {
            // Photographs: neither black nor white on average, and with spread.
            double mean = dataset.info().normalization().mean().get(channel);
            double std = dataset.info().normalization().std().get(channel);
            assertTrue(mean > 0.2 && mean < 0.8, "mean of channel " + channel + ": " + mean);
            assertTrue(std > 0.1 && std < 0.5, "std of channel " + channel + ": " + std);
        }
    }

    /** Per class (wnid): training and validation images, from the README. */
    private static Map<String, int[]> officialCounts() {
        Map<String, int[]> counts = new TreeMap<>();
        counts.put("n01440764", new int[] {963, 387});
        counts.put("n02102040", new int[] {955, 395});
        counts.put("n02979186", new int[] {993, 357});
        counts.put("n03000684", new int[] {858, 386});
        counts.put("n03028079", new int[] {941, 409});
        counts.put("n03394916", new int[] {956, 394});
        counts.put("n03417042", new int[] {961, 389});
        counts.put("n03425413", new int[] {931, 419});
        counts.put("n03445777", new int[] {951, 399});
        counts.put("n03888257", new int[] {960, 390});
        return counts;
    }
}
