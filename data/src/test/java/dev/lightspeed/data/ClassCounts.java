package dev.lightspeed.data;

import java.util.Arrays;

/** Per-class image counts, as tests of real datasets compare them with the published ones. */
final class ClassCounts {

    private ClassCounts() {
    }

    static int[] of(int[] labels, int classes) {
        int[] counts = new int[classes];
        for (int label : labels) {
            counts[label]++;
        }
        return counts;
    }

    /** {@code classes} classes of {@code each} images. */
    static int[] equal(int classes, int each) {
        int[] counts = new int[classes];
        Arrays.fill(counts, each);
        return counts;
    }
}
