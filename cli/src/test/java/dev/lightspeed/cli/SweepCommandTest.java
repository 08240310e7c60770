package dev.lightspeed.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class SweepCommandTest {

    private record Outcome(int status, String out, String err) {
    }

    private static Outcome run(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int status = new Main(List.of(new SweepCommand(environment))).run(args,
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

    /** The run folders a dry run lists, in order. */
    private static List<String> listedRuns(Outcome outcome) {
        assertEquals(Main.OK, outcome.status(), outcome.err());
        return outcome.out().lines().filter(l -> l.startsWith("  ")).map(String::trim).toList();
    }

    @Test
    void badGridsAreRefusedInOneLineBeforeAnythingIsWritten(@TempDir Path dir) {
        Path out = dir.resolve("sweep");
        String o = out.toString();
        Map<String, String> none = Map.of();
        assertUsageError(run(none, "sweep", "--grid", "momentum=1", "--out", o), "unknown hyperparameter");
        assertUsageError(run(none, "sweep", "--grid", "epochs=", "--out", o), "has no values");
        assertUsageError(run(none, "sweep", "--grid", "epochs=2,x", "--out", o), "--grid epochs=x");
        assertUsageError(run(none, "sweep", "--grid", "lr-scale=1:4", "--out", o), "is not a range");
        assertUsageError(run(none, "sweep", "--grid", "batch-size=0,500", "--out", o), "--grid batch-size=0");
        assertUsageError(run(none, "sweep", "--grid", "epochs=1", "--grid", "epochs=2", "--out", o), "given twice");
        assertUsageError(run(none, "sweep", "--grid", "epochs=1,2", "--set", "epochs=3", "--out", o), "contradicts");
        assertUsageError(run(none, "sweep", "--grid", "epochs=1", "--shard", "2/2", "--out", o), "--shard 2/2");
        assertUsageError(run(none, "sweep", "--grid", "epochs=1", "--shard", "0/0", "--out", o), "N must be at least 1");
        assertUsageError(run(Map.of("SLURM_ARRAY_TASK_ID", "5", "SLURM_ARRAY_TASK_COUNT", "3"), "sweep", "--grid",
                "epochs=1", "--out", o), "SLURM_ARRAY_TASK_ID=5");
        assertUsageError(run(Map.of("JOB_COMPLETION_INDEX", "3"), "sweep", "--grid", "epochs=1", "--shards", "3",
                "--out", o), "JOB_COMPLETION_INDEX=3");
        assertUsageError(run(none, "sweep", "--repeats", "0", "--out", o), "--repeats");
        assertFalse(Files.exists(out), "nothing may be written for bad input");
    }

    @Test
    void badHoldoutsAndAnotherSweepsFolderAreRefused(@TempDir Path dir) throws Exception {
        String data = realData();
        Path out = dir.resolve("sweep");
        String o = out.toString();
        Map<String, String> none = Map.of();
        assertUsageError(run(none, "sweep", "--data", data, "--grid", "epochs=1", "--holdout", "50000", "--out", o),
                "every training image");
        assertUsageError(run(none, "sweep", "--data", data, "--grid", "epochs=1", "--holdout", "9", "--out", o),
                "fewer than the 10 classes");
        assertUsageError(run(none, "sweep", "--data", data, "--grid", "batch-size=500,46000", "--out", o),
                "batch-size=46000");
        assertFalse(Files.exists(out), "nothing may be written for bad input");

        Files.createDirectories(out);
        Files.writeString(out.resolve("sweep.json"), "{\"format\": \"lightspeed-sweep-v1\", \"repeats\": 7}");
        assertUsageError(run(none, "sweep", "--data", data, "--grid", "epochs=1", "--out", o), "holds another sweep");
    }

    @Test
    void aJobArrayTaskRunsItsShareOfTheRuns() {
        String data = realData();
        String[] sweep = {"sweep", "--data", data, "--grid", "batch-size=500,1000,2000", "--grid", "lr-scale=0.5,1",
                "--dry-run"};
        List<String> all = listedRuns(run(Map.of(), sweep));
        assertEquals(6, all.size());
        List<String> slurm = listedRuns(run(Map.of("SLURM_ARRAY_TASK_ID", "2", "SLURM_ARRAY_TASK_COUNT", "4",
                "SLURM_ARRAY_TASK_MIN", "1"), sweep));
        assertEquals(List.of(all.get(1), all.get(5)), slurm);
        String[] kubernetes = java.util.stream.Stream.concat(java.util.Arrays.stream(sweep),
                java.util.stream.Stream.of("--shards", "4")).toArray(String[]::new);
        assertEquals(List.of(all.get(3)), listedRuns(run(Map.of("JOB_COMPLETION_INDEX", "3"), kubernetes)));
        assertEquals(List.of(all.get(0), all.get(3)), listedRuns(run(Map.of("JOB_COMPLETION_INDEX", "3"),
                java.util.stream.Stream.concat(java.util.Arrays.stream(sweep), java.util.stream.Stream.of("--shard",
                        "0/3")).toArray(String[]::new))));
    }
}
