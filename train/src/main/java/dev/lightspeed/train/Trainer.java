package dev.lightspeed.train;

import dev.lightspeed.data.Dataset;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Normalization;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.RunInterrupted;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.EpochTimes;
import dev.lightspeed.models.run.ResumeState;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.models.run.RunStatus;
import dev.lightspeed.models.run.RunSummary;
import dev.lightspeed.models.run.RunTotals;
import dev.lightspeed.models.run.SplitScores;
import dev.lightspeed.models.run.TrainingScores;
import dev.lightspeed.train.parallel.Replicas;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One run of a {@link Training}: start or resume ({@link RunStart}), then epoch after epoch the training steps,
 * the {@link EvaluationPlan} and the records in the {@link RunFolder}; at the end the summary. Temporaries live in
 * a {@link PointerScope} per step and per epoch, so native memory is returned as soon as it is dead.
 */
final class Trainer {

    /** Loss and correct predictions summed over the images of an epoch's steps. */
    private record EpochTotals(double loss, double correct) {
    }

    /** The loss stopped being finite at a step: the run ends there, as a result. */
    private static final class Diverged extends Exception {
        private static final long serialVersionUID = 1L;
        private final int step;

        Diverged(int step, String description) {
            super(description, null, false, false);
            this.step = step;
        }
    }

    /** libtorch's at::Reduction::Mean and ::Sum. */
    private static final long MEAN_REDUCTION = 1;
    private static final long SUM_REDUCTION = 2;

    private final Training settings;
    private final Recipe recipe;
    private final ComputeDevice device;
    /** The run's processes; only the first writes the run folder. */
    private final Replicas replicas;

    Trainer(Training settings) {
        this.settings = settings;
        this.recipe = settings.recipe();
        this.device = settings.device();
        this.replicas = settings.replicas();
    }

    /** Trains from {@code saved}, or from the start when it is null. */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    RunResult run(RunFolder folder, ResumeState saved) throws IOException {
        // Every tensor of the run (data, network, optimizer state) is freed when it returns: a sweep or --runs N
        // trains many runs in one process, and the garbage collector alone would leave earlier runs' native memory.
        try {
            try (PointerScope runScope = new PointerScope()) {
                return train(folder, saved);
            }
        } finally {
            // The launcher's malloc settings keep freed memory mapped so that steps do not fault it in again;
            // between runs that memory is idle, so hand it back (measured: resident memory fell from about 10 GiB
            // to 0.5 GiB, and the next run in the process peaked 0.5 GiB lower; BENCHMARKS.md).
            Pointer.trimMemory();
        }
    }

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    private RunResult train(RunFolder folder, ResumeState saved) throws IOException {
        Dataset data = settings.data();
        long seed = settings.seed();
        Normalization normalization = data.info().normalization();
        PhaseTimer timer = new PhaseTimer(device, settings.exactPhaseTimes());
        long runStart = System.nanoTime();

        DeviceImages train = DeviceImages.upload(data.train(), normalization, device);
        DeviceImages validation = data.hasValidation()
                ? DeviceImages.upload(data.validation(), normalization, device) : null;
        DeviceImages test = DeviceImages.upload(data.test(), normalization, device);
        int stepsPerEpoch = settings.stepsPerEpoch();
        RunStart start = saved == null ? RunStart.fresh(recipe, device, seed, train, stepsPerEpoch)
                : RunStart.resumed(saved, device, stepsPerEpoch);
        if (saved == null) {
            // The same seed gives every replica the same network already; taking rank 0's makes it certain.
            replicas.broadcast(start.network().tensors());
        } else if (replicas.leads()) {
            folder.keepEpochsUpTo(start.epoch());
        }
        EvaluationPlan evaluation = new EvaluationPlan(recipe, device, validation, test, settings.evalBatch(),
                replicas);
        Augmentation augmentation = new Augmentation(train, recipe, seed, device);
        timer.lap(PhaseTimer.DATA);
        settings.listener().started(recipe.preset() + ", seed " + seed + ", " + device + ", "
                + torch.get_num_threads() + " threads" + (replicas.size() > 1 ? " × " + replicas : "") + ", "
                + recipe.epochs() + " epochs of " + stepsPerEpoch
                + " steps × " + recipe.batchSize());

        TrainingTrace trace = null;
        if (settings.trace() != null) {
            settings.trace().steps().requireWithin(recipe.epochs() * stepsPerEpoch, start.epoch() * stepsPerEpoch + 1);
            trace = new TrainingTrace(settings.trace(), device);
        }
        List<EpochMetrics> rows = new ArrayList<>();
        Diverged divergence = null;
        try {
            for (int epoch = start.epoch(); epoch < recipe.epochs(); epoch++) {
                // Everything made during the epoch (augmented copy, batches, evaluation) is freed at its end.
                try (PointerScope epochScope = new PointerScope()) {
                    ResidentMemory.resetPeak();
                    timer.reset();
                    timer.start();
                    long epochStart = System.nanoTime();
                    EpochTotals totals = trainEpoch(epoch, start, augmentation, train, timer, trace, folder);
                    double epochTrain = (System.nanoTime() - epochStart) / 1e9;
                    ReplicaAgreement.requireSameWeights(replicas, start.network(), epoch + 1);

                    boolean last = epoch == recipe.epochs() - 1;
                    Map<String, TensorData> averaged = start.average() == null ? Map.of()
                            : start.average().snapshot();
                    EvaluationPlan.Scores scores = settings.evaluates(epoch + 1)
                            ? evaluation.afterEpoch(start.network(), averaged, last)
                            : EvaluationPlan.Scores.NOT_SCORED;
                    timer.lap(PhaseTimer.EVAL);
                    if (trace != null) {
                        trace.afterEpoch(timer);
                    }

                    int seen = stepsPerEpoch * recipe.batchSize();
                    EpochMetrics row = new EpochMetrics(epoch + 1,
                            new TrainingScores(totals.loss() / seen, totals.correct() / seen),
                            scores.validation(), scores.test(),
                            new EpochTimes(epochTrain, (System.nanoTime() - runStart) / 1e9, seen / epochTrain,
                                    ResidentMemory.peakBytes(), timer.secondsByPhase()));
                    rows.add(row);
                    if (replicas.leads()) {
                        record(folder, row, start, averaged, last, (epoch + 1) * stepsPerEpoch);
                    }
                    settings.listener().epochFinished(row);
                }
            }
        } catch (Diverged d) {
            divergence = d;
        } catch (IOException | RuntimeException e) {
            closeTrace(trace, timer, e);
            throw e;
        }
        closeTrace(trace, timer, null);
        RunSummary summary = summary(folder, rows, divergence, (System.nanoTime() - runStart) / 1e9);
        if (replicas.leads()) {
            folder.writeSummary(summary);
        }
        return new RunResult(folder, summary, rows, divergence == null ? null : divergence.getMessage());
    }

    /** The epoch's row, and the checkpoint and resume state after it. */
    private void record(RunFolder folder, EpochMetrics row, RunStart start, Map<String, TensorData> averaged,
            boolean last, int stepsDone) throws IOException {
        Dataset data = settings.data();
        SplitScores test = row.test();
        Checkpoint checkpoint = new Checkpoint(recipe.architecture(), recipe, data.info().classes(),
                data.info().normalization(), settings.seed(), row.epoch(),
                test == null ? Double.NaN : last ? test.ttaAccuracy() : test.accuracy(), last ? recipe.ttaLevel() : 0,
                start.network().snapshot(), averaged);
        folder.writeCheckpoint(checkpoint, start.optimization().state(), stepsDone, data.holdout().count(),
                data.holdout().seed(), replicas.size());
        folder.appendMetrics(row);
    }

    /**
     * summary.json of the run: the final row's accuracies (none for a diverged run), the epochs' times summed, and
     * the whole run's wall time as this call measured it.
     */
    private RunSummary summary(RunFolder folder, List<EpochMetrics> rows, Diverged divergence, double wallSeconds) {
        Dataset data = settings.data();
        RunTotals totals = RunTotals.of(rows);
        EpochMetrics last = divergence != null || rows.isEmpty() ? null : rows.get(rows.size() - 1);
        SplitScores validation = last == null ? null : last.validation();
        SplitScores test = last == null ? null : last.test();
        return new RunSummary(recipe.preset(), recipe, settings.seed(), data.info().name(),
                data.holdout().count(), data.holdout().seed(), device.kind(), device.precisionName(),
                torch.get_num_threads(), replicas.size(), recipe.epochs(), recipe.ttaLevel(),
                divergence == null ? RunStatus.FINISHED : RunStatus.DIVERGED,
                divergence == null ? null : divergence.step,
                validation == null ? null : validation.accuracy(), validation == null ? null : validation.ttaAccuracy(),
                test == null ? null : test.accuracy(), test == null ? null : test.ttaAccuracy(),
                test == null ? null : test.emaAccuracy(), test == null ? null : test.ttaEmaAccuracy(),
                totals.trainSeconds(), wallSeconds, totals.imagesPerSecond(), totals.peakRssBytes(),
                totals.phaseSeconds(), Files.isRegularFile(folder.model()) ? folder.model().toString() : null);
    }

    /**
     * Writes what a trace recorded when the run leaves its window open (stopped inside it); a failure to do so while
     * the run fails for another reason is attached to that reason.
     */
    private static void closeTrace(TrainingTrace trace, PhaseTimer timer, Exception failure) throws IOException {
        if (trace == null) {
            return;
        }
        try {
            trace.close(timer);
        } catch (IOException | RuntimeException e) {
            if (failure == null) {
                throw e;
            }
            failure.addSuppressed(e);
        }
    }

    /**
     * The recipe's training loss: label-smoothed cross entropy summed over the batch (airbench) or averaged over it
     * (the sum divided by the batch size), as its loss reduction says.
     */
    static Tensor trainingLoss(Tensor logits, Tensor labels, Recipe recipe) {
        long reduction = Recipe.MEAN.equals(recipe.lossReduction()) ? MEAN_REDUCTION : SUM_REDUCTION;
        return torch.cross_entropy_loss(logits, labels, new TensorOptional(), reduction, -100,
                recipe.labelSmoothing());
    }

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    private EpochTotals trainEpoch(int epoch, RunStart start, Augmentation augmentation, DeviceImages train,
            PhaseTimer timer, TrainingTrace trace, RunFolder folder) throws Diverged, IOException {
        int stepsPerEpoch = recipe.stepsPerEpoch(train.count());
        Network network = start.network();
        Optimization optimization = start.optimization();
        boolean meanLoss = Recipe.MEAN.equals(recipe.lossReduction());
        GradientAllreduce gradients = new GradientAllreduce(replicas, optimization.parameters(), meanLoss);
        // Each replica trains on its share of every batch: the same images a single process would take, split.
        int share = recipe.batchSize() / replicas.size();
        Tensor epochImages = augmentation.epochImages(epoch);
        Tensor order = Tensors.fromHost(augmentation.epochOrder(epoch, train.count()), device);
        timer.lap(PhaseTimer.DATA);
        double lossSum = 0;
        // Summed on the device, so that the loss, which names the step where training diverged, is the only value
        // read back per step.
        Tensor correct = torch.zeros(new long[] {}, device.options(ScalarType.Long));
        for (int s = 0; s < stepsPerEpoch; s++) {
            int step = epoch * stepsPerEpoch + s;
            // Every replica stops at the same step, or the others would wait for it.
            if (replicas.any(settings.stopRequested().getAsBoolean())) {
                throw new RunInterrupted("interrupted at epoch " + (epoch + 1) + ", step " + (s + 1)
                        + (epoch > 0 ? "; the last complete epoch (" + epoch + ") is saved in " + folder
                        : "; nothing was saved"), epoch);
            }
            if (trace != null) {
                trace.beforeStep(step + 1, timer);
            }
            try (PointerScope scope = new PointerScope()) {
                Tensor index = order.narrow(0, (long) s * recipe.batchSize() + (long) replicas.rank() * share, share);
                Tensor inputs = epochImages.index_select(0, index).contiguous(MemoryFormat.ChannelsLast);
                Tensor labels = train.labels().index_select(0, index);
                timer.lap(PhaseTimer.DATA);
                Tensor logits = network.forward(inputs, true, optimization.trainsWhitenBias(step));
                Tensor loss = trainingLoss(logits, labels, recipe);
                timer.lap(PhaseTimer.FORWARD);
                loss.backward();
                timer.lap(PhaseTimer.BACKWARD);
                gradients.run();
                if (replicas.size() > 1) {
                    // A span of its own in a trace only where there is an exchange to see.
                    timer.lap(PhaseTimer.ALLREDUCE);
                }
                double lossValue = batchLoss(loss, meanLoss);
                if (!Double.isFinite(lossValue)) {
                    throw new Diverged(step + 1, "the loss became " + lossValue + " at step " + (step + 1)
                            + " (epoch " + (epoch + 1) + ", step " + (s + 1) + " of " + stepsPerEpoch + ")");
                }
                // The epoch's loss is reported per image, whichever reduction the step's loss uses.
                lossSum += meanLoss ? lossValue * recipe.batchSize() : lossValue;
                try (NoGradGuard noGrad = new NoGradGuard()) {
                    correct.add_(logits.argmax(new LongOptional(1), false).eq(labels).sum());
                }
                optimization.step(step);
                if (start.average() != null) {
                    start.average().update(network, step);
                }
                timer.lap(PhaseTimer.OPTIMIZER);
            }
            if (trace != null) {
                trace.afterStep(s == stepsPerEpoch - 1, timer);
            }
            settings.listener().step(epoch, s + 1, stepsPerEpoch);
        }
        replicas.sum(List.of(correct));
        return new EpochTotals(lossSum, correct.item_double());
    }

    /**
     * The whole batch's loss, from this replica's loss over its share: the replicas' sum (a summed loss) or mean (a
     * mean loss over equal shares). Every replica gets the same value, so they agree on a divergence.
     */
    private double batchLoss(Tensor loss, boolean meanLoss) {
        Tensor total = loss.detach().reshape(1).clone();
        replicas.sum(List.of(total));
        double value = total.item_double();
        return meanLoss ? value / replicas.size() : value;
    }
}
