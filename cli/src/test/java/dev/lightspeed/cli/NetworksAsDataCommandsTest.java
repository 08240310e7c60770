package dev.lightspeed.cli;

import dev.lightspeed.cli.CommandLineRun.Outcome;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.layers.Layer;
import dev.lightspeed.models.run.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Networks other than airbench94 through every command a user runs: the resnet9 preset, a recipe file with a layer
 * list of its own, and a sweep over a network edit, each trained, exported, scored and asked to predict. The data
 * is a generated folder of coloured shapes (easy), the networks narrow: what is checked is that each works end to
 * end, not how well.
 */
class NetworksAsDataCommandsTest {

    private static Outcome run(String... args) {
        return CommandLineRun.run(err -> List.of(new TrainCommand(), new ExportCommand(), new EvalCommand(),
                new PredictCommand(err), new SweepCommand(Map.of())), args);
    }

    /** Train with {@code recipeArgs}, then export, eval (ONNX Runtime and libtorch) and predict one image. */
    private static Checkpoint trainExportEvalPredict(Path dir, Path data, String name, String... recipeArgs)
            throws Exception {
        String cache = dir.resolve("cache").toString();
        Path run = dir.resolve(name);
        List<String> train = new java.util.ArrayList<>(List.of("train", "--data", data.toString(), "--image-size",
                "16", "--cache-dir", cache, "--out", run.toString()));
        train.addAll(List.of(recipeArgs));
        Outcome trained = run(train.toArray(String[]::new));
        assertEquals(Main.OK, trained.status(), trained.err());
        Path model = RunFolder.open(run).model();
        Path onnx = dir.resolve(name + ".onnx");
        Outcome exported = run("export", "--checkpoint", model.toString(), "--out", onnx.toString());
        assertEquals(Main.OK, exported.status(), exported.err());
        Outcome onnxEval = run("eval", "--model", onnx.toString(), "--data", data.toString(), "--cache-dir", cache);
        assertEquals(Main.OK, onnxEval.status(), onnxEval.err());
        Outcome torchEval = run("eval", "--checkpoint", model.toString(), "--data", data.toString(), "--cache-dir",
                cache, "--precision", "fp32");
        assertEquals(Main.OK, torchEval.status(), torchEval.err());
        // With --top 1 exactly one of the model's class names is printed: the classes travelled into the model.
        Outcome predicted = run("predict", "--model", onnx.toString(), "--top", "1",
                data.resolve("val/owl/0.png").toString());
        assertEquals(Main.OK, predicted.status(), predicted.err());
        String prediction = predicted.out().substring(predicted.out().lastIndexOf(".png: ") + ".png: ".length());
        assertEquals(1, ColourFolder.CLASSES.stream().filter(prediction::contains).count(), predicted.out());
        return Checkpoint.load(model);
    }

    @Test
    void theResnet9PresetTrainsExportsScoresAndPredicts(@TempDir Path dir) throws Exception {
        Path data = ColourFolder.write(dir.resolve("colours"), 40, 10);
        Checkpoint resnet9 = trainExportEvalPredict(dir, data, "resnet9", "--preset", "resnet9", "--epochs", "3",
                "--batch-size", "30", "--set", "block-widths=8,8,16,16", "--set", "translate=2",
                "--set", "cutout=4");
        assertEquals("resnet9", resnet9.architecture().name());
        assertTrue(resnet9.tensors().containsKey("layer3.residual.conv2.weight"), resnet9.tensors().keySet()
                .toString());
    }

    @Test
    void aRecipeFileWithALayerListOfItsOwnTrainsExportsScoresAndPredicts(@TempDir Path dir) throws Exception {
        Path data = ColourFolder.write(dir.resolve("colours"), 40, 10);
        Path recipe = Files.writeString(dir.resolve("tiny.json"), """
                {"base": "airbench-folder64", "epochs": 3, "batch-size": 30, "translate": 2, "flip": "random",
                 "architecture": {"name": "tiny-net", "layers": [
                   {"type": "conv", "name": "stem", "width": 8, "bias": true},
                   {"type": "batchnorm", "name": "stem_norm"},
                   {"type": "activation", "function": "silu"},
                   {"type": "pool", "mode": "max", "size": 2},
                   {"type": "residual", "name": "res", "body": [
                     {"type": "conv", "name": "conv", "width": 8},
                     {"type": "batchnorm", "name": "norm", "scale": "frozen"},
                     {"type": "activation", "function": "celu", "alpha": 0.5}]},
                   {"type": "pool", "mode": "average", "size": 2},
                   {"type": "global-pool", "mode": "average"},
                   {"type": "linear", "name": "head", "bias": true, "scale": 0.5}]}}
                """);
        Checkpoint tiny = trainExportEvalPredict(dir, data, "tiny", "--recipe", recipe.toString());
        assertEquals("tiny-net", tiny.architecture().name());
        assertEquals(List.of("stem.weight", "stem.bias", "stem_norm.weight", "stem_norm.bias",
                "stem_norm.running_mean", "stem_norm.running_var", "res.conv.weight", "res.norm.bias",
                "res.norm.running_mean", "res.norm.running_var", "head.weight", "head.bias"),
                List.copyOf(tiny.tensors().keySet()));
    }

    @Test
    void aSweepOverANetworkEditTrainsEachVariantAndItsRunsExport(@TempDir Path dir) throws Exception {
        Path data = ColourFolder.write(dir.resolve("colours"), 30, 5);
        Path out = dir.resolve("sweep");
        Outcome swept = run("sweep", "--data", data.toString(), "--image-size", "16", "--cache-dir",
                dir.resolve("cache").toString(), "--preset", "airbench-folder64", "--set", "epochs=1", "--set",
                "batch-size=30", "--set", "whitening-samples=60", "--set", "translate=2", "--set",
                "block-widths=8,16,16", "--grid", "activation=relu,silu", "--grid", "whitening=on,off",
                "--holdout", "15", "--out", out.toString());
        assertEquals(Main.OK, swept.status(), swept.err());
        assertTrue(swept.out().contains("4 trained"), swept.out());
        Checkpoint plainRelu = Checkpoint.load(RunFolder.open(out.resolve("activation=relu_whitening=off/seed-0"))
                .model());
        assertFalse(plainRelu.architecture().whitening().isPresent(), "whitening=off trains a plain conv stem");
        assertTrue(plainRelu.architecture().layers().stream().filter(l -> l instanceof Layer.Activation)
                .allMatch(l -> ((Layer.Activation) l).function().equals("relu")));
        Path onnx = dir.resolve("relu-plain.onnx");
        Outcome exported = run("export", "--checkpoint", out.resolve("activation=relu_whitening=off/seed-0")
                .resolve("model.safetensors").toString(), "--out", onnx.toString(), "--precision", "int8",
                "--data", data.toString(), "--cache-dir", dir.resolve("cache").toString(), "--image-size", "16");
        assertEquals(Main.OK, exported.status(), exported.err());
        Outcome predicted = run("predict", "--model", onnx.toString(), data.resolve("val/owl/0.png").toString());
        assertEquals(Main.OK, predicted.status(), predicted.err());

        Outcome bad = run("sweep", "--data", data.toString(), "--image-size", "16", "--cache-dir",
                dir.resolve("cache").toString(), "--grid", "activation=relu,tanh", "--out",
                dir.resolve("bad").toString());
        CommandLineRun.assertUsageError(bad, "activation must be one of gelu, relu, celu, silu, identity");
        assertFalse(Files.exists(dir.resolve("bad")), "nothing is written before a bad axis is refused");
    }
}
