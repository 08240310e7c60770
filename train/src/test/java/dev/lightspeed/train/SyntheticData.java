package dev.lightspeed.train;

import dev.lightspeed.data.Cifar10;
import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.models.DatasetInfo;

import java.util.Random;

/** Random images and labels shaped like CIFAR-10, for tests that need data but not real photographs. */
public final class SyntheticData {

    private SyntheticData() {
    }

    public static ImageSplit randomSplit(int count, long seed) {
        DatasetInfo info = Cifar10.INFO;
        Random random = new Random(seed);
        byte[] images = new byte[count * info.imageBytes()];
        random.nextBytes(images);
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            labels[i] = random.nextInt(info.numClasses());
        }
        return new ImageSplit(images, labels, info.channels(), info.imageSize());
    }

    /** The two splits as a CIFAR-10-shaped dataset. */
    public static Dataset dataset(ImageSplit train, ImageSplit test) {
        return new Dataset(Cifar10.INFO, train, test);
    }
}
