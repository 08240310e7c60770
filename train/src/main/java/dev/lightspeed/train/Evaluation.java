package dev.lightspeed.train;

import dev.lightspeed.models.TestTimeAugmentation;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;

import static dev.lightspeed.train.Tensors.scalar;

/** Scores a split on libtorch, with a level of {@link TestTimeAugmentation}. */
public final class Evaluation {

    private static final long[] WIDTH = {3};

    /**
     * A scored split: correct predictions and cross-entropy summed over its images (sums, so that the shares of
     * several replicas add up), and its logits (null for shares added up).
     */
    public record Result(double correct, double lossSum, long count, Tensor logits) {

        public double accuracy() {
            return correct / count;
        }

        /** Mean cross-entropy per image. */
        public double loss() {
            return lossSum / count;
        }
    }

    private Evaluation() {
    }

    /** A split scored on its plain view and on the level's TTA views. */
    public record Scored(Result plain, Result augmented) {
    }

    public static Result evaluate(Network network, DeviceImages split, int ttaLevel, int batchSize) {
        return evaluateViews(network, split, ttaLevel, batchSize).augmented();
    }

    /**
     * The plain view's scores come from the first TTA view, which is the plain image: one pass over the split
     * gives both, the same numbers a plain pass gives (same batches, same logits), without its cost.
     */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    public static Scored evaluateViews(Network network, DeviceImages split, int ttaLevel, int batchSize) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            TensorVector plainParts = new TensorVector();
            TensorVector augmentedParts = new TensorVector();
            for (long start = 0; start < split.count(); start += batchSize) {
                long size = Math.min(batchSize, split.count() - start);
                // The batch's activations are freed here; the vectors, made outside the scope, keep the logits.
                try (PointerScope scope = new PointerScope()) {
                    Tensor[] logits = plainAndAveraged(network, split.images().narrow(0, start, size), ttaLevel);
                    plainParts.push_back(logits[0]);
                    augmentedParts.push_back(logits[1]);
                }
            }
            Tensor labels = split.labels();
            return new Scored(scored(torch.cat(plainParts, 0), labels, split.count()),
                    scored(torch.cat(augmentedParts, 0), labels, split.count()));
        }
    }

    private static Result scored(Tensor logits, Tensor labels, long count) {
        double lossSum = torch.cross_entropy_loss(logits, labels, new TensorOptional(), 2, -100, 0.0).item_double();
        double correct = logits.argmax(new org.bytedeco.pytorch.LongOptional(1), false).eq(labels).sum()
                .item_double();
        return new Result(correct, lossSum, count, logits);
    }

    /** The network's logits averaged over the level's {@link TestTimeAugmentation} views, view by view. */
    public static Tensor logits(Network network, Tensor images, int ttaLevel) {
        return plainAndAveraged(network, images, ttaLevel)[1];
    }

    /** The first view's logits (the plain image's, unweighted) and the views' weighted sum. */
    private static Tensor[] plainAndAveraged(Network network, Tensor images, int ttaLevel) {
        int pad = TestTimeAugmentation.padding(ttaLevel);
        Tensor padded = pad == 0 ? images
                : torch.pad(images, new long[] {pad, pad, pad, pad}, "reflect", new DoubleOptional());
        long side = images.size(2);
        Tensor plain = null;
        Tensor sum = null;
        for (TestTimeAugmentation.View view : TestTimeAugmentation.views(ttaLevel)) {
            Tensor pixels = view.offset() == 0 ? images
                    : padded.narrow(2, pad + view.offset(), side).narrow(3, pad + view.offset(), side);
            if (view.mirrored()) {
                pixels = pixels.flip(WIDTH);
            }
            if (view.offset() != 0 || view.mirrored()) {
                pixels = pixels.contiguous(MemoryFormat.ChannelsLast);
            }
            Tensor logits = network.forward(pixels, false, false);
            if (plain == null) {
                plain = logits;
            }
            Tensor weighted = view.weight() == 1 ? logits : logits.mul(scalar(view.weight()));
            sum = sum == null ? weighted : sum.add(weighted);
        }
        return new Tensor[] {plain, sum};
    }
}
