package dev.lightspeed.cli;

import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.RunSummary;
import dev.lightspeed.models.run.SplitScores;
import dev.lightspeed.study.Stats;
import dev.lightspeed.train.TrainingListener;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/**
 * Prints one row per epoch in the columns of the speedrun references, with a progress bar inside epochs. The
 * held-out validation columns appear only for runs that hold images out, the moving average's only for runs that
 * keep one.
 */
final class TrainingTable implements TrainingListener {

    private final PrintStream out;
    private final boolean validation;
    private final boolean average;
    private ConsoleProgressBar bar;

    TrainingTable(PrintStream out, boolean validation, boolean average) {
        this.out = out;
        this.validation = validation;
        this.average = average;
    }

    void header() {
        print(columnNames());
    }

    @Override
    public void step(int epoch, int stepInEpoch, int stepsPerEpoch) {
        if (bar == null) {
            bar = ConsoleProgressBar.forOutput("epoch " + (epoch + 1), out, ConsoleProgressBar.Unit.ITEMS);
        }
        bar.update(stepInEpoch, stepsPerEpoch);
    }

    @Override
    public void epochFinished(EpochMetrics m) {
        if (bar != null) {
            bar.finish();
            bar = null;
        }
        List<String> cells = new ArrayList<>(List.of(Integer.toString(m.epoch()), fixed(m.training().loss()),
                fixed(m.training().accuracy())));
        SplitScores val = m.validation();
        SplitScores test = m.test();
        // An epoch the run did not score (--eval-every) leaves its score cells empty.
        if (validation) {
            cells.addAll(val == null ? List.of("", "") : List.of(fixed(val.loss()), fixed(val.accuracy())));
        }
        cells.addAll(test == null ? List.of("", "") : List.of(fixed(test.loss()), fixed(test.accuracy())));
        if (validation) {
            cells.add(val == null ? "" : fixed(val.ttaAccuracy()));
        }
        cells.add(test == null ? "" : fixed(test.ttaAccuracy()));
        if (average) {
            cells.addAll(test == null ? List.of("", "")
                    : List.of(fixed(test.emaAccuracy()), fixed(test.ttaEmaAccuracy())));
        }
        cells.add(String.format("%.2f", m.times().totalSeconds()));
        print(cells);
        out.flush();
    }

    private static String fixed(Double value) {
        return value == null ? "" : String.format("%.4f", value);
    }

    /** Right-aligns each cell to its column name's width (at least 8), as the references' tables do. */
    private void print(List<String> cells) {
        StringBuilder line = new StringBuilder(String.format("%5s", cells.get(0)));
        List<String> names = columnNames();
        for (int i = 1; i < cells.size(); i++) {
            line.append("  ").append(String.format("%" + Math.max(8, names.get(i).length()) + "s", cells.get(i)));
        }
        out.println(line);
    }

    private List<String> columnNames() {
        List<String> names = new ArrayList<>(List.of("epoch", "train_loss", "train_acc"));
        if (validation) {
            names.addAll(List.of("val_loss", "val_acc"));
        }
        names.addAll(List.of("test_loss", "test_acc"));
        if (validation) {
            names.add("tta_val_acc");
        }
        names.add("tta_test_acc");
        if (average) {
            names.addAll(List.of("ema_test_acc", "tta_ema_test_acc"));
        }
        names.add("total_time_seconds");
        return names;
    }

    /** Mean ± sample std, min and max of several runs' final TTA test accuracies. */
    static String describe(List<Double> accuracies) {
        Stats stats = Stats.of(accuracies);
        return String.format("%d runs: TTA test accuracy %.2f ± %.2f %% (mean ± std), min %.2f, max %.2f",
                stats.n(), 100 * stats.mean(), 100 * stats.std(),
                100 * accuracies.stream().mapToDouble(Double::doubleValue).min().orElse(Double.NaN),
                100 * accuracies.stream().mapToDouble(Double::doubleValue).max().orElse(Double.NaN));
    }

    /** The line that ends a run: its final accuracies, named by the split they were measured on, and times. */
    static String finalLine(RunSummary summary) {
        String validation = summary.ttaValAcc() == null ? ""
                : String.format("TTA held-out validation accuracy %.2f %%, ", 100 * summary.ttaValAcc());
        return String.format("final %sTTA test accuracy %.2f %%, %.1f s training (%.0f img/s), %.1f s wall;"
                + " checkpoint %s", validation, 100 * summary.ttaTestAcc(), summary.trainSeconds(),
                summary.imagesPerSecond(), summary.wallSeconds(), summary.checkpoint());
    }
}
