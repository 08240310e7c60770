package dev.lightspeed.cli;

import dev.lightspeed.cli.CommandLineRun.Outcome;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.models.run.RunFolder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Train, export, evaluate and predict on image folders, the classes and image size carried by the model. */
class ImageFolderCommandsTest {

    private static Outcome run(String... args) {
        return CommandLineRun.run(err -> List.of(new TrainCommand(), new ExportCommand(), new EvalCommand(),
                new PredictCommand(err)), args);
    }

    private static Path colourFolder(Path root) throws Exception {
        return ColourFolder.write(root, 40, 10);
    }

    /** airbench-folder64 with a narrow network: what is checked here does not depend on its width. */
    private static Path narrowRecipe(Path dir, int epochs, int batch) throws Exception {
        return Files.writeString(dir.resolve("narrow.json"), "{\"base\": \"airbench-folder64\", \"epochs\": " + epochs
                + ", \"batch-size\": " + batch + ", \"whitening-samples\": 100, \"translate\": 2,"
                + " \"block-widths\": [8, 16, 16]}");
    }

    @Test
    void aModelTrainedOnAFolderCarriesItsClassesAndImageSizeToEvalAndPredict(@TempDir Path dir) throws Exception {
        Path data = colourFolder(dir.resolve("colours"));
        String cache = dir.resolve("cache").toString();
        Path run = dir.resolve("run");
        Path onnx = dir.resolve("colours.onnx");
        Outcome trained = run("train", "--data", data.toString(), "--image-size", "16", "--cache-dir", cache,
                "--recipe", narrowRecipe(dir, 4, 30).toString(), "--out", run.toString(), "--export", onnx.toString());
        assertEquals(Main.OK, trained.status(), trained.err());
        assertTrue(trained.out().contains("network fitted to colours: 3×16×16 images, 3 classes"), trained.out());
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        assertEquals("colours", summary.get("dataset").asText());
        assertTrue(summary.get("tta_test_acc").asDouble() > 0.6, "colours are easy: " + summary);

        Outcome evaluated = run("eval", "--model", onnx.toString(), "--data", data.toString(), "--cache-dir", cache);
        assertEquals(Main.OK, evaluated.status(), evaluated.err());
        assertTrue(evaluated.out().contains("owl"), evaluated.out());

        Outcome checkpointEval = run("eval", "--checkpoint", RunFolder.open(run).model().toString(), "--data",
                data.toString(), "--cache-dir", cache);
        assertEquals(Main.OK, checkpointEval.status(), checkpointEval.err());

        Path owl = data.resolve("val/owl/0.png");
        Outcome predicted = run("predict", "--model", onnx.toString(), owl.toString());
        assertEquals(Main.OK, predicted.status(), predicted.err());
        assertTrue(predicted.out().contains("owl"), predicted.out());

        // Another image size than the model's is refused, not silently resized.
        Outcome otherSize = run("eval", "--model", onnx.toString(), "--data", data.toString(), "--image-size", "24",
                "--cache-dir", cache);
        assertEquals(Main.USAGE, otherSize.status(), otherSize.err());
        assertTrue(otherSize.err().contains("takes 3×16×16 images"), otherSize.err());
        assertEquals(1, otherSize.err().lines().count(), otherSize.err());
    }

    @Test
    void badFoldersAreOneLineErrors(@TempDir Path dir) throws Exception {
        Path empty = Files.createDirectories(dir.resolve("no-train"));
        Outcome noTrain = run("train", "--dataset", "folder", "--data", empty.toString(), "--out",
                dir.resolve("run").toString(), "--cache-dir", dir.resolve("cache").toString());
        CommandLineRun.assertUsageError(noTrain, "has no train/ folder");
        Outcome labels = run("train", "--labels", "coarse", "--data", colourFolder(dir.resolve("c")).toString(),
                "--cache-dir", dir.resolve("cache").toString(), "--out", dir.resolve("run").toString());
        CommandLineRun.assertUsageError(labels, "--labels applies to cifar100 only");
        Outcome size = run("train", "--image-size", "4", "--data", dir.resolve("c").toString(), "--out",
                dir.resolve("run").toString());
        CommandLineRun.assertUsageError(size, "--image-size 4 is out of range");
        assertTrue(!Files.exists(dir.resolve("run")), "nothing is written for bad input");
    }

    @Test
    void aShortRunOnRealImagenetteLearnsWellAboveChance(@TempDir Path dir) throws Exception {
        Path imagenette = Path.of(System.getProperty("lightspeed.shared", "../shared")).resolve("imagenette-128");
        assumeTrue(Files.isDirectory(imagenette.resolve("train")), "real Imagenette not found at " + imagenette
                + "; skipping");
        Path run = dir.resolve("run");
        Outcome trained = run("train", "--data", imagenette.toString(), "--image-size", "32", "--cache-dir",
                dir.resolve("cache").toString(), "--recipe", narrowRecipe(dir, 2, 500).toString(), "--out",
                run.toString());
        assertEquals(Main.OK, trained.status(), trained.err());
        JsonNode summary = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
        // Ten classes: chance is 10 %.
        assertTrue(summary.get("test_acc").asDouble() > 0.3, "a short run should learn well above chance: " + summary);
    }
}
