package dev.lightspeed.data;

import dev.lightspeed.models.Normalization;

import java.util.ArrayList;
import java.util.List;

/** Input normalization measured on a dataset's own images, for datasets that publish none. */
public final class PixelStatistics {

    private PixelStatistics() {
    }

    /**
     * Per channel, the mean and the (population) standard deviation of every pixel value / 255 over every image of
     * {@code split}: the statistics the published CIFAR-10 constants are. Sums are kept exactly in integers, so the
     * result does not depend on the order of the images. A channel without any spread gets a std of 1.
     */
    public static Normalization normalization(ImageSplit split) {
        if (split.count() == 0) {
            throw new IllegalArgumentException("pixel statistics need at least one image");
        }
        int channels = split.channels();
        int planeBytes = split.planeBytes();
        byte[] images = split.images();
        List<Double> mean = new ArrayList<>(channels);
        List<Double> std = new ArrayList<>(channels);
        for (int channel = 0; channel < channels; channel++) {
            long sum = 0;
            long sumOfSquares = 0;
            for (int image = 0; image < split.count(); image++) {
                int from = image * split.imageBytes() + channel * planeBytes;
                for (int i = from; i < from + planeBytes; i++) {
                    int value = Byte.toUnsignedInt(images[i]);
                    sum += value;
                    sumOfSquares += value * value;
                }
            }
            double n = (double) split.count() * planeBytes;
            double channelMean = sum / n;
            double variance = Math.max(0, sumOfSquares / n - channelMean * channelMean);
            mean.add(channelMean / 255);
            // A channel with one value everywhere carries nothing to scale; dividing by 1 keeps inputs finite.
            std.add(variance == 0 ? 1.0 : Math.sqrt(variance) / 255);
        }
        return new Normalization(mean, std);
    }
}
