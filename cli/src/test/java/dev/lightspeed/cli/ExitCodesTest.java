package dev.lightspeed.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The exit statuses README promises, each from a real process: 2 for bad input (nothing written), 1 for a run
 * that failed (here: diverged), 130 for Ctrl-C (SIGINT), after which --resume finishes the run.
 */
class ExitCodesTest {

    @TempDir
    static Path shared;
    private static Path data;
    private static Path cache;

    @BeforeAll
    static void generateData() throws Exception {
        data = ColourFolder.write(shared.resolve("colours"), 100, 20);
        cache = shared.resolve("cache");
    }

    /**
     * The lightspeed command line in a JVM of its own, with the test's classpath; output into files. SIGINT is set
     * back to its default first: a build started in the background of a script inherits it ignored, and a JVM
     * leaves an ignored SIGINT ignored, so Ctrl-C would never reach it.
     */
    private static Process start(Path dir, String name, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("env", "--default-signal=INT",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-cp",
                System.getProperty("java.class.path"), Main.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectOutput(dir.resolve(name + ".out").toFile())
                .redirectError(dir.resolve(name + ".err").toFile()).start();
    }

    private static int finish(Process process) throws InterruptedException {
        assertTrue(process.waitFor(5, TimeUnit.MINUTES), "the process ends");
        return process.exitValue();
    }

    private static String[] train(Path recipe, Path out, String... more) {
        List<String> args = new ArrayList<>(List.of("train", "--data", data.toString(), "--image-size", "32",
                "--cache-dir", cache.toString(), "--recipe", recipe.toString(), "--out", out.toString()));
        args.addAll(List.of(more));
        return args.toArray(String[]::new);
    }

    /** airbench94 at its full width (steps long enough to interrupt between), a few steps per epoch. */
    private static Path recipe(Path dir, int epochs) throws IOException {
        return Files.writeString(dir.resolve("recipe.json"), "{\"base\": \"airbench94\", \"epochs\": " + epochs
                + ", \"batch-size\": 50, \"whitening-samples\": 100}");
    }

    @Test
    void badInputExits2WithOneLineAndWritesNothing(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Process process = start(dir, "bad", train(recipe(dir, 2), out, "--batch-size", "100000"));
        assertEquals(Main.USAGE, finish(process));
        List<String> err = Files.readAllLines(dir.resolve("bad.err"));
        assertEquals(1, err.size(), err.toString());
        assertTrue(err.get(0).startsWith("lightspeed train: --batch-size 100000 is larger than the training set"),
                err.get(0));
        assertFalse(Files.exists(out));
    }

    @Test
    void aDivergingRunExits1AndItsSummarySaysSo(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Process process = start(dir, "diverging", train(recipe(dir, 1), out, "--lr-scale", "1e30"));
        assertEquals(Main.FAILED, finish(process));
        List<String> err = Files.readAllLines(dir.resolve("diverging.err"));
        assertEquals(1, err.size(), err.toString());
        assertTrue(err.get(0).matches("lightspeed train: run 1 \\(seed 0\\) diverged: the loss became \\S+ at step"
                + " \\d+ .*; try a smaller --lr-scale"), err.get(0));
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("diverged", summary.get("status").asText());
        assertTrue(summary.get("diverged_at_step").asInt() >= 1);
        assertTrue(summary.get("tta_test_acc").isNull());
    }

    @Test
    void ctrlCExits130KeepingTheLastEpochAndResumeFinishesTheRun(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("run");
        Path recipe = recipe(dir, 6);
        Process process = start(dir, "interrupted", train(recipe, out));
        // Once the first epoch's row is printed its checkpoint is on disk; SIGINT lands in a later epoch.
        Path printed = dir.resolve("interrupted.out");
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
        while (Files.readAllLines(printed).stream().noneMatch(line -> line.matches("\\s+1\\s+\\d.*"))) {
            assertTrue(process.isAlive(), "training ended before its first epoch: "
                    + Files.readString(dir.resolve("interrupted.err")));
            assertTrue(System.nanoTime() < deadline, "no first epoch within 3 minutes");
            Thread.sleep(10);
        }
        Process signal = new ProcessBuilder("kill", "-INT", Long.toString(process.pid())).start();
        assertEquals(0, signal.waitFor());
        assertEquals(Main.INTERRUPTED, finish(process));
        String err = Files.readString(dir.resolve("interrupted.err"));
        assertTrue(err.matches("(?s)lightspeed train: interrupted at epoch \\d, step \\d+; the last complete epoch"
                + " \\(\\d\\) is saved in .*\\(continue with --resume --out " + out.toString().replace(File.separator,
                "\\" + File.separator) + "\\)\\n"), err);
        assertFalse(Files.exists(out.resolve("summary.json")), "an interrupted run has not ended");

        Process resumed = start(dir, "resumed", "train", "--resume", "--out", out.toString(), "--data",
                data.toString(), "--image-size", "32", "--cache-dir", cache.toString());
        assertEquals(Main.OK, finish(resumed), Files.readString(dir.resolve("resumed.err")));
        JsonNode summary = new ObjectMapper().readTree(out.resolve("summary.json").toFile());
        assertEquals("finished", summary.get("status").asText());
        assertEquals(6, Files.readAllLines(out.resolve("metrics.jsonl")).size(), "every epoch, once");
    }
}
