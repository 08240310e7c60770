package dev.lightspeed.models;

import java.util.List;

/** Per-channel input normalization applied to pixels in [0, 1]: (x - mean) / std. */
public record Normalization(List<Double> mean, List<Double> std) {

    public Normalization {
        mean = List.copyOf(mean);
        std = List.copyOf(std);
        if (mean.size() != std.size()) {
            throw new IllegalArgumentException("mean and std need one value per channel");
        }
    }

    /** The CIFAR-10 training-set statistics used by the speedrun references. */
    public static Normalization cifar10() {
        return new Normalization(List.of(0.4914, 0.4822, 0.4465), List.of(0.2470, 0.2435, 0.2616));
    }

    public int channels() {
        return mean.size();
    }
}
