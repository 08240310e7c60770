package dev.lightspeed.infer;

import dev.lightspeed.data.ClassifiedSplit;
import dev.lightspeed.data.ImageLoader;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.OnnxContract;
import dev.lightspeed.models.report.EvalReport;
import dev.lightspeed.models.trace.TraceRecorder;

import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Supplier;

/**
 * An ONNX image classifier, loaded and checked once, that scores images and evaluates datasets in ONNX Runtime: the
 * entry point for a program or service that embeds lightspeed's scoring. The model is one float32 input
 * [N, channels, size, size] of pixels in [0, 1] and float32 logits [N, classes] out, as {@link OnnxContract}
 * describes and {@code lightspeed export} writes; {@link #info()} tells its images and classes.
 *
 * <p><b>Threads.</b> One instance serves any number of threads at once, and is meant to: every call runs on the
 * same ONNX Runtime session (whose runs are thread-safe, so the model is in memory once) with input memory of its
 * own, so concurrent calls neither wait for one another nor see one another's data, and each returns what it would
 * return alone. Calls do share the session's CPU threads ({@link SessionSettings#threads()}).
 *
 * <p><b>Closing.</b> {@link #close()} waits for the calls in flight to return, then releases the session's native
 * memory. Calls that arrive once it has begun throw {@link IllegalStateException}; a second close does nothing.
 * {@link #info()} stays readable after closing. A call must not close its own classifier (from inside a call there
 * is nothing to wait for but itself).
 */
public final class OnnxClassifier implements AutoCloseable {

    /** Channels of the pixels {@link ImageLoader} decodes. */
    private static final int RGB = 3;

    private final ScoringSession session;
    /**
     * Calls hold the read side, any number at a time; closing and ending the profiler hold the write side, which
     * waits for the calls in flight. Fair, so that calls arriving after close has begun queue behind it and fail.
     */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock(true);
    /** Guarded by {@link #lock}. */
    private boolean closed;

    private OnnxClassifier(ScoringSession session) {
        this.session = session;
    }

    /**
     * Loads and checks a model to run on the CPU with one thread per available processor.
     *
     * @throws InputError when the file is missing, not ONNX, or not an image classifier of a shape lightspeed can
     *                    feed
     */
    public static OnnxClassifier open(Path model) {
        return open(model, SessionSettings.cpu());
    }

    /**
     * Loads and checks a model to run where {@code settings} say.
     *
     * @throws InputError when the file is missing, not ONNX, not an image classifier of a shape lightspeed can
     *                    feed, or the provider is unavailable
     */
    public static OnnxClassifier open(Path model, SessionSettings settings) {
        return new OnnxClassifier(ScoringSession.open(model, settings));
    }

    /**
     * As {@link #open(Path, SessionSettings)}, with ONNX Runtime's own profiler recording from the start (loading,
     * graph optimization, then every node of every run) until {@link #endProfilingInto}.
     */
    public static OnnxClassifier openProfiled(Path model, SessionSettings settings) {
        return new OnnxClassifier(ScoringSession.openProfiled(model, settings));
    }

    /** The model's images, classes and metadata, as read when it was opened. */
    public ModelInfo info() {
        return session.info();
    }

    /**
     * The {@code k} most probable classes of a PNG or JPEG file, most probable first, with their softmax
     * probabilities. The image is read as the {@code predict} command reads it: its central square, resized to the
     * model's size ({@link ImageLoader}).
     *
     * @param k how many classes to return; all of them when the model has fewer
     * @throws InputError when the file is no readable image, the model does not take RGB images, or {@code k} is
     *                    below 1
     */
    public List<ClassProbability> classify(Path imageFile, int k) {
        requirePositive(k);
        return whileOpen(() -> top(List.of(ImageLoader.load(imageFile, rgbSize())), k).get(0));
    }

    /**
     * The {@code k} most probable classes of a decoded image, as {@link #classify(Path, int)} gives them for a file
     * that decodes to it.
     */
    public List<ClassProbability> classify(BufferedImage image, int k) {
        requirePositive(k);
        return whileOpen(() -> top(List.of(ImageLoader.load(image, rgbSize())), k).get(0));
    }

    /**
     * The {@code k} most probable classes of each image, in the order of {@code images}.
     *
     * @param images each the NCHW floats in [0, 1] of one image of the model's {@link ModelInfo#geometry()}, as
     *               {@link ImageLoader} returns them
     * @throws IllegalArgumentException when an image has another number of values than the model takes
     */
    public List<List<ClassProbability>> classify(List<float[]> images, int k) {
        requirePositive(k);
        return whileOpen(() -> top(images, k));
    }

    /**
     * The raw logits of {@code count} images: NCHW pixels in [0, 1] of the model's {@link ModelInfo#geometry()} at
     * the start of {@code pixels}, scored in one session call.
     *
     * @return {@code count × classes} logits, row-major, in the order of {@link ModelInfo#classes()}
     * @throws IllegalArgumentException when {@code count} is below 1 or {@code pixels} holds fewer images
     */
    public float[] logits(float[] pixels, int count) {
        return whileOpen(() -> session.logits(pixels, count));
    }

    /**
     * Accuracy and speed on a labelled split: warm-up batches, then every image scored once in batches, each batch
     * timed. The model's classes and images must be the data's.
     *
     * @throws InputError when the model's classes or images are not the data's, the split is empty, or TTA views
     *                    are asked of a model whose graph already computes test-time augmentation
     */
    public EvalReport evaluate(ClassifiedSplit test, EvalSettings settings) {
        return evaluate(test, settings, null);
    }

    /** As {@link #evaluate(ClassifiedSplit, EvalSettings)}, with a span per batch recorded in {@code trace}. */
    public EvalReport evaluate(ClassifiedSplit test, EvalSettings settings, TraceRecorder trace) {
        return whileOpen(() -> Evaluator.evaluate(session, test, settings, trace));
    }

    /**
     * Stops the profiler of a classifier opened with {@link #openProfiled} and adds what it recorded to
     * {@code trace}, on {@code trace}'s clock. Waits for the calls in flight, as their runs are part of the record.
     *
     * @throws IllegalStateException when the classifier was not opened profiled, its profiling has ended, or it is
     *                               closed
     */
    public void endProfilingInto(TraceRecorder trace) throws IOException {
        Lock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            requireOpen();
            session.endProfilingInto(trace);
        } finally {
            exclusive.unlock();
        }
    }

    /** Waits for the calls in flight, then releases the model; does nothing the second time. */
    @Override
    public void close() {
        Lock exclusive = lock.writeLock();
        exclusive.lock();
        try {
            if (!closed) {
                closed = true;
                session.close();
            }
        } finally {
            exclusive.unlock();
        }
    }

    private <T> T whileOpen(Supplier<T> call) {
        Lock shared = lock.readLock();
        shared.lock();
        try {
            requireOpen();
            return call.get();
        } finally {
            shared.unlock();
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the classifier of " + session.info().path() + " is closed; open the "
                    + "model again to score with it");
        }
    }

    private List<List<ClassProbability>> top(List<float[]> images, int k) {
        return Predictor.topClasses(session, images, k);
    }

    /** The image size to read files at, for a model that takes RGB images as files decode to. */
    private int rgbSize() {
        ImageGeometry geometry = session.info().geometry();
        if (geometry.channels() != RGB) {
            throw new InputError(session.info().path() + " takes " + geometry + " images; images are read as RGB, "
                    + RGB + " channels");
        }
        return geometry.size();
    }

    private static void requirePositive(int k) {
        if (k < 1) {
            throw InputError.in("k", "k, the number of classes to return, must be 1 or more, got " + k);
        }
    }
}
