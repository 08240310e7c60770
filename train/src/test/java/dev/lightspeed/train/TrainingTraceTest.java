package dev.lightspeed.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.RunInterrupted;
import dev.lightspeed.models.run.RunFolder;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainingTraceTest {

    private static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");
    /** Spans of the trainer and operators of libtorch come from one clock but are rounded to nanoseconds. */
    private static final double SLACK_MICROS = 0.01;

    /** A complete event as the file holds it. */
    private record Span(String name, String category, long tid, double start, double end, JsonNode args) {

        boolean contains(Span other) {
            return tid == other.tid && other.start >= start - SLACK_MICROS && other.end <= end + SLACK_MICROS;
        }
    }

    /** Whether libtorch's profiler was on when the listener heard of each step, by step number from 1. */
    private static Training training(Recipe recipe, TraceRequest trace) {
        return Training.of(recipe, TinyRun.data()).withSeed(1).withDevice(FP32).withEvalBatch(50).withTrace(trace);
    }

    private static Map<Integer, Boolean> profilerOnAtEachStep(Training training, Path out) throws Exception {
        Map<Integer, Boolean> on = new TreeMap<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void step(int epoch, int stepInEpoch, int stepsPerEpoch) {
                on.put(epoch * stepsPerEpoch + stepInEpoch, torch.profilerEnabled());
            }
        };
        training.withListener(listener).start(RunFolder.create(out));
        return on;
    }

    @Test
    void withoutATraceNoProfilerRunsAndNoCallbackIsRegistered(@TempDir Path dir) throws Exception {
        Threads.configure(0);
        Map<Integer, Boolean> callbacks = new TreeMap<>();
        TrainingListener listener = new TrainingListener() {
            @Override
            public void step(int epoch, int stepInEpoch, int stepsPerEpoch) {
                callbacks.put(epoch * stepsPerEpoch + stepInEpoch, torch.profilerEnabled() || torch.hasCallbacks());
            }
        };
        training(TinyRun.recipe().with("epochs", "1"), null).withListener(listener)
                .start(RunFolder.create(dir.resolve("run")));
        assertEquals(4, callbacks.size());
        assertFalse(callbacks.containsValue(true), "profiler or record-function callbacks at steps " + callbacks);
        assertFalse(Files.exists(dir.resolve("run").resolve("profile.json")));
    }

    @Test
    void theTraceCoversItsStepsNestsPhasesInStepsAndOperatorsInPhases(@TempDir Path dir) throws Exception {
        assertTrue(LibtorchProfiler.unavailable().isEmpty(), () -> LibtorchProfiler.unavailable().orElseThrow());
        Threads.configure(0);
        Path file = dir.resolve("trace.json");
        // Steps 3-6 of 2 epochs of 4: step 4 ends the first epoch, so its evaluation is in the window too.
        Training config = training(TinyRun.recipe(), new TraceRequest(file, new ProfileSteps(3, 6)));
        Map<Integer, Boolean> on = profilerOnAtEachStep(config, dir.resolve("run"));
        // The listener hears of a step after it: recording goes on through 3, 4 (then evaluation) and 5, and is
        // over once step 6 is.
        assertEquals(Map.of(1, false, 2, false, 3, true, 4, true, 5, true, 6, false, 7, false, 8, false), on);

        JsonNode root = new ObjectMapper().readTree(file.toFile());
        assertEquals("ms", root.get("displayTimeUnit").asText());
        List<Span> spans = new ArrayList<>();
        for (JsonNode event : root.get("traceEvents")) {
            assertTrue(event.hasNonNull("name") && event.hasNonNull("ph"), event.toString());
            if (!event.get("ph").asText().equals("X")) {
                continue;
            }
            for (String field : List.of("ts", "dur", "pid", "tid")) {
                assertTrue(event.get(field).isNumber(), field + " of " + event);
            }
            double start = event.get("ts").asDouble();
            spans.add(new Span(event.get("name").asText(), event.path("cat").asText(), event.get("tid").asLong(),
                    start, start + event.get("dur").asDouble(), event.path("args")));
        }
        Map<Integer, Span> steps = new HashMap<>();
        List<Span> phases = new ArrayList<>();
        List<Span> operators = new ArrayList<>();
        for (Span span : spans) {
            switch (span.category()) {
                case "step" -> steps.put(span.args().get("step").asInt(), span);
                case "phase" -> phases.add(span);
                case "cpu_op" -> operators.add(span);
                default -> { }
            }
        }
        assertEquals(Set.of(3, 4, 5, 6), steps.keySet());
        steps.forEach((n, step) -> assertEquals("step " + n, step.name()));
        assertTrue(phases.stream().anyMatch(p -> p.name().equals("eval") && !p.args().has("step")),
                "the evaluation after step 4");

        Map<Integer, Set<String>> phasesOfStep = new TreeMap<>();
        for (Span phase : phases) {
            if (phase.args().has("step")) {
                int n = phase.args().get("step").asInt();
                assertTrue(steps.get(n).contains(phase), phase + " outside " + steps.get(n));
                phasesOfStep.computeIfAbsent(n, k -> new TreeSet<>()).add(phase.name());
            }
        }
        Set<String> fourPhases = Set.of("data", "forward", "backward", "optimizer");
        assertEquals(Map.of(3, fourPhases, 4, fourPhases, 5, fourPhases, 6, fourPhases), phasesOfStep);

        // libtorch's operators, with their input shapes, on the trainer's track and inside its phases.
        assertTrue(operators.size() > 100, operators.size() + " operators");
        assertTrue(operators.stream().anyMatch(o -> o.name().equals("aten::convolution_backward")));
        Span convolution = operators.stream().filter(o -> o.name().equals("aten::conv2d")).findFirst().orElseThrow();
        assertEquals(4, convolution.args().get("Input Dims").get(0).size(), convolution.args().toString());
        int inSteps = 0;
        for (Span operator : operators) {
            boolean inAStep = steps.values().stream().anyMatch(s -> s.contains(operator));
            if (inAStep) {
                inSteps++;
                assertTrue(phases.stream().anyMatch(p -> p.args().has("step") && p.contains(operator)),
                        operator + " inside a step but outside its phases");
            }
        }
        assertTrue(inSteps > 100, inSteps + " operators inside steps");
    }

    @Test
    void aRunStoppedInsideTheWindowWritesWhatItRecorded(@TempDir Path dir) throws Exception {
        Threads.configure(0);
        Path file = dir.resolve("trace.json");
        Training config = training(TinyRun.recipe(), new TraceRequest(file, new ProfileSteps(1, 8)));
        int[] steps = {0};
        TrainingListener counter = new TrainingListener() {
            @Override
            public void step(int epoch, int stepInEpoch, int stepsPerEpoch) {
                steps[0]++;
            }
        };
        assertThrows(RunInterrupted.class, () -> config.withListener(counter).withStopRequest(() -> steps[0] >= 2)
                .start(RunFolder.create(dir.resolve("run"))));
        assertFalse(torch.profilerEnabled());
        JsonNode root = new ObjectMapper().readTree(file.toFile());
        List<String> stepNames = new ArrayList<>();
        root.get("traceEvents").forEach(e -> {
            if (e.path("cat").asText().equals("step")) {
                stepNames.add(e.get("name").asText());
            }
        });
        assertEquals(List.of("step 1", "step 2"), stepNames);
        assertTrue(root.get("otherData").get("stopped").asText().contains("after step 2"));
    }

    @Test
    void stepWindowsAreReadAndCheckedAgainstTheRun() {
        assertEquals(new ProfileSteps(20, 30), ProfileSteps.parse("20-30"));
        assertEquals(new ProfileSteps(7, 7), ProfileSteps.parse(" 7-7 "));
        for (String bad : List.of("30-20", "0-5", "5", "a-b", "1-2-3", "-3-4", "")) {
            InputError error = assertThrows(InputError.class, () -> ProfileSteps.parse(bad), bad);
            assertTrue(error.getMessage().startsWith("profile-steps takes FIRST-LAST"), error.getMessage());
            assertFalse(error.getMessage().contains("\n"));
        }
        assertEquals(new ProfileSteps(10, 20), ProfileSteps.defaultFor(970, 1));
        assertEquals(new ProfileSteps(5, 15), ProfileSteps.defaultFor(15, 1));
        assertEquals(new ProfileSteps(1, 8), ProfileSteps.defaultFor(8, 1));
        assertEquals(new ProfileSteps(1, 1), ProfileSteps.defaultFor(1, 1));
        // A resumed run: the window starts where the run continues, as far as the run goes.
        assertEquals(new ProfileSteps(98, 108), ProfileSteps.defaultFor(970, 98));
        assertEquals(new ProfileSteps(965, 970), ProfileSteps.defaultFor(970, 965));

        new ProfileSteps(3, 8).requireWithin(8, 1);
        String past = assertThrows(InputError.class, () -> new ProfileSteps(5, 9).requireWithin(8, 1)).getMessage();
        assertEquals("profile-steps 5-9 lies outside the run, whose steps are 1-8; choose steps within it", past);
        String trained = assertThrows(InputError.class, () -> new ProfileSteps(2, 4).requireWithin(8, 5))
                .getMessage();
        assertTrue(trained.contains("continues at step 5"), trained);
    }

    @Test
    void aWindowOutsideTheRunIsRefusedBeforeTraining(@TempDir Path dir) {
        Training config = training(TinyRun.recipe(), new TraceRequest(dir.resolve("trace.json"), new ProfileSteps(5, 9)));
        int[] steps = {0};
        TrainingListener counter = new TrainingListener() {
            @Override
            public void step(int epoch, int stepInEpoch, int stepsPerEpoch) {
                steps[0]++;
            }
        };
        assertThrows(InputError.class, () -> config.withListener(counter).start(RunFolder.create(dir.resolve("run"))));
        assertEquals(0, steps[0]);
    }
}
