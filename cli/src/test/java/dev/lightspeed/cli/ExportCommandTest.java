package dev.lightspeed.cli;

import dev.lightspeed.export.onnx.ModelProto;
import dev.lightspeed.models.OnnxContract;
import dev.lightspeed.models.SafeTensors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.stream.Stream;

import static dev.lightspeed.cli.OnnxCommandFixtures.run;
import static dev.lightspeed.cli.CommandLineRun.assertUsageError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExportCommandTest {

    @TempDir
    Path folder;

    @Test
    void exportsPlainAndTtaModels() throws Exception {
        Path checkpoint = OnnxCommandFixtures.checkpoint(folder, "model.safetensors");
        Path plain = folder.resolve("out/plain.onnx");
        Path tta = folder.resolve("out/tta.onnx");

        CommandLineRun.Outcome first = run("export", "--checkpoint", checkpoint.toString(), "--out",
                plain.toString());
        CommandLineRun.Outcome second = run("export", "--checkpoint", checkpoint.toString(), "--out",
                tta.toString(), "--tta", "--opset", "18");

        assertEquals(0, first.status(), first.err());
        assertTrue(first.out().startsWith("wrote " + plain), first.out());
        assertTrue(first.out().contains("opset 17, fp32, plain"), first.out());
        assertEquals(0, second.status(), second.err());
        assertTrue(second.out().contains("opset 18, fp32, test-time augmentation level 2 in the graph"), second.out());
        assertTrue(Files.size(plain) > 7_000_000, "airbench94 holds about 2 M float weights");
        assertTrue(Files.size(tta) > Files.size(plain));
    }

    @Test
    void defaultOutputSitsBesideTheCheckpoint() throws Exception {
        Path checkpoint = OnnxCommandFixtures.checkpoint(folder, "model.safetensors");

        CommandLineRun.Outcome outcome = run("export", "--checkpoint", checkpoint.toString(), "--tta");

        assertEquals(0, outcome.status(), outcome.err());
        assertTrue(Files.isRegularFile(folder.resolve("model-tta.onnx")));
    }

    @Test
    void missingCheckpointFlagIsUsageError() {
        CommandLineRun.Outcome outcome = run("export", "--out", folder.resolve("m.onnx").toString());

        assertUsageError(outcome, "lightspeed export: --checkpoint FILE is required");
    }

    @Test
    void missingCheckpointFileIsUsageError() {
        CommandLineRun.Outcome outcome = run("export", "--checkpoint", folder.resolve("absent.safetensors")
                .toString(), "--out", folder.resolve("m.onnx").toString());

        assertUsageError(outcome, "does not exist");
        assertFalse(Files.exists(folder.resolve("m.onnx")));
    }

    @Test
    void checkpointWhoseLayersThisVersionCannotBuildIsUsageError() throws Exception {
        Path good = OnnxCommandFixtures.checkpoint(folder, "good.safetensors");
        SafeTensors.Contents contents = SafeTensors.read(good);
        Map<String, String> meta = new LinkedHashMap<>(contents.metadata());
        meta.replaceAll((key, value) -> key.equals("architecture") || key.equals("recipe")
                ? value.replace("\"global-pool\"", "\"spatial-pyramid-pool\"") : value);
        Path checkpoint = folder.resolve("other.safetensors");
        SafeTensors.write(checkpoint, contents.tensors(), meta);

        CommandLineRun.Outcome outcome = run("export", "--checkpoint", checkpoint.toString(), "--out",
                folder.resolve("m.onnx").toString());

        assertUsageError(outcome, "unknown layer type 'spatial-pyramid-pool'");
        assertFalse(Files.exists(folder.resolve("m.onnx")));
    }

    @Test
    void unwritableOutputIsUsageErrorAndLeavesNothing() throws Exception {
        Path checkpoint = OnnxCommandFixtures.checkpoint(folder, "model.safetensors");
        Path blocker = Files.writeString(folder.resolve("not-a-folder"), "x");

        CommandLineRun.Outcome outcome = run("export", "--checkpoint", checkpoint.toString(), "--out",
                blocker.resolve("model.onnx").toString());

        assertUsageError(outcome, "cannot write ONNX model");
        try (Stream<Path> files = Files.list(folder)) {
            assertEquals(List.of("model.safetensors", "not-a-folder"),
                    files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }

    @Test
    void unsupportedOpsetIsUsageError() throws Exception {
        Path checkpoint = OnnxCommandFixtures.checkpoint(folder, "model.safetensors");

        CommandLineRun.Outcome outcome = run("export", "--checkpoint", checkpoint.toString(), "--opset", "13");

        assertUsageError(outcome, "--opset 13 is not supported; choose 17 to 21");
    }

    @Test
    void averagedWeightsOfARunWithoutThemAreUsageError() throws Exception {
        Path checkpoint = OnnxCommandFixtures.checkpoint(folder, "model.safetensors");

        CommandLineRun.Outcome outcome = run("export", "--checkpoint", checkpoint.toString(), "--weights", "ema");

        assertUsageError(outcome, "--weights ema: this checkpoint holds no averaged weights");
        assertUsageError(run("export", "--checkpoint", checkpoint.toString(), "--weights", "mean"),
                "--weights expects live or ema");
    }

    @Test
    void int8ExportCalibratesOnTrainingImagesAndScores() throws Exception {
        Path checkpoint = OnnxCommandFixtures.checkpoint(folder, "model.safetensors");
        Path data = OnnxCommandFixtures.syntheticCifar(folder, 20);

        CommandLineRun.Outcome export = run("export", "--checkpoint", checkpoint.toString(), "--precision",
                "int8", "--calibration-images", "8", "--data", data.toString());
        Path model = folder.resolve("model-int8.onnx");
        CommandLineRun.Outcome eval = run("eval", "--model", model.toString(), "--data", data.toString(),
                "--json");

        assertEquals(0, export.status(), export.err());
        assertTrue(export.out().contains("opset 20, int8 (reduced weight range ±63, calibrated on 8 training images)"),
                export.out());
        assertEquals("reduced", onnxMetadata(model).get(OnnxContract.KEY_INT8_WEIGHTS));
        assertTrue(Files.size(model) < 3_000_000, "int8 weights take a quarter of float's 8 MB");
        assertEquals(0, eval.status(), eval.err());
        assertTrue(eval.out().contains("\"images\" : 20"), eval.out());
        assertTrue(eval.out().contains("\"precision\" : \"int8\""), eval.out());
    }

    @Test
    void int8FlagsAreCheckedBeforeAnyWork() throws Exception {
        Path checkpoint = OnnxCommandFixtures.checkpoint(folder, "model.safetensors");
        Path data = OnnxCommandFixtures.syntheticCifar(folder, 5);
        String path = checkpoint.toString();

        assertUsageError(run("export", "--checkpoint", path, "--precision", "int4"),
                "unknown precision 'int4'; choose one of fp32, int8");
        assertUsageError(run("export", "--checkpoint", path, "--precision", "int8", "--opset", "17"),
                "--opset 17 is too old for an int8 export, which needs opset 20 or later");
        assertUsageError(run("export", "--checkpoint", path, "--calibration-images", "8"),
                "--calibration-images, --data and --download calibrate an int8 export");
        assertUsageError(run("export", "--checkpoint", path, "--precision", "int8", "--calibration-images", "0"),
                "--calibration-images must be at least 1");
        assertUsageError(run("export", "--checkpoint", path, "--precision", "int8", "--calibration-images", "11",
                "--data", data.toString()), "--calibration-images 11 is more than the 10 training images");
        try (Stream<Path> files = Files.list(folder)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".onnx")), "a refused export writes nothing");
        }
    }

    @Test
    void int8WeightRangeIsCheckedBeforeAnyWork() throws Exception {
        Path checkpoint = OnnxCommandFixtures.checkpoint(folder, "model.safetensors");
        String path = checkpoint.toString();

        assertUsageError(run("export", "--checkpoint", path, "--precision", "int8", "--int8-weights", "7bit"),
                "unknown int8 weight range '7bit'; choose one of reduced, full");
        assertUsageError(run("export", "--checkpoint", path, "--int8-weights", "full"),
                "--int8-weights sets the weight range of an int8 export; add --precision int8 or leave it out");
        assertUsageError(run("export", "--checkpoint", path, "--precision", "fp32", "--int8-weights", "reduced"),
                "--int8-weights sets the weight range of an int8 export");
        try (Stream<Path> files = Files.list(folder)) {
            assertTrue(files.noneMatch(p -> p.toString().endsWith(".onnx")), "a refused export writes nothing");
        }
    }

    @Test
    void fullInt8WeightRangeIsWrittenAndRecorded() throws Exception {
        Path checkpoint = OnnxCommandFixtures.checkpoint(folder, "model.safetensors");
        Path data = OnnxCommandFixtures.syntheticCifar(folder, 10);
        Path model = folder.resolve("full.onnx");

        CommandLineRun.Outcome export = run("export", "--checkpoint", checkpoint.toString(), "--out",
                model.toString(), "--precision", "int8", "--int8-weights", "full", "--calibration-images", "4",
                "--data", data.toString());

        assertEquals(0, export.status(), export.err());
        assertTrue(export.out().contains("int8 (full weight range ±127, calibrated on 4 training images)"),
                export.out());
        assertEquals("full", onnxMetadata(model).get(OnnxContract.KEY_INT8_WEIGHTS));
        assertEquals("int8", onnxMetadata(model).get(OnnxContract.KEY_PRECISION));
    }

    private static Map<String, String> onnxMetadata(Path model) throws Exception {
        Map<String, String> values = new LinkedHashMap<>();
        ModelProto.parseFrom(Files.readAllBytes(model)).getMetadataPropsList()
                .forEach(p -> values.put(p.getKey(), p.getValue()));
        return values;
    }

}
