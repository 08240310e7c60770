package dev.lightspeed.models;

/** How many images one forward pass scores when a command evaluates a split and the user does not say. */
public final class EvalBatch {

    /**
     * The default for 32×32 images: large enough that the per-call overhead vanishes against the work, small
     * enough that one batch's activations fit in the memory of an ordinary machine; the libtorch trainer and the
     * ONNX Runtime scorer both start from it.
     */
    public static final int DEFAULT_SIZE = 1000;

    private static final long DEFAULT_PIXELS = 32L * 32;

    private EvalBatch() {
    }

    /**
     * The default for square images of side {@code imageSize}: as many pixels per pass as {@value #DEFAULT_SIZE}
     * images of 32×32, at least one image, because a pass's activation memory grows with its pixels (at 64 px a
     * batch of 1000 needs four times the memory, enough to exhaust 24 GiB beside a training run).
     */
    public static int defaultFor(int imageSize) {
        if (imageSize < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + imageSize);
        }
        return (int) Math.max(1, DEFAULT_SIZE * DEFAULT_PIXELS / ((long) imageSize * imageSize));
    }

    /** Wording for --help: the default and how it scales. */
    public static String describeDefault() {
        return DEFAULT_SIZE + " at 32 px, fewer for larger images so a pass holds as many pixels";
    }
}
