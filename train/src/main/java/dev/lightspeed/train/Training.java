package dev.lightspeed.train;

import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.Holdout;
import dev.lightspeed.models.EvalBatch;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.RunInterrupted;
import dev.lightspeed.models.run.ResumeState;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.train.parallel.Replicas;

import java.io.IOException;
import java.util.Objects;
import java.util.function.BooleanSupplier;

/**
 * Trains a {@link Recipe} on a {@link Dataset} into a {@link RunFolder}: the entry point of training, which the
 * {@code train} and {@code sweep} commands use as any Java caller does.
 *
 * <pre>{@code
 * Dataset data = Datasets.load(DataRequest.of(DatasetKind.CIFAR10, Path.of("cifar10")), ProgressListener.NONE);
 * RunResult run = Training.of(Presets.named("airbench94").with("epochs", "2"), data)
 *         .withSeed(1)
 *         .withListener(myListener)
 *         .start(RunFolder.create(Path.of("runs/first")));
 * }</pre>
 *
 * Immutable: every {@code with} returns a changed copy. A run holds the device (and libtorch's threads, see
 * {@link Threads}) while it trains; runs in one process train one after the other.
 */
public final class Training {

    private final Recipe recipe;
    private final Dataset data;
    private final long seed;
    private final ComputeDevice device;
    private final int evalBatch;
    private final int evalEvery;
    private final boolean exactPhaseTimes;
    private final TraceRequest trace;
    private final TrainingListener listener;
    private final BooleanSupplier stopRequested;
    private final Replicas replicas;

    private Training(Recipe recipe, Dataset data, long seed, ComputeDevice device, int evalBatch, int evalEvery,
            boolean exactPhaseTimes, TraceRequest trace, TrainingListener listener, BooleanSupplier stopRequested,
            Replicas replicas) {
        this.recipe = recipe;
        this.data = data;
        this.seed = seed;
        this.device = device;
        this.evalBatch = evalBatch;
        this.evalEvery = evalEvery;
        this.exactPhaseTimes = exactPhaseTimes;
        this.trace = trace;
        this.listener = listener;
        this.stopRequested = stopRequested;
        this.replicas = replicas;
    }

    /**
     * Training of {@code recipe} on {@code data} with every default: seed 0, the best device and precision here
     * ({@link ComputeDevice#resolve}), the default evaluation batch for the images' size, no trace, no listener.
     * The recipe's network is fitted to the data's images and classes ({@link #fit}).
     *
     * @throws InputError when the recipe cannot train on the data
     */
    public static Training of(Recipe recipe, Dataset data) {
        Recipe fitted = fit(recipe, data);
        return new Training(fitted, data, 0, ComputeDevice.resolve(null, null),
                EvalBatch.defaultFor(fitted.architecture().imageSize()), 1, false, null, new TrainingListener() { },
                () -> false, Replicas.SINGLE);
    }

    /**
     * The recipe as it trains on {@code data}: its network fitted to the data's images and classes. Refuses,
     * before any time is spent, images too small for the network, a batch larger than the training set and a
     * weight average that would start after the last step.
     */
    public static Recipe fit(Recipe recipe, Dataset data) {
        Recipe fitted = recipe.fittedTo(data.info());
        int trainCount = data.train().count();
        if (fitted.batchSize() > trainCount) {
            throw InputError.in("batch-size", "batch-size " + fitted.batchSize() + " is larger than the training set ("
                    + trainCount + " images); use a batch size of at most " + trainCount);
        }
        int steps = fitted.epochs() * fitted.stepsPerEpoch(trainCount);
        if (fitted.averagesWeights() && fitted.emaStartStep() >= steps) {
            throw InputError.in("ema-start-step", "ema-start-step " + fitted.emaStartStep()
                    + " is past the run's last step (it has " + steps + " steps); start the average earlier");
        }
        return fitted;
    }

    /** The run's seed: it draws the initial weights, the whitening images' order and every augmentation. */
    public Training withSeed(long seed) {
        return new Training(recipe, data, seed, device, evalBatch, evalEvery, exactPhaseTimes, trace, listener, stopRequested,
                replicas);
    }

    public Training withDevice(ComputeDevice device) {
        return new Training(recipe, data, seed, Objects.requireNonNull(device), evalBatch, evalEvery, exactPhaseTimes, trace,
                listener, stopRequested, replicas);
    }

    /**
     * Images per forward pass when scoring the validation and test images; bounds evaluation memory.
     *
     * @throws InputError when below 1
     */
    public Training withEvalBatch(int images) {
        if (images < 1) {
            throw InputError.in("eval-batch-size", "eval-batch-size must be at least 1, got " + images);
        }
        return new Training(recipe, data, seed, device, images, evalEvery, exactPhaseTimes, trace, listener, stopRequested,
                replicas);
    }

    /**
     * Scores the held-out and test images after every {@code epochs}-th epoch only (and always after the last one,
     * with its test-time augmentation); the epochs between keep empty scores. Short studies spend most of their
     * time on those passes.
     *
     * @throws InputError when below 1
     */
    public Training withEvalEvery(int epochs) {
        if (epochs < 1) {
            throw InputError.in("eval-every", "eval-every must be at least 1 (1: after every epoch), got " + epochs);
        }
        return new Training(recipe, data, seed, device, evalBatch, epochs, exactPhaseTimes, trace, listener,
                stopRequested, replicas);
    }

    /**
     * Waits for the device at every phase boundary, so that the time per phase in the metrics is exact (slower on
     * CUDA, where kernels otherwise run ahead of the host).
     */
    public Training withExactPhaseTimes(boolean exact) {
        return new Training(recipe, data, seed, device, evalBatch, evalEvery, exact, trace, listener, stopRequested,
                replicas);
    }

    /** Writes a trace of some steps (phases as spans, libtorch's operators inside); null for none. */
    public Training withTrace(TraceRequest trace) {
        return new Training(recipe, data, seed, device, evalBatch, evalEvery, exactPhaseTimes, trace, listener, stopRequested,
                replicas);
    }

    /** Told of the run's progress, on the training thread. */
    public Training withListener(TrainingListener listener) {
        return new Training(recipe, data, seed, device, evalBatch, evalEvery, exactPhaseTimes, trace,
                Objects.requireNonNull(listener), stopRequested, replicas);
    }

    /**
     * Asked before every step; when it answers true, the run stops with {@link RunInterrupted}, its folder
     * keeping the last complete epoch.
     */
    public Training withStopRequest(BooleanSupplier stopRequested) {
        return new Training(recipe, data, seed, device, evalBatch, evalEvery, exactPhaseTimes, trace, listener,
                Objects.requireNonNull(stopRequested), replicas);
    }

    /**
     * Trains as one of several data-parallel replicas: each takes its share of every batch of the recipe's batch
     * size, their gradients are summed (or averaged, for a mean loss) before every step, rank 0's initial network
     * is everyone's, and rank 0 alone writes the run folder. The batch and the schedule stay the recipe's, and the
     * images of every batch are those a single process would take; batchnorm statistics are each replica's own
     * (as in PyTorch's DDP), rank 0's are the ones evaluated and saved. Every replica must be given the same
     * recipe, seed and data.
     *
     * @throws InputError when the batch does not split evenly over the replicas
     */
    public Training withReplicas(Replicas replicas) {
        requireSplits(recipe, replicas.size());
        return new Training(recipe, data, seed, device, evalBatch, evalEvery, exactPhaseTimes, trace, listener,
                stopRequested, Objects.requireNonNull(replicas));
    }

    /**
     * Refuses a batch that does not split evenly over {@code processes} data-parallel replicas.
     *
     * @throws InputError when it does not
     */
    public static void requireSplits(Recipe recipe, int processes) {
        if (recipe.batchSize() % processes != 0) {
            throw InputError.in("batch-size", "batch-size " + recipe.batchSize() + " does not split evenly over "
                    + processes + " processes; use a batch size divisible by " + processes);
        }
    }

    /** The recipe as it trains: fitted to the data. */
    public Recipe recipe() {
        return recipe;
    }

    public Dataset data() {
        return data;
    }

    public long seed() {
        return seed;
    }

    public ComputeDevice device() {
        return device;
    }

    public int evalBatch() {
        return evalBatch;
    }

    /** Every how many epochs the held-out and test images are scored; the last epoch always is. */
    public int evalEvery() {
        return evalEvery;
    }

    /** Whether the epoch counted from 1 is scored. */
    boolean evaluates(int epoch) {
        return epoch % evalEvery == 0 || epoch == recipe.epochs();
    }

    boolean exactPhaseTimes() {
        return exactPhaseTimes;
    }

    TraceRequest trace() {
        return trace;
    }

    TrainingListener listener() {
        return listener;
    }

    BooleanSupplier stopRequested() {
        return stopRequested;
    }

    public Replicas replicas() {
        return replicas;
    }

    /** Steps of one epoch over the data's training images. */
    public int stepsPerEpoch() {
        return recipe.stepsPerEpoch(data.train().count());
    }

    /**
     * Trains a new run into {@code folder}, writing its metrics and checkpoint after every epoch and its summary at
     * the end. A run that stops before its first epoch ends leaves no folder {@link RunFolder#create} made behind.
     *
     * @throws InputError     when a trace window lies outside the run
     * @throws RunInterrupted when the stop request answered true
     * @throws IOException    when the folder cannot be written
     */
    public RunResult start(RunFolder folder) throws IOException {
        return run(folder, null);
    }

    /**
     * Continues the run in {@code folder} from its last complete epoch. The run must have been started with this
     * recipe and seed, and the data must hold out the images it held out: the schedule and every random draw
     * depend on them. It then ends exactly as the uninterrupted run would have.
     *
     * @throws InputError when the folder holds no run to continue, a finished one, or one of another recipe,
     *                    seed or holdout
     */
    public RunResult resume(RunFolder folder) throws IOException {
        ResumeState saved = folder.resumeState().orElseThrow(() -> new InputError("run folder " + folder
                + " holds no state to continue from; start a new run there instead"));
        if (!saved.recipe().equals(recipe) || saved.seed() != seed) {
            throw new InputError("run folder " + folder + " holds a run of another recipe or seed than the one asked"
                    + " for; continue it with the recipe and seed it was started with");
        }
        Holdout savedHoldout = saved.holdout() == 0 ? Holdout.NONE : new Holdout(saved.holdout(),
                saved.holdoutSeed());
        if (!savedHoldout.equals(data.holdout())) {
            throw new InputError("run folder " + folder + " holds a run that held out " + savedHoldout + ", not "
                    + data.holdout() + "; continue it with the holdout it was started with");
        }
        if (saved.worldSize() != replicas.size()) {
            throw new InputError("run folder " + folder + " holds a run trained by " + saved.worldSize()
                    + (saved.worldSize() == 1 ? " process" : " data-parallel processes") + ", not " + replicas.size()
                    + "; continue it with as many (each one's batchnorm statistics and share of the batch depend on"
                    + " them)");
        }
        if (saved.complete()) {
            throw new InputError("the run in " + folder + " already trained all its " + recipe.epochs()
                    + " epochs; nothing to continue");
        }
        return run(folder, saved);
    }

    private RunResult run(RunFolder folder, ResumeState saved) throws IOException {
        try {
            return new Trainer(this).run(folder, saved);
        } catch (IOException | RuntimeException e) {
            folder.discardIfEmpty();
            throw e;
        }
    }
}
