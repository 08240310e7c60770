package dev.lightspeed.train;

import dev.lightspeed.models.trace.SpanNames;
import dev.lightspeed.models.trace.TraceRecorder;

import java.io.IOException;
import java.util.Map;

/**
 * The trace of a run's profiled steps. From the start of the window's first step to the end of its last (or of
 * the evaluation after it, when that step ends an epoch) libtorch's profiler records every operator, and each phase
 * the {@link PhaseTimer} times becomes a span: data, forward, backward and optimizer inside a span per step, the
 * epoch's augmentation and the evaluation between steps. Written when the window closes, or when the run stops
 * inside it.
 */
final class TrainingTrace {

    private final TraceRequest request;
    private final ComputeDevice device;
    private final TraceRecorder recorder = new TraceRecorder();
    private LibtorchProfiler profiler;
    private boolean recording;
    private boolean written;
    /** The step being recorded, or 0 between steps. */
    private int step;
    private int lastRecordedStep;
    private long stepStart;
    private long lastPhaseEnd;

    TrainingTrace(TraceRequest request, ComputeDevice device) {
        this.request = request;
        this.device = device;
    }

    /** Called before each step (numbered from 1 over the run); starts recording at the window's first. */
    void beforeStep(int step, PhaseTimer timer) {
        if (!recording && !written && request.steps().contains(step)) {
            start(timer);
        }
        if (recording) {
            this.step = step;
            stepStart = timer.restartTrace();
        }
    }

    private void start(PhaseTimer timer) {
        device.synchronize();
        recorder.name("lightspeed train", "training");
        recorder.note("profiled steps", request.steps().toString());
        profiler = LibtorchProfiler.startFor(recorder, device);
        recording = true;
        timer.traceInto(this);
    }

    /** A phase the timer has timed while recording, in nanoseconds since the epoch. */
    void phase(String name, long start, long end) {
        recorder.span(name, SpanNames.PHASE, start, end, step == 0 ? Map.of() : Map.of(SpanNames.STEP, step));
        lastPhaseEnd = end;
    }

    /** Called after each step; closes the window after its last step unless an evaluation follows. */
    void afterStep(boolean endsEpoch, PhaseTimer timer) throws IOException {
        if (!recording) {
            return;
        }
        recorder.span(SpanNames.step(step), SpanNames.STEP, stepStart, lastPhaseEnd, Map.of(SpanNames.STEP, step));
        lastRecordedStep = step;
        step = 0;
        if (lastRecordedStep >= request.steps().last() && !endsEpoch) {
            finish(timer);
        }
    }

    /** Called after each epoch's evaluation; closes the window when its last step ended that epoch. */
    void afterEpoch(PhaseTimer timer) throws IOException {
        if (recording && lastRecordedStep >= request.steps().last()) {
            finish(timer);
        }
    }

    /** Writes what was recorded when the run stops inside the window. */
    void close(PhaseTimer timer) throws IOException {
        if (recording) {
            recorder.note("stopped", "the run stopped after step " + lastRecordedStep);
            finish(timer);
        }
    }

    private void finish(PhaseTimer timer) throws IOException {
        timer.traceInto(null);
        recording = false;
        written = true;
        if (profiler != null) {
            profiler.stopInto(recorder);
            profiler = null;
        }
        recorder.write(request.file());
    }
}
