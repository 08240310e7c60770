package dev.lightspeed.train;

import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;

import static dev.lightspeed.train.Tensors.scalar;

/**
 * Scores a split with test-time augmentation. Level 0: the image; level 1: the mean of the image and its
 * mirror; level 2: ½·mirror-pair(image) + ¼·mirror-pair(shift up-left 1 px) + ¼·mirror-pair(shift down-right
 * 1 px), the shifts taken from a 1-px reflect padding.
 */
public final class Evaluation {

    private static final long[] WIDTH = {3};

    /** Accuracy, mean cross-entropy and the logits of a scored split. */
    public record Result(double accuracy, double loss, Tensor logits) {
    }

    private Evaluation() {
    }

    public static Result evaluate(Network network, DeviceImages split, int ttaLevel, int batchSize) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            TensorVector parts = new TensorVector();
            for (long start = 0; start < split.count(); start += batchSize) {
                long size = Math.min(batchSize, split.count() - start);
                // The batch's activations are freed here; the vector, made outside the scope, keeps the logits.
                try (PointerScope scope = new PointerScope()) {
                    parts.push_back(logits(network, split.images().narrow(0, start, size), ttaLevel));
                }
            }
            Tensor logits = torch.cat(parts, 0);
            Tensor labels = split.labels();
            double loss = torch.cross_entropy_loss(logits, labels, new TensorOptional(), 1, -100, 0.0).item_double();
            double correct = logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false).eq(labels).sum()
                    .item_double();
            return new Result(correct / split.count(), loss, logits);
        }
    }

    public static Tensor logits(Network network, Tensor images, int ttaLevel) {
        return switch (ttaLevel) {
            case 0 -> network.forward(images, false, false);
            case 1 -> mirrorPair(network, images);
            case 2 -> {
                Tensor padded = torch.pad(images, new long[] {1, 1, 1, 1}, "reflect", new DoubleOptional());
                long side = images.size(2);
                Tensor upLeft = padded.narrow(2, 0, side).narrow(3, 0, side).contiguous(MemoryFormat.ChannelsLast);
                Tensor downRight = padded.narrow(2, 2, side).narrow(3, 2, side).contiguous(MemoryFormat.ChannelsLast);
                Tensor shifted = mirrorPair(network, upLeft).add(mirrorPair(network, downRight));
                yield mirrorPair(network, images).mul(scalar(0.5)).add(shifted, scalar(0.25));
            }
            default -> throw new IllegalArgumentException("tta level must be 0, 1 or 2, got " + ttaLevel);
        };
    }

    private static Tensor mirrorPair(Network network, Tensor images) {
        Tensor mirrored = images.flip(WIDTH).contiguous(MemoryFormat.ChannelsLast);
        return network.forward(images, false, false).add(network.forward(mirrored, false, false))
                .mul(scalar(0.5));
    }
}
