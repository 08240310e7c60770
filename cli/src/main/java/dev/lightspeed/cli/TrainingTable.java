package dev.lightspeed.cli;

import dev.lightspeed.train.EpochMetrics;
import dev.lightspeed.train.TrainingListener;

import java.io.PrintStream;

/** Prints one row per epoch in the columns of the speedrun references, with a progress bar inside epochs. */
final class TrainingTable implements TrainingListener {

    private static final String FORMAT = "%5s  %10s  %9s  %8s  %7s  %11s  %18s%n";

    private final PrintStream out;
    private ConsoleProgressBar bar;

    TrainingTable(PrintStream out) {
        this.out = out;
    }

    void header() {
        out.printf(FORMAT, "epoch", "train_loss", "train_acc", "val_loss", "val_acc", "tta_val_acc",
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
                String.format("%.4f", m.valLoss()), String.format("%.4f", m.valAcc()),
                Double.isNaN(m.ttaValAcc()) ? "" : String.format("%.4f", m.ttaValAcc()),
                String.format("%.2f", m.totalTimeSeconds()));
        out.flush();
    }
}
