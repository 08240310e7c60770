package dev.lightspeed.cli;

import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.train.TrainingListener;

import java.io.PrintStream;

/** Prints one row per epoch in the columns of the speedrun references, with a progress bar inside epochs. */
final class TrainingTable implements TrainingListener {

    private static final String FORMAT = "%5s  %10s  %9s  %9s  %8s  %12s  %18s%n";

    private final PrintStream out;
    private ConsoleProgressBar bar;

    TrainingTable(PrintStream out) {
        this.out = out;
    }

    void header() {
        out.printf(FORMAT, "epoch", "train_loss", "train_acc", "test_loss", "test_acc", "tta_test_acc",
                "total_time_seconds");
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
        out.printf(FORMAT, m.epoch(), String.format("%.4f", m.trainLoss()), String.format("%.4f", m.trainAcc()),
                String.format("%.4f", m.testLoss()), String.format("%.4f", m.testAcc()),
                m.ttaTestAcc() == null ? "" : String.format("%.4f", m.ttaTestAcc()),
                String.format("%.2f", m.totalTimeSeconds()));
        out.flush();
    }
}
