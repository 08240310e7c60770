package dev.lightspeed.train;

import dev.lightspeed.data.Dataset;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Normalization;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.SafeTensors;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.RunSummary;
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
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/**
 * One training run of a {@link Recipe}: device-resident data, the recipe's {@link Optimization}, evaluation after
 * every epoch and TTA evaluation at the end, a checkpoint after every epoch. Temporaries live in a
 * {@link PointerScope} per step and per epoch, so native memory is returned as soon as it is dead.
 */
public final class Trainer {

    /**
     * The outcome of a run: the data it trained on, its rows, the final TTA accuracy on the test split, and where
     * the checkpoint is.
     */
    public record Result(Dataset data, List<EpochMetrics> epochs, double ttaTestAcc, double trainSeconds,
            RunOutput output) {

        /** summary.json of this run; {@code wallSeconds} is the whole run as the caller timed it. */
        public RunSummary summary(TrainConfig config, double wallSeconds) {
            double images = epochs.stream().mapToDouble(e -> e.imagesPerSecond() * e.epochTrainSeconds()).sum();
            Map<String, Double> phases = new LinkedHashMap<>();
            epochs.forEach(e -> e.phaseSeconds().forEach((k, v) -> phases.merge(k, v, Double::sum)));
            Recipe recipe = config.recipe();
            EpochMetrics last = epochs.isEmpty() ? null : epochs.get(epochs.size() - 1);
            return new RunSummary(recipe.preset(), recipe, config.seed(), data.info().name(),
                    data.holdout().count(), data.holdout().seed(), config.device().kind(),
                    config.device().precisionName(), torch.get_num_threads(), recipe.epochs(), recipe.ttaLevel(),
                    last == null ? null : last.valAcc(), last == null ? null : last.ttaValAcc(),
                    last == null ? Double.NaN : last.testAcc(), ttaTestAcc,
                    last == null ? null : last.emaTestAcc(), last == null ? null : last.ttaEmaTestAcc(),
                    trainSeconds, wallSeconds,
                    trainSeconds > 0 ? images / trainSeconds : 0,
                    epochs.stream().mapToLong(EpochMetrics::peakRssBytes).max().orElse(0), phases,
                    output.model().toString());
        }
    }

    /** Loss and correct predictions summed over an epoch's steps. */
    private record EpochTotals(double loss, double correct) {
    }

    /** libtorch's at::Reduction::Sum. */
    private static final long SUM_REDUCTION = 2;

    private final TrainConfig config;
    private final Recipe recipe;
    private final ComputeDevice device;
    private final TrainingListener listener;
    private final BooleanSupplier stopRequested;

    public Trainer(TrainConfig config, TrainingListener listener, BooleanSupplier stopRequested) {
        this.config = config;
        this.recipe = config.recipe();
        this.device = config.device();
        this.listener = listener;
        this.stopRequested = stopRequested;
    }

    /**
     * The recipe as it trains on {@code data}: its network fitted to the data's images and classes. Refuses, before
     * any time is spent, images too small for the network and a batch larger than the training set.
     */
    public static Recipe fit(Recipe recipe, Dataset data) {
        Recipe fitted = recipe.fittedTo(data.info());
        int trainCount = data.train().count();
        if (fitted.batchSize() > trainCount) {
            throw new InputError("batch-size " + fitted.batchSize() + " is larger than the training set ("
                    + trainCount + " images); use a batch size of at most " + trainCount);
        }
        int steps = fitted.epochs() * fitted.stepsPerEpoch(trainCount);
        if (fitted.averagesWeights() && fitted.emaStartStep() >= steps) {
            throw new InputError("ema-start-step " + fitted.emaStartStep() + " is past the run's last step (it has "
                    + steps + " steps); start the average earlier");
        }
        return fitted;
    }

    public Result run(Dataset data, RunOutput output) throws IOException {
        // Every tensor of the run (data, network, optimizer state) is freed when it returns: a sweep or --runs N
        // trains many runs in one process, and the garbage collector alone would leave earlier runs' native memory.
        try {
            try (PointerScope runScope = new PointerScope()) {
                return train(data, output);
            }
        } finally {
            // The launcher's malloc settings keep freed memory mapped so that steps do not fault it in again;
            // between runs that memory is idle, so hand it back (measured: resident memory fell from about 10 GiB
            // to 0.5 GiB, and the next run in the process peaked 0.5 GiB lower; BENCHMARKS.md).
            Pointer.trimMemory();
        }
    }

    private Result train(Dataset data, RunOutput output) throws IOException {
        if (!fit(recipe, data).equals(recipe)) {
            throw new IllegalArgumentException("the recipe's network is not fitted to " + data.info().name()
                    + "; pass Trainer.fit(recipe, data)");
        }
        int trainCount = data.train().count();
        Normalization normalization = data.info().normalization();
        PhaseTimer timer = new PhaseTimer(device, config.profile());
        long runStart = System.nanoTime();

        DeviceImages train = DeviceImages.upload(data.train(), normalization, device);
        DeviceImages validation = data.hasValidation()
                ? DeviceImages.upload(data.validation(), normalization, device) : null;
        DeviceImages test = DeviceImages.upload(data.test(), normalization, device);
        int stepsPerEpoch = recipe.stepsPerEpoch(trainCount);

        int startEpoch = 0;
        Network network;
        Optimization optimization;
        WeightAverage average;
        if (config.resume()) {
            SafeTensors.Contents state = SafeTensors.read(output.resumeState());
            Checkpoint saved = Checkpoint.fromContents(output.resumeState(), state.metadata(), state.tensors());
            // The schedule and the augmentation stream depend on both, so another value would not continue the run.
            if (!saved.recipe().equals(recipe) || saved.seed() != config.seed()) {
                throw new InputError(output.resumeState() + " holds a run of another recipe or seed than the one"
                        + " asked for; resume it with the recipe and seed it was started with");
            }
            if (!RunOutput.savedHoldout(state.metadata()).equals(data.holdout())) {
                throw new InputError(output.resumeState() + " holds a run that held out "
                        + RunOutput.savedHoldout(state.metadata()) + ", not " + data.holdout()
                        + "; resume it with the holdout it was started with");
            }
            network = Network.fromValues(saved.architecture(), device, saved.tensors());
            startEpoch = saved.epoch();
            optimization = new Optimization(network, recipe, stepsPerEpoch);
            Map<String, TensorData> savedOptimizer = new LinkedHashMap<>();
            state.tensors().forEach((name, values) -> {
                if (name.startsWith(Checkpoint.TRAINING_STATE_PREFIX)) {
                    savedOptimizer.put(name.substring(Checkpoint.TRAINING_STATE_PREFIX.length()), values);
                }
            });
            optimization.restore(savedOptimizer, device);
            average = recipe.averagesWeights() ? WeightAverage.restored(recipe, network, saved.emaTensors()) : null;
            output.keepEarlierMetrics(startEpoch);
        } else {
            network = Network.initialize(recipe.architecture(), device, config.seed());
            int samples = Math.min(recipe.whiteningSamples(), trainCount);
            Whitening.fit(network, train.images().narrow(0, 0, samples), recipe.whiteningEps());
            optimization = new Optimization(network, recipe, stepsPerEpoch);
            average = recipe.averagesWeights() ? WeightAverage.of(recipe, network) : null;
        }

        Augmentation augmentation = new Augmentation(train, recipe, config.seed(), device);
        timer.lap(PhaseTimer.DATA);
        listener.started(recipe.preset() + ", seed " + config.seed() + ", " + device + ", "
                + torch.get_num_threads() + " threads, " + recipe.epochs() + " epochs of " + stepsPerEpoch
                + " steps × " + recipe.batchSize());

        TrainingTrace trace = null;
        if (config.trace() != null) {
            config.trace().steps().requireWithin(recipe.epochs() * stepsPerEpoch, startEpoch * stepsPerEpoch + 1);
            trace = new TrainingTrace(config.trace(), device);
        }
        List<EpochMetrics> rows = new ArrayList<>();
        double trainSeconds = 0;
        double ttaTestAcc = Double.NaN;
        try {
            for (int epoch = startEpoch; epoch < recipe.epochs(); epoch++) {
                // Everything made during the epoch (augmented copy, batches, evaluation) is freed at its end.
                try (PointerScope epochScope = new PointerScope()) {
                    ResidentMemory.resetPeak();
                    timer.reset();
                    timer.start();
                    long epochStart = System.nanoTime();
                    EpochTotals totals = trainEpoch(epoch, startEpoch, network, optimization, average, augmentation,
                            train, timer, trace, output);
                    double epochTrain = (System.nanoTime() - epochStart) / 1e9;
                    trainSeconds += epochTrain;

                    boolean last = epoch == recipe.epochs() - 1;
                    Evaluation.Result plainVal = validation == null ? null
                            : Evaluation.evaluate(network, validation, 0, config.evalBatch());
                    Double ttaVal = last && validation != null ? withTta(network, validation, plainVal) : null;
                    Evaluation.Result plain = Evaluation.evaluate(network, test, 0, config.evalBatch());
                    Double tta = last ? withTta(network, test, plain) : null;
                    if (last) {
                        ttaTestAcc = tta;
                    }
                    Map<String, TensorData> averaged = average == null ? Map.of() : average.snapshot();
                    Double emaVal = null;
                    Double emaTest = null;
                    Double ttaEmaTest = null;
                    if (!averaged.isEmpty()) {
                        Network averageNetwork = Network.fromValues(recipe.architecture(), device, averaged);
                        emaVal = validation == null ? null
                                : Evaluation.evaluate(averageNetwork, validation, 0, config.evalBatch()).accuracy();
                        Evaluation.Result emaPlainTest = Evaluation.evaluate(averageNetwork, test, 0,
                                config.evalBatch());
                        emaTest = emaPlainTest.accuracy();
                        ttaEmaTest = last ? withTta(averageNetwork, test, emaPlainTest) : null;
                    }
                    timer.lap(PhaseTimer.EVAL);
                    if (trace != null) {
                        trace.afterEpoch(timer);
                    }

                    int seen = stepsPerEpoch * recipe.batchSize();
                    EpochMetrics row = new EpochMetrics(epoch + 1, totals.loss() / seen, totals.correct() / seen,
                            plainVal == null ? null : plainVal.loss(), plainVal == null ? null : plainVal.accuracy(),
                            plain.loss(), plain.accuracy(), ttaVal, tta, emaVal, emaTest, ttaEmaTest, epochTrain,
                            (System.nanoTime() - runStart) / 1e9, seen / epochTrain, ResidentMemory.peakBytes(),
                            timer.secondsByPhase());
                    rows.add(row);
                    Checkpoint checkpoint = new Checkpoint(recipe.architecture(), recipe, data.info().classes(),
                            normalization, config.seed(), epoch + 1, last ? tta : plain.accuracy(),
                            last ? recipe.ttaLevel() : 0, network.snapshot(), averaged);
                    output.writeCheckpoint(checkpoint, optimization.state(), (epoch + 1) * stepsPerEpoch,
                            data.holdout());
                    output.appendMetrics(row);
                    listener.epochFinished(row);
                }
            }
        } catch (IOException | RuntimeException e) {
            closeTrace(trace, timer, e);
            throw e;
        }
        closeTrace(trace, timer, null);
        if (Double.isNaN(ttaTestAcc)) {
            ttaTestAcc = Evaluation.evaluate(network, test, recipe.ttaLevel(), config.evalBatch()).accuracy();
        }
        return new Result(data, rows, ttaTestAcc, trainSeconds, output);
    }

    /** The split's accuracy with the recipe's TTA; at level 0 that is {@code plain}'s, so nothing is scored twice. */
    private double withTta(Network network, DeviceImages split, Evaluation.Result plain) {
        return recipe.ttaLevel() == 0 ? plain.accuracy()
                : Evaluation.evaluate(network, split, recipe.ttaLevel(), config.evalBatch()).accuracy();
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

    /** The recipe's training loss: label-smoothed cross entropy summed, not averaged, over the batch. */
    static Tensor trainingLoss(Tensor logits, Tensor labels, double labelSmoothing) {
        return torch.cross_entropy_loss(logits, labels, new TensorOptional(), SUM_REDUCTION, -100, labelSmoothing);
    }

    private EpochTotals trainEpoch(int epoch, int startEpoch, Network network, Optimization optimization,
            WeightAverage average, Augmentation augmentation, DeviceImages train, PhaseTimer timer,
            TrainingTrace trace, RunOutput output) throws IOException {
        int stepsPerEpoch = recipe.stepsPerEpoch(train.count());
        Tensor epochImages = augmentation.epochImages(epoch);
        Tensor order = Tensors.fromHost(augmentation.epochOrder(epoch, train.count()), device);
        timer.lap(PhaseTimer.DATA);
        double lossSum = 0;
        // Summed on the device, so that the loss, which names the step where training diverged, is the only value
        // read back per step.
        Tensor correct = torch.zeros(new long[] {}, device.options(ScalarType.Long));
        for (int s = 0; s < stepsPerEpoch; s++) {
            int step = epoch * stepsPerEpoch + s;
            if (stopRequested.getAsBoolean()) {
                throw new TrainingStopped("interrupted at epoch " + (epoch + 1) + ", step " + (s + 1)
                        + (epoch > startEpoch || startEpoch > 0 ? "; the last complete epoch is saved in "
                        + output.folder() + " (resume the run to continue)" : "; nothing was saved"));
            }
            if (trace != null) {
                trace.beforeStep(step + 1, timer);
            }
            try (PointerScope scope = new PointerScope()) {
                Tensor index = order.narrow(0, (long) s * recipe.batchSize(), recipe.batchSize());
                Tensor inputs = epochImages.index_select(0, index).contiguous(MemoryFormat.ChannelsLast);
                Tensor labels = train.labels().index_select(0, index);
                timer.lap(PhaseTimer.DATA);
                Tensor logits = network.forward(inputs, true, optimization.trainsWhitenBias(step));
                Tensor loss = trainingLoss(logits, labels, recipe.labelSmoothing());
                timer.lap(PhaseTimer.FORWARD);
                loss.backward();
                timer.lap(PhaseTimer.BACKWARD);
                double lossValue = loss.item_double();
                if (!Double.isFinite(lossValue)) {
                    throw new TrainingStopped("loss became " + lossValue + " at epoch " + (epoch + 1) + ", step "
                            + (s + 1) + " (global step " + (step + 1) + "); try a smaller lr-scale"
                            + (epoch > startEpoch ? "; the last complete epoch is kept in " + output.model() : ""));
                }
                lossSum += lossValue;
                try (NoGradGuard noGrad = new NoGradGuard()) {
                    correct.add_(logits.argmax(new LongOptional(1), false).eq(labels).sum());
                }
                optimization.step(step);
                if (average != null) {
                    average.update(network, step);
                }
                timer.lap(PhaseTimer.OPTIMIZER);
            }
            if (trace != null) {
                trace.afterStep(s == stepsPerEpoch - 1, timer);
            }
            listener.step(epoch, s + 1, stepsPerEpoch);
        }
        return new EpochTotals(lossSum, correct.item_double());
    }
}
