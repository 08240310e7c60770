package dev.lightspeed.cli;

import dev.lightspeed.data.Dataset;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.SafeTensors;
import dev.lightspeed.models.run.RunFiles;
import dev.lightspeed.models.run.RunSummary;
import dev.lightspeed.study.PlannedRun;
import dev.lightspeed.study.Shard;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.ProfileSteps;
import dev.lightspeed.train.RunOutput;
import dev.lightspeed.train.TraceRequest;
import dev.lightspeed.train.TrainConfig;
import dev.lightspeed.train.Trainer;
import dev.lightspeed.train.TrainingListener;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * Runs a shard's part of a sweep into the sweep folder, one ordinary run folder per planned run. A run with a
 * summary is finished and skipped; a run with a resume state continues from its last complete epoch; any other
 * starts afresh. So rerunning the same command after an interruption, on any machine sharing the folder, picks up
 * where the sweep stopped.
 */
final class SweepRunner {

    /** What one pass over a shard did. */
    record Outcome(int trained, int resumed, int skipped) {
    }

    private final ComputeDevice device;
    private final int evalBatch;
    private final boolean profile;
    /** The steps each run traces into its folder's {@link RunFiles#PROFILE}, or null for no traces. */
    private final ProfileSteps traceSteps;
    private final PrintStream out;
    private final BooleanSupplier stopRequested;

    SweepRunner(ComputeDevice device, int evalBatch, boolean profile, ProfileSteps traceSteps, PrintStream out,
            BooleanSupplier stopRequested) {
        this.device = device;
        this.evalBatch = evalBatch;
        this.profile = profile;
        this.traceSteps = traceSteps;
        this.out = out;
        this.stopRequested = stopRequested;
    }

    Outcome run(List<PlannedRun> runs, Shard shard, Dataset data, Path sweepFolder, TrainingListenerFactory listeners)
            throws IOException {
        List<PlannedRun> mine = runs.stream().filter(r -> shard.runs(r.index())).toList();
        int trained = 0;
        int resumed = 0;
        int skipped = 0;
        for (int i = 0; i < mine.size(); i++) {
            PlannedRun run = mine.get(i);
            Path folder = sweepFolder.resolve(run.folder());
            String title = "run " + (run.index() + 1) + "/" + runs.size() + " (" + (i + 1) + " of " + mine.size()
                    + " in shard " + shard + "): " + run.describePoint() + ", seed " + run.seed();
            if (Files.isRegularFile(folder.resolve(RunFiles.SUMMARY))) {
                out.println(title + ": finished before, skipped");
                skipped++;
                continue;
            }
            int savedEpochs = savedEpochs(folder, run);
            boolean resume = savedEpochs > 0;
            out.println();
            out.println(title + (resume ? ", continuing from its last complete epoch" : ""));
            Recipe recipe = Trainer.fit(run.recipe(), data);
            TrainConfig config = new TrainConfig(recipe, run.seed(), device, resume, evalBatch, profile,
                    trace(folder, recipe, data, savedEpochs));
            long start = System.nanoTime();
            TrainingListener listener = listeners.forRun(data, config.recipe());
            RunOutput output = RunOutput.prepare(folder);
            Trainer.Result result;
            try {
                result = new Trainer(config, listener, stopRequested).run(data, output);
            } catch (RuntimeException e) {
                // A run stopped before its first epoch leaves no empty folders behind, its point's included.
                output.discardIfEmpty();
                throw e;
            }
            RunSummary summary = result.summary(config, (System.nanoTime() - start) / 1e9);
            result.output().writeSummary(summary);
            out.println(TrainCommand.finalLine(summary));
            if (config.trace() != null && Files.isRegularFile(config.trace().file())) {
                out.println(ProfileOptions.written(config.trace().file()));
            }
            if (resume) {
                resumed++;
            } else {
                trained++;
            }
        }
        return new Outcome(trained, resumed, skipped);
    }

    /**
     * The epochs a resume state in the folder holds, when epochs are left to train; else 0, and the run starts
     * afresh. A state that already holds every epoch lacks only its summary (the process stopped between the two
     * writes); such a run is trained again from the start, since its final evaluation was never recorded.
     */
    private int savedEpochs(Path folder, PlannedRun run) throws IOException {
        Path state = folder.resolve(RunFiles.RESUME);
        if (!Files.isRegularFile(state)) {
            return 0;
        }
        SafeTensors.Contents saved = SafeTensors.read(state);
        Checkpoint checkpoint = Checkpoint.fromContents(state, saved.metadata(), saved.tensors());
        if (checkpoint.epoch() < run.recipe().epochs()) {
            return checkpoint.epoch();
        }
        out.println("note: " + folder + " trained every epoch but has no " + RunFiles.SUMMARY
                + "; training it again from the start");
        for (String name : List.of(RunFiles.RESUME, RunFiles.MODEL, RunFiles.METRICS, RunFiles.PROFILE)) {
            Files.deleteIfExists(folder.resolve(name));
        }
        return 0;
    }

    /**
     * The trace a run writes into its folder, or null: none asked for, or a continued run that already wrote its
     * trace or has trained past the window.
     */
    private TraceRequest trace(Path folder, Recipe recipe, Dataset data, int savedEpochs) {
        if (traceSteps == null || Files.exists(folder.resolve(RunFiles.PROFILE))) {
            return null;
        }
        int nextStep = savedEpochs * recipe.stepsPerEpoch(data.train().count()) + 1;
        return traceSteps.last() < nextStep ? null : new TraceRequest(folder.resolve(RunFiles.PROFILE), traceSteps);
    }

    /** A fresh listener (progress display) per run. */
    interface TrainingListenerFactory {
        TrainingListener forRun(Dataset data, Recipe recipe);
    }
}
