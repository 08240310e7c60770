package dev.lightspeed.study;

import java.util.List;

/**
 * Mean and sample standard deviation (divided by n - 1) of one measure over the repeats of a point. The mean is
 * NaN without values, the standard deviation NaN with fewer than two: one run says nothing about the spread.
 */
public record Stats(int n, double mean, double std) {

    public static Stats of(List<Double> values) {
        int n = values.size();
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        if (n < 2) {
            return new Stats(n, mean, Double.NaN);
        }
        double squares = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return new Stats(n, mean, Math.sqrt(squares / (n - 1)));
    }

    public boolean hasMean() {
        return n > 0;
    }

    public boolean hasStd() {
        return n > 1;
    }
}
