package dev.lightspeed.infer;

import dev.lightspeed.data.Cifar10;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.data.Pixels;
import dev.lightspeed.models.InputError;

import java.util.ArrayList;
import java.util.List;

/** Scores a labelled CIFAR-10 split with a model and measures accuracy and speed. */
public final class Evaluator {

    private Evaluator() {
    }

    /**
     * Warms the session up on the first batch, then scores every image once in batches, timing each batch.
     *
     * @throws InputError when the model is not a CIFAR-10 classifier, the split is empty, or TTA views are asked
     *                    of a model whose graph already computes TTA
     */
    public static EvalReport evaluate(ScoringSession session, ImageSplit split, EvalSettings settings) {
        ModelInfo model = session.info();
        if (model.numClasses() != Cifar10.INFO.numClasses()) {
            throw new InputError(model.path() + " outputs " + model.numClasses() + " classes but CIFAR-10 has "
                    + Cifar10.INFO.numClasses() + "; pass a model trained on CIFAR-10");
        }
        if (split.count() == 0) {
            throw new InputError("the test split holds no images; check the --data folder");
        }
        TtaMode tta = ttaMode(model, settings.tta());
        int batchSize = Math.min(settings.batchSize(), split.count());
        float[] pixels = new float[batchSize * split.imageBytes()];

        long warmupStart = System.nanoTime();
        for (int i = 0; i < settings.warmupBatches(); i++) {
            Pixels.toUnitRange(split.images(), split.imageBytes(), 0, batchSize, pixels);
            score(session, tta, pixels, batchSize);
        }
        double warmupSeconds = seconds(warmupStart);

        int classes = model.numClasses();
        int[] correct = new int[classes];
        int[] total = new int[classes];
        List<Double> batchMillis = new ArrayList<>();
        long scoringStart = System.nanoTime();
        for (int first = 0; first < split.count(); first += batchSize) {
            int count = Math.min(batchSize, split.count() - first);
            Pixels.toUnitRange(split.images(), split.imageBytes(), first, count, pixels);
            long batchStart = System.nanoTime();
            float[] logits = score(session, tta, pixels, count);
            batchMillis.add((System.nanoTime() - batchStart) / 1e6);
            for (int i = 0; i < count; i++) {
                int label = split.label(first + i);
                total[label]++;
                if (argmax(logits, i * classes, classes) == label) {
                    correct[label]++;
                }
            }
        }
        double scoringSeconds = seconds(scoringStart);

        List<ClassAccuracy> perClass = new ArrayList<>();
        int allCorrect = 0;
        for (int c = 0; c < classes; c++) {
            perClass.add(new ClassAccuracy(model.classes().get(c), correct[c], total[c]));
            allCorrect += correct[c];
        }
        Timings timings = Timings.of(session.openSeconds(), warmupSeconds, settings.warmupBatches(), scoringSeconds,
                split.count(), batchMillis);
        return new EvalReport(model.path().toString(), model.precision(), session.settings().provider().optionName(),
                session.settings().threads(), batchSize, tta, split.count(), allCorrect, perClass, timings);
    }

    private static TtaMode ttaMode(ModelInfo model, boolean viewsRequested) {
        if (model.ttaLevel() > 0) {
            if (viewsRequested) {
                throw new InputError(model.path() + " already computes test-time augmentation in its graph (tta_level "
                        + model.ttaLevel() + " in its metadata); drop --tta, or export without --tta to feed views");
            }
            return TtaMode.IN_GRAPH;
        }
        return viewsRequested ? TtaMode.VIEWS : TtaMode.NONE;
    }

    /** Logits of {@code count} images, averaged over the TTA views when this evaluation feeds them. */
    static float[] score(ScoringSession session, TtaMode tta, float[] pixels, int count) {
        if (tta != TtaMode.VIEWS) {
            return session.logits(pixels, count);
        }
        float[][] views = TtaViews.views(pixels, count, ScoringSession.CHANNELS, ScoringSession.IMAGE_SIZE);
        float[][] viewLogits = new float[views.length][];
        for (int v = 0; v < views.length; v++) {
            viewLogits[v] = session.logits(views[v], count);
        }
        return TtaViews.combine(viewLogits, count, session.info().numClasses());
    }

    static int argmax(float[] values, int offset, int length) {
        int best = 0;
        for (int i = 1; i < length; i++) {
            if (values[offset + i] > values[offset + best]) {
                best = i;
            }
        }
        return best;
    }

    private static double seconds(long start) {
        return (System.nanoTime() - start) / 1e9;
    }
}
