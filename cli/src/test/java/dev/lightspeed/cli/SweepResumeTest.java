package dev.lightspeed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.Holdout;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.RunInterrupted;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.study.Axis;
import dev.lightspeed.study.PlannedRun;
import dev.lightspeed.study.Shard;
import dev.lightspeed.study.Sweep;
import dev.lightspeed.study.SweepSpec;
import dev.lightspeed.models.trace.ChromeTrace;
import dev.lightspeed.models.trace.TraceEvent;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.ProfileSteps;
import dev.lightspeed.train.SyntheticData;
import dev.lightspeed.train.Threads;
import dev.lightspeed.train.TraceRequest;
import dev.lightspeed.train.Training;
import dev.lightspeed.train.TrainingListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.BooleanSupplier;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A sweep through the API the sweep command uses: {@link Sweep} runs the shard and the folders, {@link Training}
 * each run.
 */
class SweepResumeTest {

    private static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");
    /** The second and last steps of each run's first epoch (and so the evaluation after it). */
    private static final ProfileSteps STEPS_2_3 = new ProfileSteps(2, 3);

    /** Counts training steps across runs, to stop a pass part-way as Ctrl-C would. */
    private static final class StepCounter implements TrainingListener {
        int steps;

        @Override
        public void step(int epoch, int stepInEpoch, int stepsPerEpoch) {
            steps++;
        }
    }

    private static Sweep.RunTrainer trainer(Dataset data, StepCounter counter, BooleanSupplier stop) {
        return (run, folder, resume) -> {
            Training training = Training.of(run.recipe(), data).withSeed(run.seed()).withDevice(FP32)
                    .withEvalBatch(50).withListener(counter).withStopRequest(stop)
                    .withTrace(folder.resumeState().isPresent() ? null : new TraceRequest(folder.trace(), STEPS_2_3));
            return (resume ? training.resume(folder) : training.start(folder)).summary();
        };
    }

    @Test
    void shardsSplitTheRunsAndARerunSkipsEndedRunsAndContinuesAnInterruptedOneEachTracedOnce(@TempDir Path dir)
            throws Exception {
        Threads.configure(0);
        // 300 training images after holding out 100: 3 steps of 100 per epoch, 2 epochs per run.
        Dataset data = SyntheticData.dataset(SyntheticData.randomSplit(400, 3), SyntheticData.randomSplit(100, 4))
                .holdOut(new Holdout(100, 0));
        // A narrow network: what is checked here does not depend on its width. lr-scale 1e30 diverges.
        SweepSpec spec = SweepSpec.of(Presets.named(Presets.DEFAULT).with("block-widths", "8,16,16"), List.of(new String[] {"epochs", "2"},
                new String[] {"batch-size", "100"}, new String[] {"whitening-samples", "200"},
                new String[] {"whiten-bias-epochs", "1"}), List.of(Axis.parse("lr-scale=0.5,1,1e30")), 1, 0, 100);
        Sweep sweep = Sweep.of(spec);
        List<PlannedRun> runs = sweep.runs();
        Path folder = dir.resolve("sweep");
        Sweep.Listener quiet = new Sweep.Listener() { };

        StepCounter first = new StepCounter();
        Sweep.Outcome shard0 = sweep.run(folder, new Shard(0, 2), trainer(data, first, () -> false), quiet);
        assertEquals(new Sweep.Outcome(2, 0, 0, 1), shard0, "runs 0 and 2; run 2 diverged and the sweep went on");
        assertTrue(RunFolder.open(folder.resolve(runs.get(0).folder())).hasSummary());
        assertTrue(RunFolder.open(folder.resolve(runs.get(2).folder())).readSummary().orElseThrow().diverged());
        assertFalse(Files.exists(folder.resolve(runs.get(1).folder())), "shard 0 of 2 runs only runs 0 and 2");

        // Shard 1 is stopped after the first epoch of its run.
        StepCounter second = new StepCounter();
        assertThrows(RunInterrupted.class, () -> sweep.run(folder, new Shard(1, 2),
                trainer(data, second, () -> second.steps >= 3), quiet));
        RunFolder interrupted = RunFolder.open(folder.resolve(runs.get(1).folder()));
        assertFalse(interrupted.hasSummary());
        assertEquals(1, Checkpoint.load(interrupted.model()).epoch());

        // Stopped before its first epoch ended, a run leaves no folder behind.
        Path fresh = dir.resolve("fresh");
        StepCounter early = new StepCounter();
        assertThrows(RunInterrupted.class, () -> sweep.run(fresh, Shard.ALL,
                trainer(data, early, () -> early.steps >= 1), quiet));
        try (var entries = Files.list(fresh)) {
            assertEquals(List.of(SweepSpec.FILE), entries.map(p -> p.getFileName().toString()).toList());
        }

        StepCounter rerun = new StepCounter();
        Sweep.Outcome all = sweep.run(folder, Shard.ALL, trainer(data, rerun, () -> false), quiet);
        assertEquals(new Sweep.Outcome(0, 1, 2, 0), all, "the diverged run ended: it is not trained again");
        assertEquals(3, rerun.steps, "only the interrupted run's second epoch is trained again");
        assertEquals(2, interrupted.readMetrics().size());
        JsonNode summary = new ObjectMapper().readTree(folder.resolve(runs.get(1).folder())
                .resolve("summary.json").toFile());
        assertEquals(1.0, summary.get("recipe").get("lr-scale").asDouble());
        assertEquals(100, summary.get("holdout").asInt());
        assertTrue(summary.get("tta_val_acc").isNumber());

        // Each run traced its window once, the interrupted one before it stopped; continuing did not trace again.
        for (PlannedRun run : runs.subList(0, 2)) {
            List<String> steps = ChromeTrace.read(folder.resolve(run.folder()).resolve(RunFolder.TRACE_FILE))
                    .completeEvents().stream().filter(e -> e.category().equals("step")).map(TraceEvent::name)
                    .toList();
            assertEquals(List.of("step 2", "step 3"), steps, run.folder());
        }
    }
}
