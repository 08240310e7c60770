package dev.lightspeed.train;

import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.models.Normalization;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;

/**
 * A split moved to the device once: images normalized, in the compute precision, channels-last; labels int64.
 */
public final class DeviceImages {

    private final Tensor images;
    private final Tensor labels;
    private final int count;

    private DeviceImages(Tensor images, Tensor labels, int count) {
        this.images = images;
        this.labels = labels;
        this.count = count;
    }

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    public static DeviceImages upload(ImageSplit split, Normalization normalization, ComputeDevice device) {
        if (normalization.channels() != split.channels()) {
            throw new IllegalArgumentException("a normalization of " + normalization.channels()
                    + " channels cannot apply to " + split.imageShape() + " images");
        }
        try (NoGradGuard noGrad = new NoGradGuard(); Temporaries temporaries = new Temporaries()) {
            int side = split.imageSize();
            Tensor bytes = Tensor.create(split.images(), false, split.count(), split.channels(), side, side)
                    .to(device.device(), ScalarType.Float);
            Tensor mean = tensorOf(normalization.mean(), device);
            Tensor std = tensorOf(normalization.std(), device);
            Tensor normalized = bytes.div(Tensors.scalar(255)).sub(mean).div(std)
                    .to(device.computeType()).contiguous(MemoryFormat.ChannelsLast);
            Tensor labels = Tensor.create(split.labels(), split.count()).to(device.device(), ScalarType.Long);
            return new DeviceImages(temporaries.keep(normalized), temporaries.keep(labels), split.count());
        }
    }

    private static Tensor tensorOf(java.util.List<Double> perChannel, ComputeDevice device) {
        float[] values = new float[perChannel.size()];
        for (int i = 0; i < values.length; i++) {
            values[i] = perChannel.get(i).floatValue();
        }
        return Tensor.create(values, 1, values.length, 1, 1).to(device.device(), ScalarType.Float);
    }

    /**
     * Share {@code rank} of {@code size} near-equal contiguous shares of the images (views, no copy): what one
     * replica of a data-parallel run scores.
     */
    public DeviceImages share(int rank, int size) {
        int start = (int) ((long) count * rank / size);
        int end = (int) ((long) count * (rank + 1) / size);
        return new DeviceImages(images.narrow(0, start, end - start), labels.narrow(0, start, end - start),
                end - start);
    }

    public Tensor images() {
        return images;
    }

    public Tensor labels() {
        return labels;
    }

    public int count() {
        return count;
    }
}
