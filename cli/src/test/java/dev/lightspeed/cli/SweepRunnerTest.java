package dev.lightspeed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.Holdout;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.RecipeJson;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.run.RunFiles;
import dev.lightspeed.study.Axis;
import dev.lightspeed.study.PlannedRun;
import dev.lightspeed.study.Shard;
import dev.lightspeed.study.SweepSpec;
import dev.lightspeed.models.trace.ChromeTrace;
import dev.lightspeed.models.trace.TraceEvent;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.ProfileSteps;
import dev.lightspeed.train.SyntheticData;
import dev.lightspeed.train.Threads;
import dev.lightspeed.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepRunnerTest {

    private static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");
    /** The second and last steps of each run's first epoch (and so the evaluation after it). */
    private static final ProfileSteps STEPS_2_3 = new ProfileSteps(2, 3);

    /** Counts training steps across runs, to stop a pass part-way as Ctrl-C would. */
    private static final class StepCounter implements SweepRunner.TrainingListenerFactory {
        int steps;
        final List<Integer> runsStarted = new ArrayList<>();

        @Override
        public TrainingListener forRun(Dataset data, Recipe recipe) {
            runsStarted.add(steps);
            return new TrainingListener() {
                @Override
                public void step(int epoch, int stepInEpoch, int stepsPerEpoch) {
                    steps++;
                }
            };
        }
    }

    @Test
    void shardsSplitTheRunsAndARerunSkipsFinishedRunsAndContinuesAnInterruptedOneEachTracedOnce(@TempDir Path dir)
            throws Exception {
        Threads.configure(0);
        // 300 training images after holding out 100: 3 steps of 100 per epoch, 2 epochs per run.
        Dataset data = SyntheticData.dataset(SyntheticData.randomSplit(400, 3), SyntheticData.randomSplit(100, 4))
                .holdOut(new Holdout(100, 0));
        // A narrow network: what is checked here does not depend on its width.
        ObjectNode narrow = RecipeJson.tree(Presets.named(Presets.DEFAULT));
        ((ObjectNode) narrow.get("architecture")).putArray("block-widths").add(8).add(16).add(16);
        SweepSpec spec = SweepSpec.of(RecipeJson.recipe(narrow, "narrow test recipe"), List.of(new String[] {"epochs", "2"},
                new String[] {"batch-size", "100"}, new String[] {"whitening-samples", "200"},
                new String[] {"whiten-bias-epochs", "1"}), List.of(Axis.parse("lr-scale=0.5,1")), 1, 0, 100);
        List<PlannedRun> runs = spec.plan();
        Path sweep = dir.resolve("sweep");
        spec.claim(sweep);
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream());

        StepCounter first = new StepCounter();
        SweepRunner.Outcome shard0 = new SweepRunner(FP32, 50, false, STEPS_2_3, quiet, () -> false)
                .run(runs, new Shard(0, 2), data, sweep, first);
        assertEquals(new SweepRunner.Outcome(1, 0, 0), shard0);
        assertTrue(Files.isRegularFile(sweep.resolve(runs.get(0).folder()).resolve(RunFiles.SUMMARY)));
        assertFalse(Files.exists(sweep.resolve(runs.get(1).folder())), "shard 0 of 2 runs only run 0");

        // Shard 1 is stopped after the first epoch of its run.
        StepCounter second = new StepCounter();
        assertThrows(InputError.class, () -> new SweepRunner(FP32, 50, false, STEPS_2_3, quiet, () -> second.steps >= 3)
                .run(runs, new Shard(1, 2), data, sweep, second));
        Path interrupted = sweep.resolve(runs.get(1).folder());
        assertFalse(Files.exists(interrupted.resolve(RunFiles.SUMMARY)));
        assertEquals(1, Checkpoint.load(interrupted.resolve(RunFiles.MODEL)).epoch());

        // Stopped before its first epoch ended, a run leaves no folder behind.
        Path fresh = dir.resolve("fresh");
        spec.claim(fresh);
        StepCounter early = new StepCounter();
        assertThrows(InputError.class, () -> new SweepRunner(FP32, 50, false, STEPS_2_3, quiet, () -> early.steps >= 1)
                .run(runs, Shard.ALL, data, fresh, early));
        try (var entries = Files.list(fresh)) {
            assertEquals(List.of(SweepSpec.FILE), entries.map(p -> p.getFileName().toString()).toList());
        }

        StepCounter rerun = new StepCounter();
        SweepRunner.Outcome all = new SweepRunner(FP32, 50, false, STEPS_2_3, quiet, () -> false)
                .run(runs, Shard.ALL, data, sweep, rerun);
        assertEquals(new SweepRunner.Outcome(0, 1, 1), all);
        assertEquals(3, rerun.steps, "only the interrupted run's second epoch is trained again");
        List<String> rows = Files.readAllLines(interrupted.resolve(RunFiles.METRICS));
        assertEquals(2, rows.size());
        JsonNode summary = new ObjectMapper().readTree(interrupted.resolve(RunFiles.SUMMARY).toFile());
        assertEquals(1.0, summary.get("recipe").get("lr-scale").asDouble());
        assertEquals(100, summary.get("holdout").asInt());
        assertTrue(summary.get("tta_val_acc").isNumber());

        // Each run traced its window once, the interrupted one before it stopped; continuing did not trace again.
        for (PlannedRun run : runs) {
            List<String> steps = ChromeTrace.read(sweep.resolve(run.folder()).resolve(RunFiles.PROFILE))
                    .completeEvents().stream().filter(e -> e.category().equals("step")).map(TraceEvent::name)
                    .toList();
            assertEquals(List.of("step 2", "step 3"), steps, run.folder());
        }
    }
}
