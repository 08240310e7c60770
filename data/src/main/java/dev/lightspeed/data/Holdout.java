package dev.lightspeed.data;

import dev.lightspeed.models.InputError;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Which training images are kept out of training as a validation split, so that settings can be chosen without
 * looking at the test set. The choice is stratified (each class gives its share, the rounding spread by largest
 * remainder) and fixed by the seed: the same count and seed pick the same images on any machine.
 *
 * @param count images held out; 0 holds none out
 * @param seed  the seed of the choice
 */
public record Holdout(int count, long seed) {

    public static final Holdout NONE = new Holdout(0, 0);

    public Holdout {
        if (count < 0) {
            throw InputError.in("holdout", "holdout " + count + " is negative; hold out 0 or more training images");
        }
    }

    public boolean isNone() {
        return count == 0;
    }

    @Override
    public String toString() {
        return isNone() ? "no images" : count + " images (seed " + seed + ")";
    }

    /** The training and validation splits of {@code train}, each in the original order of its images. */
    public record Parts(ImageSplit train, ImageSplit validation) {
    }

    /** Splits {@code train}; refuses a count that leaves no training image or cannot give every class one image. */
    public Parts split(ImageSplit train, int numClasses) {
        if (count >= train.count()) {
            throw InputError.in("holdout", "holdout " + count + " keeps every training image out of training ("
                    + train.count() + " images); hold out fewer");
        }
        if (count < numClasses) {
            throw InputError.in("holdout", "holdout " + count + " is fewer than the " + numClasses + " classes, so some"
                    + " class would have no validation image; hold out at least " + numClasses + " (or 0 for none)");
        }
        int[] labels = train.labels();
        List<int[]> byClass = indicesByClass(labels, numClasses);
        long spare = 0;
        for (int[] members : byClass) {
            spare += Math.max(0, members.length - 1);
        }
        if (count > spare) {
            throw InputError.in("holdout", "holdout " + count + " would leave some class without a training image"
                    + " (at most " + spare + " of these " + train.count() + " images can be held out); hold out fewer");
        }
        boolean[] heldOut = choose(byClass, labels.length);
        int[] kept = new int[train.count() - count];
        int[] validation = new int[count];
        for (int i = 0, k = 0, v = 0; i < heldOut.length; i++) {
            if (heldOut[i]) {
                validation[v++] = i;
            } else {
                kept[k++] = i;
            }
        }
        return new Parts(train.select(kept), train.select(validation));
    }

    private static List<int[]> indicesByClass(int[] labels, int numClasses) {
        int[] sizes = new int[numClasses];
        for (int label : labels) {
            sizes[label]++;
        }
        List<int[]> byClass = new ArrayList<>();
        for (int size : sizes) {
            byClass.add(new int[size]);
        }
        int[] filled = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            byClass.get(labels[i])[filled[labels[i]]++] = i;
        }
        return byClass;
    }

    private boolean[] choose(List<int[]> byClass, int total) {
        int[] share = shares(byClass.stream().mapToInt(members -> members.length).toArray(), total);
        SplittableRandom random = new SplittableRandom(seed);
        boolean[] heldOut = new boolean[total];
        for (int c = 0; c < byClass.size(); c++) {
            // A partial Fisher-Yates shuffle: the first share[c] places end up a uniform sample of the class.
            int[] order = byClass.get(c).clone();
            for (int i = 0; i < share[c]; i++) {
                int j = i + random.nextInt(order.length - i);
                int swap = order[i];
                order[i] = order[j];
                order[j] = swap;
                heldOut[order[i]] = true;
            }
        }
        return heldOut;
    }

    /** Per-class counts proportional to the class sizes, summing to {@code count}, every class at least one. */
    private int[] shares(int[] classSizes, int total) {
        int[] share = new int[classSizes.length];
        double[] remainder = new double[classSizes.length];
        int given = 0;
        for (int c = 0; c < classSizes.length; c++) {
            if (classSizes[c] == 0) {
                continue;
            }
            double exact = (double) count * classSizes[c] / total;
            share[c] = Math.max(Math.min(1, classSizes[c] - 1), Math.min(classSizes[c] - 1, (int) Math.floor(exact)));
            remainder[c] = exact - share[c];
            given += share[c];
        }
        Integer[] byRemainder = new Integer[classSizes.length];
        Arrays.setAll(byRemainder, c -> c);
        Arrays.sort(byRemainder, (a, b) -> Double.compare(remainder[b], remainder[a]));
        for (int i = 0; given < count; i = (i + 1) % classSizes.length) {
            int c = byRemainder[i];
            if (share[c] < classSizes[c] - 1) {
                share[c]++;
                given++;
            }
        }
        for (int i = 0; given > count; i = (i + 1) % classSizes.length) {
            int c = byRemainder[classSizes.length - 1 - i];
            if (share[c] > 1) {
                share[c]--;
                given--;
            }
        }
        return share;
    }
}
