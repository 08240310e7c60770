package dev.lightspeed.train;

import dev.lightspeed.models.TestTimeAugmentation;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.TensorVector;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.List;

import static dev.lightspeed.train.Tensors.scalar;

/**
 * Scores a split on libtorch, with a level of {@link TestTimeAugmentation}, on every image or (selective TTA, a
 * fraction below 1) on the least confident share of the split only.
 */
public final class Evaluation {

    private static final long[] WIDTH = {3};
    private static final long[] CLASSES = {1};

    /** Every image of a batch gets every view of the level. */
    public static final double EVERY_IMAGE = 1.0;

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
        return evaluate(network, split, ttaLevel, EVERY_IMAGE, batchSize);
    }

    /** As {@link #evaluate(Network, DeviceImages, int, int)}, the views on {@code ttaFraction} of the split. */
    public static Result evaluate(Network network, DeviceImages split, int ttaLevel, double ttaFraction,
            int batchSize) {
        return evaluateViews(network, split, ttaLevel, ttaFraction, batchSize).augmented();
    }

    public static Scored evaluateViews(Network network, DeviceImages split, int ttaLevel, int batchSize) {
        return evaluateViews(network, split, ttaLevel, EVERY_IMAGE, batchSize);
    }

    /**
     * The plain view's scores come from the first TTA view, which is the plain image: one pass over the split
     * gives both, the same numbers a plain pass gives (same batches, same logits), without its cost. Below a
     * fraction of 1, the least confident share is chosen over the whole split, so the scores do not depend on the
     * batch size.
     */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    public static Scored evaluateViews(Network network, DeviceImages split, int ttaLevel, double ttaFraction,
            int batchSize) {
        requireFraction(ttaFraction);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor[] logits = plainAndAveraged(network, split.images(), ttaLevel, ttaFraction, batchSize);
            Tensor labels = split.labels();
            Result plain = scored(logits[0], labels, split.count());
            // At level 0 the average is the plain view itself: scoring it again would only repeat the work.
            return new Scored(plain, ttaLevel == 0 ? plain : scored(logits[1], labels, split.count()));
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

    /**
     * The network's logits with selective test-time augmentation: the level's average for the
     * {@link #selectedCount ⌈ttaFraction × n⌉} least confident of the {@code n} images, their plain logits for the
     * others; a fraction of 1 is {@link #logits(Network, Tensor, int)} exactly.
     */
    public static Tensor logits(Network network, Tensor images, int ttaLevel, double ttaFraction) {
        return logits(network, images, ttaLevel, ttaFraction, images.size(0));
    }

    /**
     * As {@link #logits(Network, Tensor, int, double)}, the network run on {@code batchSize} images at a time: the
     * least confident share is chosen over all of {@code images}, whatever the batch size.
     */
    public static Tensor logits(Network network, Tensor images, int ttaLevel, double ttaFraction, long batchSize) {
        requireFraction(ttaFraction);
        return plainAndAveraged(network, images, ttaLevel, ttaFraction, batchSize)[1];
    }

    /**
     * How many of {@code count} images get the TTA views at {@code fraction}: ⌈fraction × count⌉, computed on the
     * fraction as written in decimal (0.55 of 100 is 55, not the 56 that the product of the doubles rounds up to).
     */
    public static long selectedCount(double fraction, long count) {
        requireFraction(fraction);
        long selected = BigDecimal.valueOf(fraction).multiply(BigDecimal.valueOf(count))
                .setScale(0, RoundingMode.CEILING).longValueExact();
        return Math.min(count, selected);
    }

    private static void requireFraction(double fraction) {
        if (!(fraction > 0 && fraction <= 1)) {
            throw new IllegalArgumentException("tta fraction must be in (0, 1], got " + fraction);
        }
    }

    /**
     * The plain logits and the selective average, {@code batchSize} images at a time. Where the level has views
     * besides the plain one and the fraction leaves images out: the plain view of every image, then the other
     * views of the least confident of them only (the smallest softmax top-1 probabilities, ties to the earlier
     * image), whose averages replace their plain logits. Otherwise every image gets every view, by the very
     * computation of the plain TTA.
     */
    private static Tensor[] plainAndAveraged(Network network, Tensor images, int ttaLevel, double ttaFraction,
            long batchSize) {
        List<TestTimeAugmentation.View> views = TestTimeAugmentation.views(ttaLevel);
        long count = images.size(0);
        long selected = selectedCount(ttaFraction, count);
        if (views.size() == 1 || selected == count) {
            return batched(count, batchSize, 2, (start, size) -> plainAndAveraged(network,
                    images.narrow(0, start, size), ttaLevel));
        }
        TestTimeAugmentation.View first = views.get(0);
        if (first.offset() != 0 || first.mirrored()) {
            throw new IllegalStateException("the first TTA view must be the plain image, got " + first);
        }
        Tensor plain = batched(count, batchSize, 1, (start, size) -> new Tensor[] {
            network.forward(images.narrow(0, start, size), false, false)})[0];
        Tensor confidence = plain.softmax(1, new ScalarTypeOptional(ScalarType.Float)).amax(CLASSES, false);
        // A stable ascending sort: equal confidences keep the images' order, so the choice is deterministic.
        Tensor leastConfident = confidence.argsort(true, 0, false).narrow(0, 0, selected);
        Tensor sums = batched(selected, batchSize, 1, (start, size) -> {
            Tensor chosen = leastConfident.narrow(0, start, size);
            Tensor plainOfChosen = plain.index_select(0, chosen);
            return new Tensor[] {weightedViews(network, images.index_select(0, chosen), ttaLevel,
                    views.subList(1, views.size()), first.weight() == 1 ? plainOfChosen
                            : plainOfChosen.mul(scalar(first.weight())))};
        })[0];
        Tensor averaged = plain.clone().index_copy_(0, leastConfident, sums);
        return new Tensor[] {plain, averaged};
    }

    /** One batch's results: tensors whose first dimension is the batch's images. */
    private interface Batch {
        Tensor[] run(long start, long size);
    }

    /**
     * {@code batch} run over {@code count} images {@code batchSize} at a time, each of its {@code outputs} results
     * concatenated along the images; each batch's activations are freed when it returns.
     */
    // The scope acts by its extent alone (JavaCPP's RAII), so the try body never names it.
    @SuppressWarnings("try")
    private static Tensor[] batched(long count, long batchSize, int outputs, Batch batch) {
        // Made outside the batches' scopes, the vectors keep the results those scopes free the handles of.
        TensorVector[] parts = new TensorVector[outputs];
        for (int i = 0; i < outputs; i++) {
            parts[i] = new TensorVector();
        }
        for (long start = 0; start < count; start += batchSize) {
            long size = Math.min(batchSize, count - start);
            try (PointerScope scope = new PointerScope()) {
                Tensor[] results = batch.run(start, size);
                for (int i = 0; i < outputs; i++) {
                    parts[i].push_back(results[i]);
                }
            }
        }
        Tensor[] joined = new Tensor[outputs];
        for (int i = 0; i < outputs; i++) {
            joined[i] = torch.cat(parts[i], 0);
        }
        return joined;
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
            Tensor logits = network.forward(pixels(view, images, padded, pad, side), false, false);
            if (plain == null) {
                plain = logits;
            }
            Tensor weighted = view.weight() == 1 ? logits : logits.mul(scalar(view.weight()));
            sum = sum == null ? weighted : sum.add(weighted);
        }
        return new Tensor[] {plain, sum};
    }

    /** {@code start} plus the weighted logits of {@code views} of {@code images}, added in the views' order. */
    private static Tensor weightedViews(Network network, Tensor images, int ttaLevel,
            List<TestTimeAugmentation.View> views, Tensor start) {
        int pad = TestTimeAugmentation.padding(ttaLevel);
        Tensor padded = pad == 0 ? images
                : torch.pad(images, new long[] {pad, pad, pad, pad}, "reflect", new DoubleOptional());
        long side = images.size(2);
        Tensor sum = start;
        for (TestTimeAugmentation.View view : views) {
            Tensor logits = network.forward(pixels(view, images, padded, pad, side), false, false);
            sum = sum.add(view.weight() == 1 ? logits : logits.mul(scalar(view.weight())));
        }
        return sum;
    }

    /** One view's pixels: the images themselves for the plain view, else a channels-last copy of the view. */
    private static Tensor pixels(TestTimeAugmentation.View view, Tensor images, Tensor padded, int pad, long side) {
        Tensor pixels = view.offset() == 0 ? images
                : padded.narrow(2, pad + view.offset(), side).narrow(3, pad + view.offset(), side);
        if (view.mirrored()) {
            pixels = pixels.flip(WIDTH);
        }
        if (view.offset() != 0 || view.mirrored()) {
            pixels = pixels.contiguous(MemoryFormat.ChannelsLast);
        }
        return pixels;
    }
}
