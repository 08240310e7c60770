package dev.lightspeed.cli;

import dev.lightspeed.export.ExportResult;
import dev.lightspeed.export.Precision;
import dev.lightspeed.train.SyntheticData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Bad input to {@code lightspeed train}: one line, status 2, nothing written, all before any training. */
class TrainCommandTest {

    private record Outcome(int status, String out, String err) {
    }

    private static Outcome run(String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Main(List.of(new TrainCommand())).run(args,
                new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static String realData() {
        String folder = System.getProperty("lightspeed.cifar10", System.getenv("LIGHTSPEED_CIFAR10"));
        assumeTrue(folder != null && Files.isDirectory(Path.of(folder)), "real CIFAR-10 not found; skipping");
        return folder;
    }

    private static void assertUsageError(Outcome outcome, String fragment) {
        assertEquals(Main.USAGE, outcome.status(), outcome.err());
        assertEquals(1, outcome.err().lines().count(), "one line: " + outcome.err());
        assertTrue(outcome.err().contains(fragment), outcome.err());
        assertFalse(outcome.err().contains("Exception"), outcome.err());
    }

    @Test
    void helpListsTheRecipeFlags() {
        Outcome outcome = run("train", "--help");
        assertEquals(Main.OK, outcome.status());
        for (String flag : new String[] {"--epochs", "--batch-size", "--lr-scale", "--seed", "--runs", "--device",
                "--out", "--resume", "--export", "--set"}) {
            assertTrue(outcome.out().contains(flag), flag);
        }
    }

    @Test
    void malformedFlagsAreUsageErrors(@TempDir Path dir) {
        assertUsageError(run("train", "--bogus"), "--bogus");
        assertUsageError(run("train", "--epochs", "-3", "--out", dir.resolve("a").toString()), "epochs must be positive");
        assertUsageError(run("train", "--epochs", "many"), "expects an integer");
        assertUsageError(run("train", "--lr-scale", "0"), "lr-scale must be a positive number");
        assertUsageError(run("train", "--set", "momentum=0.9"), "unknown hyperparameter 'momentum'");
        assertUsageError(run("train", "--set", "nonsense"), "NAME=VALUE");
        assertUsageError(run("train", "--runs", "0"), "--runs must be at least 1");
        assertUsageError(run("train", "--resume"), "--resume needs --out");
        assertUsageError(run("train", "--export-precision", "int8"), "add --export FILE");
        assertUsageError(run("train", "--export", dir.resolve("m.onnx").toString(), "--export-precision", "int4"),
                "unknown precision 'int4'");
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void badDataOrOutputIsRefusedBeforeTrainingAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
        assertUsageError(run("train", "--data", dir.resolve("missing").toString(), "--out", dir.resolve("o").toString()),
                "missing");
        String data = realData();
        assertUsageError(run("train", "--data", data, "--batch-size", "60000", "--out", dir.resolve("b").toString()),
                "larger than the training set");
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertUsageError(run("train", "--data", data, "--out", file.resolve("run").toString()),
                "cannot write to output folder");
        assertUsageError(run("train", "--data", data, "--out", dir.resolve("c").toString(), "--export",
                file.resolve("nowhere/m.onnx").toString()), "is not a writable folder");
        assertUsageError(run("train", "--data", data, "--device", "tpu"), "unknown device 'tpu'");
        assertUsageError(run("train", "--data", data, "--resume", "--out", dir.resolve("d").toString()),
                "nothing to resume");
        for (String name : new String[] {"o", "b", "c", "d"}) {
            assertFalse(Files.exists(dir.resolve(name)), name + " must not be created");
        }
    }

    @Test
    void exportStepCalibratesAnInt8ModelOnTheTrainingImages(@TempDir Path dir) throws Exception {
        Path checkpoint = OnnxCommandFixtures.checkpoint(dir, "model.safetensors");
        Path data = OnnxCommandFixtures.syntheticCifar(dir, 20);
        Path model = dir.resolve("m.onnx");

        ExportResult result = TrainCommand.exportTrained(checkpoint, model, Precision.INT8, true,
                SyntheticData.randomSplit(6, 4));

        assertEquals(Precision.INT8, result.precision());
        assertEquals(2, result.ttaLevel());
        OnnxCommandFixtures.Outcome eval = OnnxCommandFixtures.run("eval", "--model", model.toString(), "--data",
                data.toString(), "--json");
        assertEquals(0, eval.status(), eval.err());
        assertTrue(eval.out().contains("\"precision\" : \"int8\""), eval.out());
        assertTrue(eval.out().contains("\"tta_level\" : 2"), eval.out());
    }

    @Test
    void cudaWithoutCudaIsAOneLineError(@TempDir Path dir) {
        assumeTrue(!org.bytedeco.pytorch.global.torch.hasCUDA(), "this machine has CUDA");
        // The device is checked before the data folder is read, so any folder will do.
        assertUsageError(run("train", "--device", "cuda", "--data", dir.toString()), "no CUDA");
    }
}
