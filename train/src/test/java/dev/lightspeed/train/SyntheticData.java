package dev.lightspeed.train;

import dev.lightspeed.data.CifarSplit;

import java.util.Random;

/** Random CIFAR-format images and labels for tests that need data but not real photographs. */
public final class SyntheticData {

    private SyntheticData() {
    }

    public static CifarSplit randomSplit(int count, long seed) {
        Random random = new Random(seed);
        byte[] images = new byte[count * CifarSplit.IMAGE_BYTES];
        random.nextBytes(images);
        byte[] labels = new byte[count];
        for (int i = 0; i < count; i++) {
            labels[i] = (byte) random.nextInt(10);
        }
        return new CifarSplit(images, labels, count);
    }
}
