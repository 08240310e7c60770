package dev.lightspeed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.data.Cifar10;
import dev.lightspeed.infer.ExecutionProvider;
import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.trace.ChromeTrace;
import dev.lightspeed.models.trace.TraceEvent;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.lightspeed.cli.CommandLineRun.assertUsageError;
import static dev.lightspeed.cli.OnnxCommandFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class EvalCommandTest {

    private static final int TEST_IMAGES = 30;

    @TempDir
    static Path folder;

    private static Path data;
    private static Path plainModel;
    private static Path ttaModel;
    private static Path checkpoint;

    @BeforeAll
    static void exportModels() throws Exception {
        data = OnnxCommandFixtures.syntheticCifar(folder, TEST_IMAGES);
        checkpoint = OnnxCommandFixtures.checkpoint(folder, "model.safetensors");
        plainModel = folder.resolve("plain.onnx");
        ttaModel = folder.resolve("tta.onnx");
        assertEquals(0, run("export", "--checkpoint", checkpoint.toString(), "--out", plainModel.toString()).status());
        assertEquals(0, run("export", "--checkpoint", checkpoint.toString(), "--out", ttaModel.toString(), "--tta")
                .status());
    }

    @Test
    void reportsAccuracyPerClassAndTimings() {
        CommandLineRun.Outcome outcome = eval(plainModel, "--batch-size", "7", "--threads", "1");

        assertEquals(0, outcome.status(), outcome.err());
        assertTrue(outcome.out().contains("accuracy   "), outcome.out());
        assertTrue(outcome.out().matches("(?s).*accuracy +\\d+\\.\\d\\d % \\(\\d+ / 30\\).*"), outcome.out());
        for (String name : Cifar10.INFO.classes()) {
            assertTrue(outcome.out().contains("  " + name + " "), name + " missing from\n" + outcome.out());
        }
        assertTrue(outcome.out().contains("provider   cpu, 1 threads, batch 7"), outcome.out());
        assertTrue(outcome.out().contains("session    "), outcome.out());
        assertTrue(outcome.out().contains("warm-up    "), outcome.out());
        assertTrue(outcome.out().matches(
                "(?s).*images/s, batch latency p50 [\\d.]+ ms, p95 [\\d.]+ ms \\(5 batches\\).*"), outcome.out());
    }

    @Test
    void jsonReportIsMachineReadable() throws Exception {
        CommandLineRun.Outcome outcome = eval(plainModel, "--json", "--batch-size", "16");

        assertEquals(0, outcome.status(), outcome.err());
        JsonNode report = new ObjectMapper().readTree(outcome.out());
        assertEquals(TEST_IMAGES, report.get("images").asInt());
        assertEquals("none", report.get("tta").asText());
        double accuracy = report.get("accuracy").asDouble();
        assertEquals(report.get("correct").asDouble() / TEST_IMAGES, accuracy, 1e-12);
        int total = 0;
        for (JsonNode c : report.get("per_class")) {
            total += c.get("total").asInt();
        }
        assertEquals(TEST_IMAGES, total);
        assertEquals(2, report.get("timings").get("batches").asInt());
        assertTrue(report.get("timings").get("images_per_second").asDouble() > 0);
    }

    @Test
    void ttaIsScoredByViewsOnPlainModelAndByTheGraphOnTtaModel() throws Exception {
        JsonNode views = new ObjectMapper().readTree(eval(plainModel, "--json", "--tta").out());
        JsonNode graph = new ObjectMapper().readTree(eval(ttaModel, "--json").out());

        assertEquals("views", views.get("tta").asText());
        assertEquals("graph", graph.get("tta").asText());
        assertEquals(2, graph.get("tta_level").asInt());
        // Same network, same views, same average: the same predictions.
        assertEquals(views.get("correct").asInt(), graph.get("correct").asInt());
    }

    @Test
    void ttaFlagOnTtaModelIsUsageError() {
        assertUsageError(eval(ttaModel, "--tta"), "lightspeed eval: --tta views cannot be fed to " + ttaModel
                + ": it already computes test-time augmentation in its graph");
    }

    @Test
    void ttaFractionGoesWithACheckpointAndTtaOnly() {
        String fraction = "needs --checkpoint and --tta";
        assertUsageError(run("eval", "--tta-fraction", "0.5"), fraction);
        assertUsageError(eval(plainModel, "--tta", "--tta-fraction", "0.5"), fraction);
        assertUsageError(eval(ttaModel, "--tta-fraction", "0.5"), fraction);
        assertUsageError(run("eval", "--checkpoint", checkpoint.toString(), "--data", data.toString(),
                "--tta-fraction", "0.5"), fraction);
        for (String bad : List.of("0", "-0.2", "1.5", "NaN")) {
            assertUsageError(run("eval", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--tta",
                    "--tta-fraction", bad), "--tta-fraction must be in (0, 1]");
        }
        assertUsageError(run("eval", "--checkpoint", checkpoint.toString(), "--data", data.toString(), "--tta",
                "--tta-fraction", "half"), "--tta-fraction expects a number in (0, 1], got 'half'");
    }

    @Test
    void aCheckpointScoredWithATtaFractionSaysSo() throws Exception {
        CommandLineRun.Outcome outcome = run("eval", "--checkpoint", checkpoint.toString(), "--data",
                data.toString(), "--device", "cpu", "--precision", "fp32", "--tta", "--tta-fraction", "0.3");
        assertEquals(0, outcome.status(), outcome.err());
        assertTrue(outcome.out().contains("test-time augmentation: level 2, views fed by eval to the least confident"
                + " 30 % of each batch"), outcome.out());
        JsonNode report = new ObjectMapper().readTree(run("eval", "--checkpoint", checkpoint.toString(), "--data",
                data.toString(), "--device", "cpu", "--precision", "fp32", "--tta", "--tta-fraction", "0.3",
                "--json").out());
        assertEquals("views", report.get("tta").asText());
        assertEquals(0.3, report.get("tta_fraction").asDouble());
        assertEquals(TEST_IMAGES, report.get("images").asInt());
    }

    @Test
    void weightsFlagOnAnOnnxModelIsUsageError() {
        assertUsageError(eval(plainModel, "--weights", "ema"), "drop --weights or evaluate the --checkpoint");
    }

    @Test
    void missingModelIsUsageError() {
        assertUsageError(eval(folder.resolve("absent.onnx")), "does not exist");
        assertUsageError(run("eval", "--data", data.toString()), "--model FILE is required");
    }

    @Test
    void fileThatIsNotOnnxIsUsageError() throws Exception {
        Path text = Files.writeString(folder.resolve("readme.onnx"), "hello\n");

        assertUsageError(eval(text), "is not a usable ONNX model");
    }

    @Test
    void modelWithWrongInputShapeIsUsageError() throws Exception {
        Path model = OnnxCommandFixtures.grayModel(folder);

        assertUsageError(eval(model), "takes 1×28×28 images but the data's are 3×32×32");
    }

    @Test
    void modelWithWrongClassCountIsUsageError() throws Exception {
        ArchitectureSpec hundred = ArchitectureSpec.airbench94().fittedTo(new ImageGeometry(3, 32), 100);
        Path checkpoint = OnnxCommandFixtures.checkpoint(folder, "hundred.safetensors", hundred,
                OnnxCommandFixtures.numberedClasses(100), Cifar10.INFO.normalization());
        Path model = folder.resolve("hundred.onnx");
        assertEquals(0, run("export", "--checkpoint", checkpoint.toString(), "--out", model.toString()).status());

        assertUsageError(eval(model), "outputs 100 classes but the data has 10");
    }

    @Test
    void unknownProviderIsUsageError() {
        assertUsageError(eval(plainModel, "--provider", "tpu"),
                "unknown provider 'tpu'; choose one of cpu, cuda, tensorrt");
    }

    @Test
    void unavailableProviderListsAvailableOnes() {
        assumeFalse(ExecutionProvider.available().contains(ExecutionProvider.CUDA), "this build has CUDA");

        assertUsageError(eval(plainModel, "--provider", "cuda"), "lightspeed eval: --provider cuda is not available "
                + "in this build; available: cpu");
        assertUsageError(eval(plainModel, "--provider", "tensorrt"), "available: cpu");
    }

    @Test
    void missingDataFolderIsUsageError() {
        assertUsageError(run("eval", "--model", plainModel.toString(), "--data", folder.resolve("nowhere").toString()),
                "does not exist");
    }

    @Test
    void profileOutTracesEitherEngineInsideTheBatchSpans() throws Exception {
        Path onnxTrace = folder.resolve("onnxruntime-trace.json");
        Path torchTrace = folder.resolve("libtorch-trace.json");
        CommandLineRun.Outcome onnx = eval(plainModel, "--batch-size", "16", "--profile-out", onnxTrace.toString());
        assertEquals(0, onnx.status(), onnx.err());
        assertTrue(onnx.out().contains("trace: " + onnxTrace), onnx.out());
        CommandLineRun.Outcome torch = run("eval", "--checkpoint", checkpoint.toString(), "--data",
                data.toString(), "--device", "cpu", "--precision", "fp32", "--batch-size", "16", "--json",
                "--profile-out", torchTrace.toString());
        assertEquals(0, torch.status(), torch.err());
        // Where the trace went is said on standard error, beside the JSON report and not in it.
        assertEquals(TEST_IMAGES, new ObjectMapper().readTree(torch.out()).get("images").asInt());
        assertFalse(torch.out().contains("trace:"), torch.out());

        for (Path trace : List.of(onnxTrace, torchTrace)) {
            List<TraceEvent> events = ChromeTrace.read(trace).requireCompleteEvents();
            List<String> batches = events.stream().filter(e -> e.category().equals("batch")).map(TraceEvent::name)
                    .filter(n -> !n.startsWith("warm-up")).toList();
            assertEquals(List.of("batch 1", "batch 2"), batches, trace.toString());
        }
        assertTrue(ChromeTrace.read(onnxTrace).completeEvents().stream()
                .anyMatch(e -> e.category().equals("Node") && e.args().has("op_name")));
        assertTrue(ChromeTrace.read(torchTrace).completeEvents().stream()
                .anyMatch(e -> e.category().equals("cpu_op") && e.name().equals("aten::conv2d")));
    }

    @Test
    void anUnwritableProfileOutIsRefusedBeforeScoring() throws Exception {
        Path file = Files.writeString(folder.resolve("not-a-folder"), "text");
        Path underAFile = file.resolve("trace.json");
        assertUsageError(eval(plainModel, "--profile-out", underAFile.toString()),
                "cannot write --profile-out " + underAFile + ": " + file + " is not a writable folder");
        assertUsageError(run("eval", "--checkpoint", checkpoint.toString(), "--data", data.toString(),
                "--profile-out", folder.toString()), "it is a folder");
        assertFalse(Files.exists(underAFile));
    }

    private static CommandLineRun.Outcome eval(Path model, String... more) {
        String[] args = new String[5 + more.length];
        args[0] = "eval";
        args[1] = "--model";
        args[2] = model.toString();
        args[3] = "--data";
        args[4] = data.toString();
        System.arraycopy(more, 0, args, 5, more.length);
        return run(args);
    }
}
