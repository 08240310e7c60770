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

    public int channels() {
        return mean.size();
    }
}
