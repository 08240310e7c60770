package dev.lightspeed.infer;

import dev.lightspeed.data.ClassifiedSplit;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.data.Pixels;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.ModelFit;
import dev.lightspeed.models.report.ClassTally;
import dev.lightspeed.models.report.EvalReport;
import dev.lightspeed.models.report.Timings;
import dev.lightspeed.models.report.TtaMode;
import dev.lightspeed.models.trace.SpanNames;
import dev.lightspeed.models.trace.TraceRecorder;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Scores a labelled split with a model and measures accuracy and speed. */
final class Evaluator {

    private Evaluator() {
    }

    /**
     * Warms the session up on the first batch, then scores every image once in batches, timing each batch, with a
     * span per warm-up and measured batch recorded in {@code trace} (when not null).
     *
     * @throws InputError when the model's classes or images are not the data's, the split is empty, or TTA views
     *                    are asked of a model whose graph already computes TTA
     */
    static EvalReport evaluate(ScoringSession session, ClassifiedSplit test, EvalSettings settings,
            TraceRecorder trace) {
        ModelInfo model = session.info();
        ImageSplit split = test.images();
        List<String> classes = test.classes();
        ImageGeometry geometry = split.geometry();
        ModelFit.require(model.path(), model.numClasses(), model.namesClasses() ? model.classes() : null,
                model.geometry(), classes, geometry);
        if (split.count() == 0) {
            throw new InputError("the " + test.datasetName() + " split given to evaluate holds no images; pass a "
                    + "split with at least one image");
        }
        int imageValues = geometry.values();
        TtaMode tta = ttaMode(model, settings.tta());
        int batchSize = Math.min(settings.batchSize(), split.count());
        float[] pixels = new float[batchSize * imageValues];

        long warmupStart = System.nanoTime();
        for (int i = 0; i < settings.warmupBatches(); i++) {
            long spanStart = trace == null ? 0 : TraceRecorder.now();
            Pixels.toUnitRange(split.images(), imageValues, 0, batchSize, pixels);
            score(session, tta, pixels, batchSize);
            if (trace != null) {
                trace.span(SpanNames.warmupBatch(i + 1), SpanNames.BATCH, spanStart, TraceRecorder.now(),
                        Map.of("images", batchSize));
            }
        }
        double warmupSeconds = seconds(warmupStart);

        int classCount = classes.size();
        ClassTally tally = new ClassTally(classCount);
        List<Double> batchMillis = new ArrayList<>();
        long scoringStart = System.nanoTime();
        for (int first = 0; first < split.count(); first += batchSize) {
            int count = Math.min(batchSize, split.count() - first);
            long spanStart = trace == null ? 0 : TraceRecorder.now();
            Pixels.toUnitRange(split.images(), imageValues, first, count, pixels);
            long batchStart = System.nanoTime();
            float[] logits = score(session, tta, pixels, count);
            batchMillis.add((System.nanoTime() - batchStart) / 1e6);
            if (trace != null) {
                trace.span(SpanNames.batch(batchMillis.size()), SpanNames.BATCH, spanStart, TraceRecorder.now(),
                        Map.of("images", count));
            }
            for (int i = 0; i < count; i++) {
                tally.add(split.label(first + i), argmax(logits, i * classCount, classCount));
            }
        }
        double scoringSeconds = seconds(scoringStart);

        Timings timings = Timings.of(session.openSeconds(), warmupSeconds, settings.warmupBatches(), scoringSeconds,
                split.count(), batchMillis);
        return EvalReport.of(model.path().toString(), model.precision(), session.settings().provider().optionName(),
                session.settings().threads(), batchSize, tta, tally, classes, timings);
    }

    private static TtaMode ttaMode(ModelInfo model, boolean viewsRequested) {
        if (model.ttaLevel() > 0) {
            if (viewsRequested) {
                throw InputError.in("tta", "tta views cannot be fed to " + model.path() + ": it already computes "
                        + "test-time augmentation in its graph (tta_level " + model.ttaLevel() + " in its metadata); "
                        + "evaluate it without tta, or export the model without test-time augmentation to feed it "
                        + "views");
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
        ImageGeometry geometry = session.info().geometry();
        float[][] views = TtaViews.views(pixels, count, geometry.channels(), geometry.size());
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
