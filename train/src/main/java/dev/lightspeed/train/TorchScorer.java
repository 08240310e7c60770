package dev.lightspeed.train;

import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.report.ClassTally;
import dev.lightspeed.models.report.EvalReport;
import dev.lightspeed.models.report.Timings;
import dev.lightspeed.models.report.TtaMode;
import dev.lightspeed.models.trace.SpanNames;
import dev.lightspeed.models.trace.TraceRecorder;
import org.bytedeco.javacpp.PointerScope;
import org.bytedeco.pytorch.LongOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.io.IOException;
import java.nio.LongBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Scores a checkpoint with the trainer's own libtorch evaluation, timed like an ONNX Runtime evaluation, so the
 * two engines can be compared on the same model ({@code lightspeed eval --checkpoint}).
 */
public final class TorchScorer {

    private TorchScorer() {
    }

    /** A checkpoint read from disk, with the time that took (part of the "session" time of the report). */
    public record Loaded(Path file, Checkpoint checkpoint, double seconds) {

        public static Loaded read(Path file) {
            long start = System.nanoTime();
            Checkpoint checkpoint = Checkpoint.load(file);
            return new Loaded(file, checkpoint, (System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Scores and, given a {@code traceFile} (else {@code null}), writes a trace of the warm-up and measured
     * batches: a span per batch and inside it the operators libtorch's profiler recorded.
     */
    public static EvalReport evaluate(Loaded loaded, ImageSplit test, ComputeDevice device, int batchSize,
            int warmupBatches, boolean tta, Path traceFile) throws IOException {
        return evaluate(loaded, test, device, batchSize, warmupBatches, tta, Evaluation.EVERY_IMAGE, traceFile);
    }

    /**
     * As {@link #evaluate(Loaded, ImageSplit, ComputeDevice, int, int, boolean, Path)}, with {@code tta} scoring
     * the views on the {@code ttaFraction} least confident share of the test split only (selective TTA,
     * {@link Evaluation#logits(Network, Tensor, int, double, long)}); 1 gives every image every view. The share is
     * chosen over the whole split, so below 1 the split is timed as one pass (one "batch" of the report) run
     * {@code batchSize} images at a time.
     */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    public static EvalReport evaluate(Loaded loaded, ImageSplit test, ComputeDevice device, int batchSize,
            int warmupBatches, boolean tta, double ttaFraction, Path traceFile) throws IOException {
        if (!(ttaFraction > 0 && ttaFraction <= 1) || (!tta && ttaFraction != Evaluation.EVERY_IMAGE)) {
            throw new IllegalArgumentException("a tta fraction in (0, 1] goes with tta, got " + ttaFraction);
        }
        long start = System.nanoTime();
        Checkpoint checkpoint = loaded.checkpoint();
        Network network = Network.fromValues(checkpoint.architecture(), device, checkpoint.tensors());
        DeviceImages images = DeviceImages.upload(test, checkpoint.normalization(), device);
        device.synchronize();
        double loadSeconds = loaded.seconds() + (System.nanoTime() - start) / 1e9;
        int level = tta ? TtaMode.VIEWS.level() : TtaMode.NONE.level();
        TraceRecorder trace = traceFile == null ? null : new TraceRecorder();
        LibtorchProfiler profiler = null;
        if (trace != null) {
            trace.name("lightspeed eval", "scoring");
            profiler = LibtorchProfiler.startFor(trace, device);
        }

        long warmupStart = System.nanoTime();
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int b = 0; b < warmupBatches; b++) {
                try (PointerScope scope = new PointerScope()) {
                    long spanStart = trace == null ? 0 : TraceRecorder.now();
                    long first = (long) b * batchSize % test.count();
                    long size = Math.min(batchSize, test.count() - first);
                    Evaluation.logits(network, images.images().narrow(0, first, size), level, ttaFraction);
                    device.synchronize();
                    if (trace != null) {
                        trace.span(SpanNames.warmupBatch(b + 1), SpanNames.BATCH, spanStart, TraceRecorder.now(),
                                Map.of("images", size));
                    }
                }
            }
        }
        double warmupSeconds = (System.nanoTime() - warmupStart) / 1e9;

        ClassTally tally = new ClassTally(checkpoint.classes().size());
        List<Double> batchMillis = new ArrayList<>();
        long scoringStart = System.nanoTime();
        int timedUnit = ttaFraction < Evaluation.EVERY_IMAGE ? test.count() : batchSize;
        try (NoGradGuard noGrad = new NoGradGuard()) {
            for (int first = 0; first < test.count(); first += timedUnit) {
                int size = Math.min(timedUnit, test.count() - first);
                try (PointerScope scope = new PointerScope()) {
                    long spanStart = trace == null ? 0 : TraceRecorder.now();
                    long batchStart = System.nanoTime();
                    Tensor logits = Evaluation.logits(network, images.images().narrow(0, first, size), level,
                            ttaFraction, batchSize);
                    Tensor predicted = logits.argmax(new LongOptional(1), false).cpu().contiguous();
                    batchMillis.add((System.nanoTime() - batchStart) / 1e6);
                    if (trace != null) {
                        trace.span(SpanNames.batch(batchMillis.size()), SpanNames.BATCH, spanStart,
                                TraceRecorder.now(), Map.of("images", size));
                    }
                    LongBuffer predictions = (LongBuffer) predicted.createBuffer();
                    for (int i = 0; i < size; i++) {
                        tally.add(test.label(first + i), (int) predictions.get(i));
                    }
                }
            }
        }
        double scoringSeconds = (System.nanoTime() - scoringStart) / 1e9;
        if (trace != null) {
            if (profiler != null) {
                profiler.stopInto(trace);
            }
            trace.write(traceFile);
        }
        return EvalReport.of(loaded.file().toString(), device.precisionName(), "libtorch-" + device.kind(),
                org.bytedeco.pytorch.global.torch.get_num_threads(), batchSize,
                tta ? TtaMode.VIEWS : TtaMode.NONE, ttaFraction, tally, checkpoint.classes(),
                Timings.of(loadSeconds, warmupSeconds, warmupBatches, scoringSeconds, test.count(), batchMillis));
    }
}
