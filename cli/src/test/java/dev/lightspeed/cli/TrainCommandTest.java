package dev.lightspeed.cli;

import dev.lightspeed.cli.CommandLineRun.Outcome;

import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.RecipeJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static dev.lightspeed.cli.CommandLineRun.assertUsageError;
import static dev.lightspeed.cli.CommandLineRun.realCifar10;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Bad input to {@code lightspeed train}: one line, status 2, nothing written, all before any training. */
class TrainCommandTest {

    private static Outcome run(String... args) {
        return CommandLineRun.run(List.of(new TrainCommand()), args);
    }

    @Test
    void helpListsTheRecipeFlags() {
        Outcome outcome = run("train", "--help");
        assertEquals(Main.OK, outcome.status());
        for (String flag : new String[] {"--epochs", "--batch-size", "--lr-scale", "--seed", "--runs", "--device",
                "--out", "--resume", "--export", "--set", "--recipe", "--preset"}) {
            assertTrue(outcome.out().contains(flag), flag);
        }
        for (String name : Recipe.overridableNames()) {
            assertTrue(outcome.out().contains(name), name);
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
        assertUsageError(run("train", "--eval-every", "0"), "--eval-every must be at least 1");
        assertUsageError(run("train", "--resume"), "--resume needs --out");
        assertUsageError(run("train", "--export-precision", "int8"), "add --export FILE");
        assertUsageError(run("train", "--export", dir.resolve("m.onnx").toString(), "--export-precision", "int4"),
                "unknown precision 'int4'");
        String onnx = dir.resolve("m.onnx").toString();
        assertUsageError(run("train", "--export-int8-weights", "full"), "add --export FILE");
        assertUsageError(run("train", "--export", onnx, "--export-int8-weights", "full"),
                "--export-int8-weights sets the weight range of an int8 export; add --export-precision int8");
        assertUsageError(run("train", "--export", onnx, "--export-precision", "int8", "--export-int8-weights", "all"),
                "unknown int8 weight range 'all'; choose one of reduced, full");
        assertFalse(Files.exists(dir.resolve("a")));
    }

    @Test
    void badProfileFlagsAreRefusedBeforeTraining(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("not-a-folder"), "text");
        Path out = dir.resolve("run");
        assertUsageError(run("train", "--out", out.toString(), "--profile-out", file.resolve("t.json").toString()),
                "cannot write --profile-out " + file.resolve("t.json") + ": " + file + " is not a writable folder");
        assertUsageError(run("train", "--out", out.toString(), "--profile-steps", "20-30"),
                "--profile-steps chooses the steps of --profile-out; add --profile-out FILE");
        assertUsageError(run("train", "--out", out.toString(), "--profile-out", dir.resolve("t.json").toString(),
                "--profile-steps", "30-20"), "--profile-steps takes FIRST-LAST");
        assertFalse(Files.exists(out));
    }

    @Test
    void aProfileWindowOutsideTheRunIsRefusedBeforeTraining(@TempDir Path dir) {
        String data = realCifar10();
        Path out = dir.resolve("run");
        // One epoch of CIFAR-10's 50000 images in batches of 1000: 50 steps.
        assertUsageError(run("train", "--data", data, "--epochs", "1", "--batch-size", "1000", "--out",
                out.toString(), "--profile-out", dir.resolve("t.json").toString(), "--profile-steps", "45-55"),
                "--profile-steps 45-55 lies outside the run, whose steps are 1-50; choose steps within it");
        assertFalse(Files.exists(out));
        assertFalse(Files.exists(dir.resolve("t.json")));
    }

    @Test
    void badRecipeFilesAreUsageErrorsNamingFileAndField(@TempDir Path dir) throws Exception {
        Path unknown = Files.writeString(dir.resolve("unknown.json"), "{\"base\": \"airbench94\", \"momentum\": 1}");
        assertUsageError(run("train", "--recipe", unknown.toString()), unknown + ": unknown field 'momentum'");
        Path bad = Files.writeString(dir.resolve("bad.json"), "{\"base\": \"airbench94\", \"epochs\": \"x\"}");
        assertUsageError(run("train", "--recipe", bad.toString()), bad + ": epochs expects an integer");
        assertUsageError(run("train", "--recipe", dir.resolve("none.json").toString()),
                "--recipe file " + dir.resolve("none.json") + " cannot be read");
        Path good = Files.writeString(dir.resolve("good.json"), "{\"base\": \"airbench94\"}");
        assertUsageError(run("train", "--recipe", good.toString(), "--preset", "airbench94"),
                "--recipe and --preset both choose the recipe");
        // A good file gets as far as the data.
        assertUsageError(run("train", "--recipe", good.toString(), "--data", dir.resolve("no-data").toString()),
                "no-data");
    }

    @Test
    void resumeRefusesEveryFlagThatWouldChangeTheSavedRunAndAcceptsOnesThatRepeatIt(@TempDir Path dir)
            throws Exception {
        Path recipeFile = Files.writeString(dir.resolve("mine.json"), "{\"base\": \"airbench94\", \"epochs\": 4}");
        Recipe saved = RecipeJson.readFile(recipeFile);
        Checkpoint random = Checkpoint.load(OnnxCommandFixtures.checkpoint(dir, "random.safetensors"));
        Path run = dir.resolve("run");
        RunFolder.create(run).writeCheckpoint(new Checkpoint(saved.architecture(), saved, random.classes(),
                random.normalization(), 5, 2, 0.5, 0, random.tensors()), Map.of(), 2 * 25, 0, 0, 1);
        Path other = Files.writeString(dir.resolve("other.json"),
                "{\"base\": \"airbench94\", \"epochs\": 5, \"preset\": \"mine\"}");

        String[][] refused = {
            {"--epochs", "6"}, {"--batch-size", "500"}, {"--lr-scale", "2"}, {"--set", "head-lr=0.5"},
            {"--preset", "airbench94"}, {"--recipe", other.toString()}, {"--seed", "6"}};
        String[] savedValues = {"epochs=4", "batch-size=2000", "lr-scale=1.0", "head-lr=0.67", "recipe 'mine'",
            "recipe 'mine' with other values", "seed 5"};
        for (int i = 0; i < refused.length; i++) {
            Outcome outcome = run("train", "--resume", "--out", run.toString(), refused[i][0], refused[i][1]);
            assertUsageError(outcome, refused[i][0] + " " + refused[i][1] + " differs from the run in " + run
                    + ", which has " + savedValues[i]);
        }
        assertUsageError(run("train", "--resume", "--out", run.toString(), "--epochs", "6"), "so more epochs would"
                + " change the epochs already trained");

        String[][] repeated = {
            {"--epochs", "4"}, {"--batch-size", "2000"}, {"--lr-scale", "1"}, {"--set", "head-lr=0.67"},
            {"--recipe", recipeFile.toString()}, {"--seed", "5"}};
        for (String[] flag : repeated) {
            // Accepted: the run goes on to read the data, which is missing here.
            assertUsageError(run("train", "--resume", "--out", run.toString(), flag[0], flag[1], "--data",
                    dir.resolve("no-data").toString()), "no-data");
        }
    }

    @Test
    void badDataOrOutputIsRefusedBeforeTrainingAndLeavesNothingBehind(@TempDir Path dir) throws Exception {
        assertUsageError(run("train", "--data", dir.resolve("missing").toString(), "--out", dir.resolve("o").toString()),
                "missing");
        String data = realCifar10();
        assertUsageError(run("train", "--data", data, "--batch-size", "60000", "--out", dir.resolve("b").toString()),
                "larger than the training set");
        Path file = Files.writeString(dir.resolve("file"), "x");
        assertUsageError(run("train", "--data", data, "--out", file.resolve("run").toString()),
                "cannot write --out " + file.resolve("run"));
        assertUsageError(run("train", "--data", data, "--out", dir.resolve("c").toString(), "--export",
                file.resolve("nowhere/m.onnx").toString()), "is not a writable folder");
        assertUsageError(run("train", "--data", data, "--device", "tpu"), "--device 'tpu' is not known");
        assertUsageError(run("train", "--data", data, "--resume", "--out", dir.resolve("d").toString()),
                "nothing to resume");
        for (String name : new String[] {"o", "b", "c", "d"}) {
            assertFalse(Files.exists(dir.resolve(name)), name + " must not be created");
        }
    }

    @Test
    void cudaWithoutCudaIsAOneLineError(@TempDir Path dir) {
        assumeTrue(!org.bytedeco.pytorch.global.torch.hasCUDA(), "this machine has CUDA");
        // The device is checked before the data folder is read, so any folder will do.
        assertUsageError(run("train", "--device", "cuda", "--data", dir.toString()), "no CUDA");
    }
}
