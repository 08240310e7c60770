package dev.lightspeed.cli;

import dev.lightspeed.cli.CommandLineRun.Outcome;

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

class SweepCommandTest {

    private static Outcome run(Map<String, String> environment, String... args) {
        return CommandLineRun.run(List.of(new SweepCommand(environment)), args);
    }

    /** The run folders a dry run lists, in order. */
    private static List<String> listedRuns(Outcome outcome) {
        assertEquals(Main.OK, outcome.status(), outcome.err());
        return outcome.out().lines().filter(l -> l.startsWith("  ")).map(String::trim).toList();
    }

    @Test
    void aDivergingPointIsRecordedTheOthersFinishAndTheReportMarksItsCell(@TempDir Path dir) throws Exception {
        Path data = ColourFolder.write(dir.resolve("colours"), 30, 5);
        Path recipe = Files.writeString(dir.resolve("narrow.json"), "{\"base\": \"airbench-folder64\","
                + " \"epochs\": 1, \"batch-size\": 30, \"whitening-samples\": 60, \"translate\": 2,"
                + " \"architecture\": {\"block-widths\": [8, 16, 16]}}");
        Path out = dir.resolve("sweep");
        Outcome swept = CommandLineRun.run(List.of(new SweepCommand(Map.of()), new ReportCommand()), "sweep",
                "--data", data.toString(), "--image-size", "16", "--cache-dir", dir.resolve("cache").toString(),
                "--recipe", recipe.toString(), "--grid", "lr-scale=1e30,1", "--holdout", "15", "--out",
                out.toString());
        assertEquals(Main.OK, swept.status(), swept.err());
        assertTrue(swept.out().contains("diverged: the loss became"), swept.out());
        assertTrue(swept.out().contains("2 trained, 0 continued, 0 finished before, 1 diverged"), swept.out());

        Outcome reported = CommandLineRun.run(List.of(new ReportCommand()), "report", out.toString());
        assertEquals(Main.OK, reported.status(), reported.err());
        List<String> summary = Files.readAllLines(out.resolve("summary.csv"));
        assertTrue(summary.get(0).startsWith("lr-scale,n,diverged,"), summary.get(0));
        assertTrue(summary.get(1).startsWith("1e30,0,1,"), summary.toString());
        assertTrue(summary.get(2).startsWith("1,1,0,"), summary.toString());
        assertTrue(Files.readString(out.resolve("report.md")).contains("| 1e30 | 0 | diverged |"));
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
        String data = realCifar10();
        Path out = dir.resolve("sweep");
        String o = out.toString();
        Map<String, String> none = Map.of();
        assertUsageError(run(none, "sweep", "--data", data, "--grid", "epochs=1", "--holdout", "50000", "--out", o),
                "--holdout 50000 keeps every training image");
        assertUsageError(run(none, "sweep", "--data", data, "--grid", "epochs=1", "--holdout", "9", "--out", o),
                "--holdout 9 is fewer than the 10 classes");
        assertUsageError(run(none, "sweep", "--data", data, "--grid", "batch-size=500,46000", "--out", o),
                "batch-size=46000");
        assertFalse(Files.exists(out), "nothing may be written for bad input");

        Files.createDirectories(out);
        Files.writeString(out.resolve("sweep.json"), "{\"format\": \"lightspeed-sweep-v1\", \"repeats\": 7}");
        assertUsageError(run(none, "sweep", "--data", data, "--grid", "epochs=1", "--out", o), "holds another sweep");
    }

    @Test
    void aJobArrayTaskRunsItsShareOfTheRuns() {
        String data = realCifar10();
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
