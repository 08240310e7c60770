package dev.lightspeed.study.report;

import dev.lightspeed.models.run.RunSummary;

import java.util.function.Function;

/**
 * A number that a finished run reports in summary.json, under the same name that results.csv and summary.csv give
 * its columns. Accuracies are fractions there, as the run wrote them; figures and report.md show percent.
 */
enum Measure {
    TTA_VAL_ACC("tta_val_acc", "held-out validation accuracy, TTA", true, RunSummary::ttaValAcc),
    VAL_ACC("val_acc", "held-out validation accuracy", true, RunSummary::valAcc),
    TTA_TEST_ACC("tta_test_acc", "test accuracy, TTA", true, RunSummary::ttaTestAcc),
    TEST_ACC("test_acc", "test accuracy", true, RunSummary::testAcc),
    TRAIN_SECONDS("train_seconds", "training seconds", false, RunSummary::trainSeconds),
    WALL_SECONDS("wall_seconds", "wall seconds", false, RunSummary::wallSeconds);

    private final String column;
    private final String description;
    private final boolean accuracy;
    private final Function<RunSummary, Double> read;

    Measure(String column, String description, boolean accuracy, Function<RunSummary, Double> read) {
        this.column = column;
        this.description = description;
        this.accuracy = accuracy;
        this.read = read;
    }

    /** The key in summary.json and the column in the CSV files. */
    public String column() {
        return column;
    }

    /** What the number is, in words: {@code held-out validation accuracy, TTA}. */
    public String description() {
        return description;
    }

    /** The description with the unit that report.md and the figures show it in. */
    public String label() {
        return accuracy ? description + " (%)" : description;
    }

    public boolean isAccuracy() {
        return accuracy;
    }

    /** The run's value, or null where the run did not measure it (no held-out images, an older summary.json). */
    public Double of(RunSummary summary) {
        Double value = read.apply(summary);
        return value == null || value.isNaN() ? null : value;
    }
}
