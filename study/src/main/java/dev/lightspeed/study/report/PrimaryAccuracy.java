package dev.lightspeed.study.report;

import dev.lightspeed.models.run.EpochMetrics;

import java.util.List;
import java.util.function.Function;

/**
 * The accuracy a study compares its settings on. Settings are picked on images held out of training, so that the
 * test split stays an unbiased estimate of the chosen setting; runs that held nothing out can only be compared on
 * the test split, and the report then says so.
 */
enum PrimaryAccuracy {
    HELD_OUT_VALIDATION(Measure.TTA_VAL_ACC, "held-out validation accuracy after each epoch, no TTA",
            row -> row.validation() == null ? null : row.validation().accuracy()),
    TEST(Measure.TTA_TEST_ACC, "test accuracy after each epoch, no TTA", row -> row.test() == null ? null : row.test().accuracy());

    private final Measure measure;
    private final String perEpochDescription;
    private final Function<EpochMetrics, Double> perEpoch;

    PrimaryAccuracy(Measure measure, String perEpochDescription, Function<EpochMetrics, Double> perEpoch) {
        this.measure = measure;
        this.perEpochDescription = perEpochDescription;
        this.perEpoch = perEpoch;
    }

    /**
     * Held-out validation when every finished run measured it (or, before any run has finished, when every run's
     * epochs did); otherwise test, the accuracy that all runs share.
     */
    static PrimaryAccuracy of(List<RunRecord> runs) {
        List<RunRecord> finished = runs.stream().filter(RunRecord::finished).toList();
        boolean heldOut = finished.isEmpty()
                ? runs.stream().allMatch(r -> !r.epochs().isEmpty() && r.epochs().get(0).validation() != null)
                : finished.stream().allMatch(r -> r.value(Measure.TTA_VAL_ACC) != null);
        return heldOut ? HELD_OUT_VALIDATION : TEST;
    }

    /** The final accuracy in summary.json, measured with the recipe's test-time augmentation. */
    public Measure measure() {
        return measure;
    }

    /** "held-out validation accuracy, TTA (%)" or "test accuracy, TTA (%)". */
    public String label() {
        return measure.label();
    }

    public String perEpochDescription() {
        return perEpochDescription;
    }

    public String perEpochLabel() {
        return perEpochDescription + " (%)";
    }

    /** The same split's accuracy after one epoch, without test-time augmentation (metrics.jsonl has no more). */
    public Double afterEpoch(EpochMetrics row) {
        return perEpoch.apply(row);
    }
}
