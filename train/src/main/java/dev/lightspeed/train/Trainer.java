package dev.lightspeed.train;

import dev.lightspeed.data.CifarDataset;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Normalization;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.SafeTensors;
import dev.lightspeed.models.TensorData;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.TensorOptional;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

import static dev.lightspeed.models.ArchitectureSpec.HEAD_WEIGHT;
import static dev.lightspeed.models.ArchitectureSpec.WHITEN_BIAS;

/**
 * One training run of a {@link Recipe}: device-resident data, Nesterov SGD on biases and head, Muon on the
 * filters, linear decay per step, evaluation after every epoch and TTA evaluation at the end. Each step's
 * temporaries live in a {@link PointerScope}, so native memory is returned every step.
 */
public final class Trainer {

    private static final String SGD = "sgd.";
    private static final String MUON = "muon.";

    /** The outcome of a run: its rows, final TTA accuracy, and where the checkpoint is. */
    public record Result(List<EpochMetrics> epochs, double finalAccuracy, double trainSeconds, RunOutput output) {
    }

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

    /** Refuses a recipe that cannot run on this dataset, before any time is spent. */
    public static void checkFits(Recipe recipe, CifarDataset data) {
        int trainCount = data.train().count();
        if (recipe.batchSize() > trainCount) {
            throw new InputError("batch-size " + recipe.batchSize() + " is larger than the training set ("
                    + trainCount + " images); use a batch size of at most " + trainCount);
        }
    }

    public Result run(CifarDataset data, RunOutput output) throws IOException {
        checkFits(recipe, data);
        int trainCount = data.train().count();
        Normalization normalization = Normalization.cifar10();
        PhaseTimer timer = new PhaseTimer(device, config.profile());
        long runStart = System.nanoTime();

        DeviceImages train = DeviceImages.upload(data.train(), normalization, device);
        DeviceImages test = DeviceImages.upload(data.test(), normalization, device);

        int startEpoch = 0;
        Network network;
        Map<String, TensorData> savedOptimizer = Map.of();
        if (config.resume()) {
            SafeTensors.Contents state = SafeTensors.read(output.resumeState());
            Checkpoint saved = Checkpoint.fromContents(output.resumeState(), state.metadata(), state.tensors());
            network = Network.fromValues(saved.architecture(), device, saved.tensors());
            startEpoch = saved.epoch();
            savedOptimizer = new LinkedHashMap<>();
            for (Map.Entry<String, TensorData> e : state.tensors().entrySet()) {
                if (e.getKey().startsWith(Checkpoint.TRAINING_STATE_PREFIX)) {
                    savedOptimizer.put(e.getKey().substring(Checkpoint.TRAINING_STATE_PREFIX.length()), e.getValue());
                }
            }
            output.keepEarlierMetrics(startEpoch);
        } else {
            network = Network.initialize(recipe.architecture(), device, config.seed());
            int samples = Math.min(recipe.whiteningSamples(), trainCount);
            Whitening.fit(network, train.images().narrow(0, 0, samples), recipe.whiteningEps());
        }

        int stepsPerEpoch = recipe.stepsPerEpoch(trainCount);
        int totalSteps = recipe.epochs() * stepsPerEpoch;
        int whitenBiasSteps = recipe.whitenBiasEpochs() * stepsPerEpoch;
        double filterLr = recipe.filterLr() * recipe.lrScale();
        double biasLr = recipe.biasLr() * recipe.lrScale();
        double headLr = recipe.headLr() * recipe.lrScale();
        // Decay scaled by 1/lr keeps lr × decay, the shrink per step, independent of the learning rate.
        double biasDecay = biasLr == 0 ? 0 : recipe.weightDecay() * recipe.batchSize() / biasLr;
        double headDecay = headLr == 0 ? 0 : recipe.weightDecay() * recipe.batchSize() / headLr;

        Map<String, Tensor> parameters = new LinkedHashMap<>();
        List<String> filters = network.filterNames();
        List<String> normBiases = network.normBiasNames();
        NesterovSgd sgd = new NesterovSgd(recipe.sgdMomentum());
        Muon muon = new Muon(recipe.muonMomentum(), recipe.newtonSchulzSteps(), device.computeType());
        for (String name : filters) {
            parameters.put(name, network.tensor(name));
            muon.track(name, network.tensor(name));
        }
        for (String name : concat(List.of(WHITEN_BIAS, HEAD_WEIGHT), normBiases)) {
            parameters.put(name, network.tensor(name));
            sgd.track(name, network.tensor(name));
        }
        restore(sgd.buffers(), savedOptimizer, SGD);
        restore(muon.buffers(), savedOptimizer, MUON);

        Augmentation augmentation = new Augmentation(train, recipe, config.seed(), device);
        timer.lap(PhaseTimer.DATA);
        listener.started(recipe.preset() + ", seed " + config.seed() + ", " + device + ", "
                + torch.get_num_threads() + " threads, " + recipe.epochs() + " epochs of " + stepsPerEpoch
                + " steps × " + recipe.batchSize());

        List<EpochMetrics> rows = new ArrayList<>();
        double trainSeconds = 0;
        double finalAccuracy = Double.NaN;
        for (int epoch = startEpoch; epoch < recipe.epochs(); epoch++) {
            ResidentMemory.resetPeak();
            timer.reset();
            timer.start();
            long epochStart = System.nanoTime();
            Tensor epochImages = augmentation.epochImages(epoch);
            Tensor order = Tensors.fromHost(augmentation.epochOrder(epoch, trainCount), device);
            timer.lap(PhaseTimer.DATA);
            double lossSum = 0;
            double correct = 0;
            for (int s = 0; s < stepsPerEpoch; s++) {
                int step = epoch * stepsPerEpoch + s;
                if (stopRequested.getAsBoolean()) {
                    throw new TrainingStopped("interrupted at epoch " + (epoch + 1) + ", step " + (s + 1)
                            + (epoch > startEpoch || startEpoch > 0 ? "; the last complete epoch is saved in "
                            + output.folder() + " (continue with --resume)" : "; nothing was saved"));
                }
                try (PointerScope scope = new PointerScope()) {
                    Tensor index = order.narrow(0, (long) s * recipe.batchSize(), recipe.batchSize());
                    Tensor inputs = epochImages.index_select(0, index).contiguous(MemoryFormat.ChannelsLast);
                    Tensor labels = train.labels().index_select(0, index);
                    timer.lap(PhaseTimer.DATA);
                    boolean trainWhitenBias = step < whitenBiasSteps;
                    Tensor logits = network.forward(inputs, true, trainWhitenBias);
                    Tensor loss = torch.cross_entropy_loss(logits, labels, new TensorOptional(), 2, -100,
                            recipe.labelSmoothing());
                    timer.lap(PhaseTimer.FORWARD);
                    loss.backward();
                    timer.lap(PhaseTimer.BACKWARD);
                    double lossValue = loss.item_double();
                    if (!Double.isFinite(lossValue)) {
                        throw new TrainingStopped("loss became " + lossValue + " at epoch " + (epoch + 1) + ", step "
                                + (s + 1) + " (global step " + (step + 1) + "); try a smaller --lr-scale"
                                + (epoch > startEpoch ? "; the last complete epoch is kept in " + output.model() : ""));
                    }
                    lossSum += lossValue;
                    try (NoGradGuard noGrad = new NoGradGuard()) {
                        correct += logits.argmax(new LongOptional(1), false).eq(labels).sum().item_double();
                        if (trainWhitenBias) {
                            sgd.step(parameters, List.of(WHITEN_BIAS),
                                    LrSchedule.linearDecay(biasLr, step, whitenBiasSteps), biasDecay);
                        }
                        sgd.step(parameters, normBiases, LrSchedule.linearDecay(biasLr, step, totalSteps), biasDecay);
                        sgd.step(parameters, List.of(HEAD_WEIGHT), LrSchedule.linearDecay(headLr, step, totalSteps),
                                headDecay);
                        muon.step(parameters, filters, LrSchedule.linearDecay(filterLr, step, totalSteps));
                        for (Tensor p : parameters.values()) {
                            Tensor grad = p.grad();
                            if (grad.defined()) {
                                grad.zero_();
                            }
                        }
                    }
                    timer.lap(PhaseTimer.OPTIMIZER);
                }
                listener.step(epoch, s + 1, stepsPerEpoch);
            }
            double epochTrain = (System.nanoTime() - epochStart) / 1e9;
            trainSeconds += epochTrain;
            boolean last = epoch == recipe.epochs() - 1;
            Evaluation.Result val = Evaluation.evaluate(network, test, 0, config.evalBatch());
            double tta = Double.NaN;
            if (last) {
                Evaluation.Result ttaResult = Evaluation.evaluate(network, test, recipe.ttaLevel(), config.evalBatch());
                tta = ttaResult.accuracy();
                finalAccuracy = tta;
            }
            timer.lap(PhaseTimer.EVAL);
            int seen = stepsPerEpoch * recipe.batchSize();
            EpochMetrics row = new EpochMetrics(epoch + 1, lossSum / seen, correct / seen, val.loss(),
                    val.accuracy(), tta, epochTrain, (System.nanoTime() - runStart) / 1e9, seen / epochTrain,
                    ResidentMemory.peakBytes(), timer.secondsByPhase());
            rows.add(row);
            Checkpoint checkpoint = new Checkpoint(recipe.architecture(), recipe, dev.lightspeed.models.CifarClasses.NAMES,
                    normalization, config.seed(), epoch + 1, last ? tta : val.accuracy(), last ? recipe.ttaLevel() : 0,
                    network.snapshot());
            output.writeCheckpoint(checkpoint, optimizerState(sgd, muon), (epoch + 1) * stepsPerEpoch);
            output.appendMetrics(RunReport.row(row));
            listener.epochFinished(row);
        }
        if (Double.isNaN(finalAccuracy)) {
            finalAccuracy = Evaluation.evaluate(network, test, recipe.ttaLevel(), config.evalBatch()).accuracy();
        }
        return new Result(rows, finalAccuracy, trainSeconds, output);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    private static Map<String, TensorData> optimizerState(NesterovSgd sgd, Muon muon) {
        Map<String, TensorData> state = new LinkedHashMap<>();
        sgd.buffers().forEach((name, t) -> state.put(SGD + name, Tensors.toHost(t)));
        muon.buffers().forEach((name, t) -> state.put(MUON + name, Tensors.toHost(t)));
        return state;
    }

    private void restore(Map<String, Tensor> buffers, Map<String, TensorData> saved, String prefix) {
        if (saved.isEmpty()) {
            return;
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            buffers.forEach((name, buffer) -> {
                TensorData values = saved.get(prefix + name);
                if (values == null || !values.hasShape(buffer.shape())) {
                    throw new InputError("resume state lacks optimizer buffer " + prefix + name
                            + "; start a new run without --resume");
                }
                buffer.copy_(Tensors.fromHost(values, device));
            });
        }
    }
}
