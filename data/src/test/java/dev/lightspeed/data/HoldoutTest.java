package dev.lightspeed.data;

import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class HoldoutTest {

    /** 1,000 one-pixel two-channel images, image i holding i in its two bytes, in classes of uneven sizes. */
    private static ImageSplit split() {
        int count = 1000;
        byte[] pixels = new byte[2 * count];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            pixels[2 * i] = (byte) (i >> 8);
            pixels[2 * i + 1] = (byte) i;
            // Classes 0..3 with 400, 300, 200 and 100 images.
            labels[i] = i < 400 ? 0 : i < 700 ? 1 : i < 900 ? 2 : 3;
        }
        return new ImageSplit(pixels, labels, 2, 1);
    }

    /** The original indices of a part's images, read back from their pixels. */
    private static Set<Integer> indices(ImageSplit part) {
        Set<Integer> found = new HashSet<>();
        for (int i = 0; i < part.count(); i++) {
            found.add(part.pixel(i, 0, 0, 0) << 8 | part.pixel(i, 1, 0, 0));
        }
        assertEquals(part.count(), found.size());
        return found;
    }

    @Test
    void validationIsDisjointFromTrainingAndTogetherTheyAreTheWholeSplit() {
        ImageSplit whole = split();
        Holdout.Parts parts = new Holdout(100, 3).split(whole, 4);
        assertEquals(900, parts.train().count());
        assertEquals(100, parts.validation().count());
        Set<Integer> train = indices(parts.train());
        Set<Integer> validation = indices(parts.validation());
        Set<Integer> both = new HashSet<>(train);
        both.retainAll(validation);
        assertTrue(both.isEmpty(), "held-out images also in training: " + both);
        assertEquals(1000, train.size() + validation.size());
    }

    @Test
    void eachClassGivesItsShare() {
        Holdout.Parts parts = new Holdout(100, 3).split(split(), 4);
        int[] perClass = new int[4];
        Arrays.stream(parts.validation().labels()).forEach(l -> perClass[l]++);
        assertEquals(Arrays.toString(new int[] {40, 30, 20, 10}), Arrays.toString(perClass));
    }

    @Test
    void roundingIsSpreadSoTheCountIsExact() {
        Holdout.Parts parts = new Holdout(7, 1).split(split(), 4);
        int[] perClass = new int[4];
        Arrays.stream(parts.validation().labels()).forEach(l -> perClass[l]++);
        assertEquals(7, Arrays.stream(perClass).sum());
        assertTrue(Arrays.stream(perClass).allMatch(n -> n >= 1), Arrays.toString(perClass));
        assertTrue(perClass[0] >= perClass[3], Arrays.toString(perClass));
    }

    @Test
    void theSameSeedPicksTheSameImagesAndAnotherSeedOthers() {
        ImageSplit whole = split();
        ImageSplit a = new Holdout(100, 3).split(whole, 4).validation();
        ImageSplit b = new Holdout(100, 3).split(whole, 4).validation();
        ImageSplit c = new Holdout(100, 4).split(whole, 4).validation();
        assertEquals(a, b);
        assertNotEquals(indices(a), indices(c));
    }

    @Test
    void refusesCountsThatLeaveNoTrainingOrMissAClass() {
        ImageSplit whole = split();
        Messages.inputErrorIn("holdout", () -> new Holdout(1000, 0).split(whole, 4), "every training image");
        Messages.inputErrorIn("holdout", () -> new Holdout(3, 0).split(whole, 4), "fewer than the 4 classes");
        Messages.inputErrorIn("holdout", () -> new Holdout(-1, 0), "holdout -1 is negative");
        Messages.inputErrorIn("holdout", () -> new Holdout(997, 0).split(whole, 4), "without a training image");
    }

    @Test
    void aDatasetWithAHoldoutCarriesItsValidationSplit() {
        ImageSplit whole = split();
        dev.lightspeed.models.DatasetInfo info = new dev.lightspeed.models.DatasetInfo("two-channel4",
                java.util.List.of("a", "b", "c", "d"), 2, 1, new dev.lightspeed.models.Normalization(
                java.util.List.of(0.5, 0.5), java.util.List.of(0.25, 0.25)));
        Dataset data = new Dataset(info, whole, whole.head(10)).holdOut(new Holdout(50, 9));
        assertTrue(data.hasValidation());
        assertEquals(950, data.train().count());
        assertEquals(50, data.validation().count());
        assertEquals(new Holdout(50, 9), data.holdout());
    }
}
