package dev.lightspeed.export;

import dev.lightspeed.models.InputError;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** The range of an int8 export's weight codes, symmetric around zero. */
public enum Int8Weights {
    /**
     * ±63, 7 of int8's 8 bits. x86 CPUs without VNNI (AVX2, and AVX-512 before VNNI) multiply uint8 activations by
     * int8 weights with an instruction that adds pairs of products in 16 bits and saturates: with weights up to
     * ±127 a pair can reach 2 · 255 · 127 and be clipped, and on an AVX2-only CPU a full-range model lost over half
     * its accuracy that way (BENCHMARKS.md). At ±63 no pair can overflow, on any CPU.
     */
    REDUCED(63),
    /**
     * ±127: twice the resolution of {@link #REDUCED}, computed correctly only where products are not added in
     * saturating 16 bits: CPUs with VNNI (AVX512-VNNI, AVX-VNNI) and GPUs.
     */
    FULL(127);

    private final int limit;

    Int8Weights(int limit) {
        this.limit = limit;
    }

    /** The largest magnitude of a weight code. */
    public int limit() {
        return limit;
    }

    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** @throws InputError when {@code text} names no weight range */
    public static Int8Weights parse(String text) {
        for (Int8Weights w : values()) {
            if (w.label().equalsIgnoreCase(text.trim())) {
                return w;
            }
        }
        throw new InputError("unknown int8 weight range '" + text + "'; choose one of "
                + Arrays.stream(values()).map(Int8Weights::label).collect(Collectors.joining(", ")));
    }
}
