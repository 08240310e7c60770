package dev.lightspeed.train;

import dev.lightspeed.data.Cifar10;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AugmentationTest {

    private static final ComputeDevice CPU = ComputeDevice.resolve("cpu", "fp32");

    private static boolean same(Tensor a, Tensor b) {
        return a.sub(b).abs().max().item_double() == 0;
    }

    @Test
    void everyAugmentedImageIsAShiftedViewOfTheBaseImageAndFlipsAlternate() {
        DeviceImages train = DeviceImages.upload(SyntheticData.randomSplit(40, 1), Cifar10.INFO.normalization(), CPU);
        Recipe recipe = Presets.named("airbench94");
        Augmentation augmentation = new Augmentation(train, recipe, 5, CPU);
        Tensor padded = torch.pad(train.images(), new long[] {2, 2, 2, 2}, "reflect", new DoubleOptional());
        long side = train.images().size(2);
        int[] flippedOnEven = new int[40];
        for (int epoch = 0; epoch < 2; epoch++) {
            Tensor images = augmentation.epochImages(epoch);
            assertArrayEquals(train.images().shape(), images.shape());
            for (int i = 0; i < 40; i++) {
                Tensor image = images.narrow(0, i, 1);
                int matches = 0;
                boolean flipped = false;
                for (int dy = 0; dy <= 4; dy++) {
                    for (int dx = 0; dx <= 4; dx++) {
                        Tensor view = padded.narrow(0, i, 1).narrow(2, dy, side).narrow(3, dx, side);
                        if (same(view, image)) {
                            matches++;
                        } else if (same(view.flip(3), image)) {
                            matches++;
                            flipped = true;
                        }
                    }
                }
                assertTrue(matches >= 1, "epoch " + epoch + " image " + i + " is no shifted view of its source");
                if (epoch == 0) {
                    flippedOnEven[i] = flipped ? 1 : 0;
                } else {
                    assertNotEquals(flippedOnEven[i] == 1, flipped, "image " + i + " must flip the other way on odd epochs");
                }
            }
        }
        int flippedCount = Arrays.stream(flippedOnEven).sum();
        assertTrue(flippedCount > 5 && flippedCount < 35, "about half start mirrored, got " + flippedCount);
    }

    @Test
    void epochOrderIsAReproduciblePermutation() {
        DeviceImages train = DeviceImages.upload(SyntheticData.randomSplit(10, 2), Cifar10.INFO.normalization(), CPU);
        Recipe recipe = Presets.named("airbench94").with("translate", "0");
        Augmentation a = new Augmentation(train, recipe, 9, CPU);
        Augmentation b = new Augmentation(train, recipe, 9, CPU);
        long[] order = a.epochOrder(3, 1000);
        assertArrayEquals(order, b.epochOrder(3, 1000));
        long[] sorted = order.clone();
        Arrays.sort(sorted);
        for (int i = 0; i < sorted.length; i++) {
            assertEquals(i, sorted[i]);
        }
        assertNotEquals(Arrays.toString(order), Arrays.toString(a.epochOrder(4, 1000)));
    }

    /** The image at {@code i} of {@code images} on the host, [C, H, W] flattened. */
    private static float[] image(Tensor images, int i) {
        return Tensors.toHost(images.narrow(0, i, 1)).values();
    }

    @Test
    void randomFlipMirrorsAboutHalfTheImagesAfreshEveryEpoch() {
        int n = 400;
        DeviceImages train = DeviceImages.upload(SyntheticData.randomSplit(n, 1), Cifar10.INFO.normalization(), CPU);
        Recipe recipe = Presets.named("airbench94").with("flip", "random").with("translate", "0");
        Augmentation augmentation = new Augmentation(train, recipe, 5, CPU);
        Tensor mirrored = train.images().flip(3);
        boolean[][] flipped = new boolean[3][n];
        for (int epoch = 0; epoch < 3; epoch++) {
            Tensor images = augmentation.epochImages(epoch);
            assertArrayEquals(train.images().shape(), images.shape());
            int count = 0;
            for (int i = 0; i < n; i++) {
                Tensor image = images.narrow(0, i, 1);
                boolean plain = same(image, train.images().narrow(0, i, 1));
                flipped[epoch][i] = same(image, mirrored.narrow(0, i, 1));
                assertTrue(plain != flipped[epoch][i], "epoch " + epoch + " image " + i
                        + " is neither its source nor its mirror");
                count += flipped[epoch][i] ? 1 : 0;
            }
            // Binomial(400, ½): 200 ± 10; 150..250 is five standard deviations either way.
            assertTrue(count > 150 && count < 250, "epoch " + epoch + " mirrored " + count + " of " + n);
        }
        for (int epoch = 1; epoch < 3; epoch++) {
            int changed = 0;
            for (int i = 0; i < n; i++) {
                changed += flipped[epoch][i] != flipped[epoch - 1][i] ? 1 : 0;
            }
            // Independent draws: about half change, neither none (the same flips) nor all (alternating).
            assertTrue(changed > 150 && changed < 250, "epochs " + (epoch - 1) + " and " + epoch + ": " + changed
                    + " of " + n + " images changed orientation");
        }
        assertArrayEquals(flipped[1], new Augmentation(train, recipe, 5, CPU).randomFlips(1, n),
                "the same seed draws the same flips");
        assertFalse(Arrays.equals(flipped[1], new Augmentation(train, recipe, 6, CPU).randomFlips(1, n)),
                "another seed draws other flips");
    }

    @Test
    void noFlipLeavesEveryImageAsItIs() {
        DeviceImages train = DeviceImages.upload(SyntheticData.randomSplit(20, 1), Cifar10.INFO.normalization(), CPU);
        Recipe recipe = Presets.named("airbench94").with("flip", "none").with("translate", "0");
        Augmentation augmentation = new Augmentation(train, recipe, 5, CPU);
        for (int epoch = 0; epoch < 2; epoch++) {
            assertTrue(same(train.images(), augmentation.epochImages(epoch)), "epoch " + epoch);
        }
    }

    @Test
    void cutoutZeroesOneSquareOfItsSidePerImageInsideTheImage() {
        int n = 200;
        int k = 8;
        DeviceImages train = DeviceImages.upload(SyntheticData.randomSplit(n, 2), Cifar10.INFO.normalization(), CPU);
        Recipe recipe = Presets.named("airbench94").with("flip", "none").with("translate", "0")
                .with("cutout", Integer.toString(k));
        Augmentation augmentation = new Augmentation(train, recipe, 3, CPU);
        int side = (int) train.images().size(2);
        int channels = (int) train.images().size(1);
        int plane = side * side;
        List<Set<Long>> corners = new ArrayList<>();
        for (int epoch = 0; epoch < 2; epoch++) {
            Tensor images = augmentation.epochImages(epoch);
            assertArrayEquals(train.images().shape(), images.shape());
            Set<Long> seen = new HashSet<>();
            int[] rowsUsed = new int[side];
            int[] columnsUsed = new int[side];
            for (int i = 0; i < n; i++) {
                float[] out = image(images, i);
                float[] source = image(train.images(), i);
                int top = side;
                int left = side;
                int bottom = -1;
                int right = -1;
                int zeroed = 0;
                for (int y = 0; y < side; y++) {
                    for (int x = 0; x < side; x++) {
                        boolean zero = true;
                        for (int c = 0; c < channels; c++) {
                            int at = c * plane + y * side + x;
                            // Normalized random bytes are never exactly 0: a 0 is cutout's.
                            assertTrue(source[at] != 0, "a source pixel is 0");
                            zero &= out[at] == 0;
                            if (out[at] != 0) {
                                assertEquals(source[at], out[at], "image " + i + " changed outside its square");
                            }
                        }
                        if (zero) {
                            zeroed++;
                            top = Math.min(top, y);
                            left = Math.min(left, x);
                            bottom = Math.max(bottom, y);
                            right = Math.max(right, x);
                        }
                    }
                }
                String where = "epoch " + epoch + " image " + i;
                assertEquals(k * k, zeroed, where + ": zeroed pixels");
                assertEquals(k - 1, bottom - top, where + ": square's height");
                assertEquals(k - 1, right - left, where + ": square's width");
                assertTrue(top >= 0 && left >= 0 && bottom < side && right < side, where + " inside the image");
                seen.add((long) top * side + left);
                rowsUsed[top]++;
                columnsUsed[left]++;
            }
            // Uniform over the 25 × 25 places: every first and last row and column of them is reachable.
            assertTrue(seen.size() > 100, "epoch " + epoch + ": only " + seen.size() + " places among " + n);
            assertTrue(rowsUsed[0] + rowsUsed[side - k] > 0 && columnsUsed[0] + columnsUsed[side - k] > 0,
                    "squares reach the edges");
            corners.add(seen);
        }
        assertNotEquals(corners.get(0), corners.get(1), "squares move from epoch to epoch");
        long[][] again = new Augmentation(train, recipe, 3, CPU).cutoutCorners(1, n, side);
        long[][] drawn = augmentation.cutoutCorners(1, n, side);
        assertArrayEquals(drawn[0], again[0]);
        assertArrayEquals(drawn[1], again[1]);
    }

    @Test
    void zeroPaddingFillsTheTranslatedBorderWithZeros() {
        int n = 40;
        DeviceImages train = DeviceImages.upload(SyntheticData.randomSplit(n, 1), Cifar10.INFO.normalization(), CPU);
        Recipe recipe = Presets.named("airbench94").with("flip", "none").with("translate-padding", "zeros");
        Augmentation augmentation = new Augmentation(train, recipe, 5, CPU);
        long side = train.images().size(2);
        Tensor zeroPadded = torch.pad(train.images(), new long[] {2, 2, 2, 2}, "constant", new DoubleOptional(0.0));
        Tensor images = augmentation.epochImages(0);
        int shifted = 0;
        for (int i = 0; i < n; i++) {
            Tensor image = images.narrow(0, i, 1);
            int dyFound = -1;
            int dxFound = -1;
            for (int dy = 0; dy <= 4; dy++) {
                for (int dx = 0; dx <= 4; dx++) {
                    if (same(zeroPadded.narrow(0, i, 1).narrow(2, dy, side).narrow(3, dx, side), image)) {
                        dyFound = dy;
                        dxFound = dx;
                    }
                }
            }
            assertTrue(dyFound >= 0, "image " + i + " is no shifted view of its zero-padded source");
            if (dyFound != 2 || dxFound != 2) {
                shifted++;
                // The rows or columns shifted in from outside the image are exactly 0.
                Tensor border = dyFound < 2 ? image.narrow(2, 0, 2 - dyFound)
                        : dyFound > 2 ? image.narrow(2, side - (dyFound - 2), dyFound - 2)
                        : dxFound < 2 ? image.narrow(3, 0, 2 - dxFound)
                        : image.narrow(3, side - (dxFound - 2), dxFound - 2);
                assertEquals(0.0, border.abs().max().item_double(), "image " + i + "'s border");
            }
        }
        assertTrue(shifted > n / 2, "most images are shifted, got " + shifted);
    }
}
