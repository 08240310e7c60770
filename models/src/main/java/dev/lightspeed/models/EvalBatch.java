package dev.lightspeed.models;

/** How many images one forward pass scores when a command evaluates a split and the user does not say. */
public final class EvalBatch {

    /**
     * Large enough that the per-call overhead vanishes against the work, small enough that one batch's activations
     * fit in the memory of an ordinary machine; the libtorch trainer and the ONNX Runtime scorer both start from it.
     */
    public static final int DEFAULT_SIZE = 1000;

    private EvalBatch() {
    }
}
