package dev.lightspeed.cli;

import dev.lightspeed.cli.CommandLineRun.Outcome;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.models.run.RunSummary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static dev.lightspeed.cli.CommandLineRun.assertUsageError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code train --nproc N}: local data-parallel ranks started by the command itself, over 127.0.0.1. */
class DataParallelCommandsTest {

    private static Outcome run(String... args) {
        return CommandLineRun.run(List.of(new TrainCommand()), args);
    }

    /** airbench-folder64 with a narrow network on the colour folder's 120 training images: 3 steps of 40. */
    private static Path narrowRecipe(Path dir, int epochs) throws IOException {
        return Files.writeString(dir.resolve("narrow.json"), "{\"base\": \"airbench-folder64\", \"epochs\": " + epochs
                + ", \"batch-size\": 40, \"whitening-samples\": 100, \"translate\": 2,"
                + " \"block-widths\": [8, 16, 16]}");
    }

    @Test
    void twoLocalRanksTrainOneRunThatRankZeroWrites(@TempDir Path dir) throws Exception {
        Path data = ColourFolder.write(dir.resolve("colours"), 40, 10);
        Path run = dir.resolve("run");
        Path onnx = dir.resolve("colours.onnx");
        Outcome trained = run("train", "--nproc", "2", "--data", data.toString(), "--image-size", "16",
                "--cache-dir", dir.resolve("cache").toString(), "--recipe", narrowRecipe(dir, 4).toString(),
                "--out", run.toString(), "--export", onnx.toString());
        assertEquals(Main.OK, trained.status(), trained.err());
        RunSummary summary = RunFolder.open(run).readSummary().orElseThrow();
        assertEquals(2, summary.worldSize());
        // Each rank had one of the two cores.
        assertEquals(1, summary.threads());
        assertEquals(4, RunFolder.open(run).readMetrics().size());
        assertTrue(summary.ttaTestAcc() > 0.6, "colours are easy: " + summary.ttaTestAcc());
        assertTrue(summary.phaseSeconds().get("allreduce") > 0, "the exchange is timed: " + summary.phaseSeconds());
        assertTrue(Files.isRegularFile(onnx), "rank 0 exports");
    }

    @Test
    void badDataParallelInputIsOneLineBeforeAnyRankStarts(@TempDir Path dir) throws Exception {
        Path data = ColourFolder.write(dir.resolve("colours"), 40, 10);
        String recipe = narrowRecipe(dir, 2).toString();
        Path out = dir.resolve("out");
        String[] common = {"train", "--data", data.toString(), "--image-size", "16", "--cache-dir",
                dir.resolve("cache").toString(), "--recipe", recipe, "--out", out.toString()};
        assertUsageError(run(with(common, "--nproc", "0")), "--nproc");
        assertUsageError(run(with(common, "--nproc", "2", "--runs", "2")), "a data-parallel launch trains one run");
        assertUsageError(run(with(common, "--nproc", "3")),
                "--batch-size 40 does not split evenly over 3 processes");
        assertUsageError(run(with(common, "--nproc", "2", "--timeout", "0")), "--timeout");
        assertFalse(Files.exists(out), "nothing may be written for bad input");
    }

    private static String[] with(String[] common, String... more) {
        String[] all = new String[common.length + more.length];
        System.arraycopy(common, 0, all, 0, common.length);
        System.arraycopy(more, 0, all, common.length, more.length);
        return all;
    }

    @Test
    void killingARankEndsTheRunWithNoProcessLeftAndOnlyWholeEpochsSaved(@TempDir Path dir) throws Exception {
        Path data = ColourFolder.write(dir.resolve("colours"), 40, 10);
        Path run = dir.resolve("run");
        CompletableFuture<Outcome> launched = CompletableFuture.supplyAsync(() -> {
            try {
                return run("train", "--nproc", "2", "--timeout", "60", "--data", data.toString(), "--image-size",
                        "16", "--cache-dir", dir.resolve("cache").toString(), "--recipe",
                        narrowRecipe(dir, 500).toString(), "--out", run.toString());
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (!Files.isRegularFile(run.resolve("metrics.jsonl")) && System.nanoTime() < deadline) {
            Thread.sleep(200);
        }
        assertTrue(Files.isRegularFile(run.resolve("metrics.jsonl")), "the run never finished an epoch");
        ProcessHandle rankOne = worker(1).orElseThrow();
        ProcessHandle rankZero = worker(0).orElseThrow();
        rankOne.destroyForcibly();
        Outcome outcome = launched.get(90, TimeUnit.SECONDS);
        assertEquals(Main.FAILED, outcome.status(), outcome.err());
        assertFalse(rankZero.isAlive(), "rank 0 outlived its lost peer");
        assertTrue(ProcessHandle.current().children().noneMatch(ProcessHandle::isAlive), "a rank was left behind");
        assertFalse(RunFolder.open(run).hasSummary(), "a stopped run has no summary");
        // Every row has the checkpoint written after it: the model is that of the last row's epoch.
        int rows = RunFolder.open(run).readMetrics().size();
        assertEquals(rows, RunFolder.open(run).resumeState().orElseThrow().epoch());
        assertUsageError(run("train", "--resume", "--data", data.toString(), "--image-size", "16", "--cache-dir",
                dir.resolve("cache").toString(), "--out", run.toString()),
                "was trained by 2 data-parallel processes; continue it with as many (--nproc 2)");
    }

    /** The live worker this JVM started with {@code RANK=rank} in its environment. */
    private static Optional<ProcessHandle> worker(int rank) {
        return ProcessHandle.current().children().filter(p -> {
            try {
                String env = Files.readString(Path.of("/proc", Long.toString(p.pid()), "environ"),
                        StandardCharsets.ISO_8859_1);
                return List.of(env.split("\0")).contains("RANK=" + rank);
            } catch (IOException e) {
                return false;
            }
        }).findFirst();
    }
}
