package dev.lightspeed.train;

import dev.lightspeed.data.Cifar10;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
