package dev.lightspeed.export;

import dev.lightspeed.models.Checkpoint;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The reference ONNX checker with full shape inference accepts every exported graph. Uses Debian's python3-onnx
 * through /usr/bin/python3 (not whatever python3 is first on PATH); skipped, with the reason shown, where that is
 * not installed.
 */
class OnnxCheckerTest {

    private static final Path PYTHON = Path.of("/usr/bin/python3");
    private static final String CHECK = String.join("\n",
            "import sys, onnx",
            "model = onnx.load(sys.argv[1])",
            "onnx.checker.check_model(model, full_check=True)",
            "inferred = onnx.shape_inference.infer_shapes(model, check_type=True, strict_mode=True)",
            "out = inferred.graph.output[0].type.tensor_type",
            "dims = [d.dim_param or d.dim_value for d in out.shape.dim]",
            "print('ok', onnx.__version__, out.elem_type, dims)");

    @TempDir
    Path folder;

    @BeforeAll
    static void requireChecker() throws Exception {
        boolean available = Files.isExecutable(PYTHON)
                && run(List.of(PYTHON.toString(), "-c", "import onnx")).exitCode == 0;
        if (!available) {
            System.err.println("SKIPPED OnnxCheckerTest: the reference ONNX checker is not installed "
                    + "(apt-get install python3-onnx gives it to " + PYTHON + ")");
        }
        Assumptions.assumeTrue(available, "python3-onnx is not installed for " + PYTHON
                + "; apt-get install python3-onnx to run the reference ONNX checker");
    }

    @ParameterizedTest(name = "{0}, tta={1}")
    @CsvSource({"airbench94, false", "airbench94, true", "resnet9, false", "resnet9, true"})
    void referenceCheckerAcceptsModelWithFullShapeInference(String network, boolean tta) throws Exception {
        Path model = folder.resolve("model.onnx");
        OnnxExporter.export(checkpoint(network), model, ExportOptions.defaults().withTta(tta));

        Outcome outcome = run(List.of(PYTHON.toString(), "-c", CHECK, model.toString()));

        assertEquals(0, outcome.exitCode, "onnx.checker rejected the model:\n" + outcome.output);
        // FLOAT (1), [N, 10]: the checker's own inference agrees with the declared output.
        assertEquals("ok", outcome.output.strip().split(" ")[0], outcome.output);
        assertEquals("1 ['N', 10]", outcome.output.strip().replaceFirst("^ok \\S+ ", ""), outcome.output);
    }

    @ParameterizedTest(name = "{0} int8, tta={1}")
    @CsvSource({"airbench94, false", "airbench94, true", "resnet9, false", "resnet9, true"})
    void referenceCheckerAcceptsInt8ModelWhereItKnowsOpset20(String network, boolean tta) throws Exception {
        Outcome opsets = run(List.of(PYTHON.toString(), "-c", "import onnx.defs; print(onnx.defs.onnx_opset_version())"));
        int newest = Integer.parseInt(opsets.output.strip());
        if (newest < NetworkGraph.GELU_OPSET) {
            System.err.println("SKIPPED int8 check: the installed ONNX checker knows opsets up to " + newest
                    + ", the int8 graph needs " + NetworkGraph.GELU_OPSET + " (onnx 1.15 or later)");
        }
        Assumptions.assumeTrue(newest >= NetworkGraph.GELU_OPSET, "the installed onnx knows opsets up to " + newest);
        Checkpoint checkpoint = checkpoint(network);
        Map<String, ActivationRange> ranges = new HashMap<>();
        OnnxExporter.calibrationModel(checkpoint).activations()
                .forEach(name -> ranges.put(name, new ActivationRange(-1f, 1f)));
        Path model = folder.resolve("model-int8.onnx");
        OnnxExporter.export(checkpoint, model, ExportOptions.defaults().withPrecision(Precision.INT8).withTta(tta),
                new Calibration(ranges, 1));

        Outcome outcome = run(List.of(PYTHON.toString(), "-c", CHECK, model.toString()));

        assertEquals(0, outcome.exitCode, "onnx.checker rejected the int8 model:\n" + outcome.output);
        assertEquals("1 ['N', 10]", outcome.output.strip().replaceFirst("^ok \\S+ ", ""), outcome.output);
    }

    /** A random checkpoint of airbench94, or of ResNet-9 at small widths. */
    private static Checkpoint checkpoint(String network) {
        return network.equals("resnet9") ? RandomCheckpoints.of(RandomCheckpoints.smallResnet9(), 3)
                : RandomCheckpoints.airbench94(3);
    }

    private record Outcome(int exitCode, String output) {
    }

    private static Outcome run(List<String> command) throws IOException, InterruptedException {
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(2, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            return new Outcome(-1, "timed out\n" + output);
        }
        return new Outcome(process.exitValue(), output);
    }
}
