package dev.lightspeed.study;

import dev.lightspeed.models.InputError;
import dev.lightspeed.models.run.ResumeState;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.models.run.RunSummary;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * A planned sweep, run shard by shard into one sweep folder of ordinary run folders. A run that has ended (its
 * summary says finished or diverged) is skipped; a run with a saved state continues from its last complete
 * epoch; any other starts afresh. So rerunning a shard after an interruption, on any machine sharing the folder,
 * picks up where it stopped, and a diverging point is recorded and the sweep goes on to the next. Training
 * itself is the caller's ({@link RunTrainer}), so that this module stays free of the trainer.
 */
public final class Sweep {

    /** Trains one planned run into its folder, from the start or continuing its saved state. */
    @FunctionalInterface
    public interface RunTrainer {
        /**
         * @param resume continue the state the folder holds, rather than start afresh
         * @return the run's summary, as written into its folder
         */
        RunSummary train(PlannedRun run, RunFolder folder, boolean resume) throws IOException;
    }

    /** What a sweep reports as it goes; every method is called on the sweep's thread. */
    public interface Listener {
        /**
         * @param position the run's position among the shard's runs, from 1
         * @param of       the shard's runs
         */
        default void skipped(PlannedRun run, int position, int of) {
        }

        /** A run starts, or continues from its last complete epoch ({@code resuming}). */
        default void starting(PlannedRun run, int position, int of, boolean resuming) {
        }

        /** A run trained every epoch but its summary was never written; it trains again from the start. */
        default void restarting(PlannedRun run, RunFolder folder) {
        }

        default void ended(PlannedRun run, RunSummary summary) {
        }
    }

    /**
     * What one pass over a shard did.
     *
     * @param diverged runs of this pass whose loss diverged (counted among {@code trained} or {@code resumed})
     */
    public record Outcome(int trained, int resumed, int skipped, int diverged) {
    }

    private final SweepSpec spec;
    private final List<PlannedRun> runs;

    private Sweep(SweepSpec spec) {
        this.spec = spec;
        this.runs = spec.plan();
    }

    /**
     * Plans every run of {@code spec}.
     *
     * @throws InputError when a point's recipe refuses its values
     */
    public static Sweep of(SweepSpec spec) {
        return new Sweep(spec);
    }

    public SweepSpec spec() {
        return spec;
    }

    /** Every run of the sweep, in run order. */
    public List<PlannedRun> runs() {
        return runs;
    }

    /** The runs {@code shard} does, in run order. */
    public List<PlannedRun> runsIn(Shard shard) {
        return runs.stream().filter(r -> shard.runs(r.index())).toList();
    }

    /**
     * Hands every point to {@code check} (which throws {@link InputError} for a point that cannot train, such as a
     * batch larger than the training set) before anything runs, naming the point in the error.
     */
    public void check(Consumer<PlannedRun> check) {
        for (PlannedRun run : runs) {
            try {
                check.accept(run);
            } catch (InputError e) {
                throw new InputError("at the point " + run.describePoint() + ": " + e.getMessage(), e);
            }
        }
    }

    /**
     * Claims {@code folder} for this sweep ({@link SweepSpec#claim}) and trains the shard's runs into it that have
     * not ended yet.
     */
    public Outcome run(Path folder, Shard shard, RunTrainer trainer, Listener listener) throws IOException {
        spec.claim(folder);
        List<PlannedRun> mine = runsIn(shard);
        int trained = 0;
        int resumed = 0;
        int skipped = 0;
        int diverged = 0;
        for (int i = 0; i < mine.size(); i++) {
            PlannedRun run = mine.get(i);
            RunFolder runFolder = RunFolder.create(folder.resolve(run.folder()));
            if (runFolder.hasSummary()) {
                listener.skipped(run, i + 1, mine.size());
                skipped++;
                continue;
            }
            boolean resume = runFolder.resumeState().map(ResumeState::complete).map(complete -> !complete)
                    .orElse(false);
            if (!resume && runFolder.resumeState().isPresent()) {
                // The process stopped between the last epoch's checkpoint and the summary, so the run's final
                // evaluation was never recorded: it trains again.
                listener.restarting(run, runFolder);
                runFolder.clear();
            }
            listener.starting(run, i + 1, mine.size(), resume);
            RunSummary summary = trainer.train(run, runFolder, resume);
            listener.ended(run, summary);
            if (resume) {
                resumed++;
            } else {
                trained++;
            }
            if (summary.diverged()) {
                diverged++;
            }
        }
        return new Outcome(trained, resumed, skipped, diverged);
    }
}
