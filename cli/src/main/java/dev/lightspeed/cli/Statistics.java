package dev.lightspeed.cli;

import java.util.List;

/** Mean ± sample standard deviation of run accuracies. */
final class Statistics {

    private Statistics() {
    }

    static double mean(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
    }

    static double std(List<Double> values) {
        if (values.size() < 2) {
            return 0;
        }
        double mean = mean(values);
        double sum = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum();
        return Math.sqrt(sum / (values.size() - 1));
    }

    static String describe(List<Double> accuracies) {
        return String.format("%d runs: TTA accuracy %.2f ± %.2f %% (mean ± std), min %.2f, max %.2f",
                accuracies.size(), 100 * mean(accuracies), 100 * std(accuracies),
                100 * accuracies.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                100 * accuracies.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
    }
}
