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
                + " \"block-widths\": [8, 16, 16]}");
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
    void badAblationsAreRefusedInOneLineBeforeAnythingIsWritten(@TempDir Path dir) {
        Path out = dir.resolve("sweep");
        String o = out.toString();
        Map<String, String> none = Map.of();
        assertUsageError(run(none, "sweep", "--ablate", "whitening", "--out", o), "--ablate expects NAME=VALUE");
        assertUsageError(run(none, "sweep", "--ablate", "momentum=0", "--out", o),
                "--ablate momentum: unknown hyperparameter");
        assertUsageError(run(none, "sweep", "--ablate", "whitening=", "--out", o), "--ablate whitening= has no value");
        assertUsageError(run(none, "sweep", "--ablate", "whitening=maybe", "--out", o),
                "--ablate whitening=maybe: whitening must be one of on, off");
        assertUsageError(run(none, "sweep", "--ablate", "tta-level=0", "--ablate", "flip=alternating", "--out", o),
                "--ablate flip=alternating leaves the base recipe unchanged, so it removes nothing");
        assertUsageError(run(none, "sweep", "--set", "flip=none", "--ablate", "flip=none", "--out", o),
                "removes nothing");
        assertUsageError(run(none, "sweep", "--ablate", "whitening=off", "--ablate", "whitening=off", "--out", o),
                "--ablate whitening=off is given twice");
        assertUsageError(run(none, "sweep", "--ablate", "whitening=off", "--grid", "epochs=1,2", "--out", o),
                "--ablate cannot be combined with --grid");
        assertFalse(Files.exists(out), "nothing may be written for bad input");
    }

    @Test
    void helpListsAblate() {
        Outcome outcome = run(Map.of(), "sweep", "--help");
        assertEquals(Main.OK, outcome.status(), outcome.err());
        assertTrue(outcome.out().contains("--ablate <NAME=VALUE>"), outcome.out());
    }

    /** A recipe small enough to train on {@link ColourFolder} images in seconds (as the diverging test's). */
    private static Path narrowRecipe(Path dir) throws Exception {
        return Files.writeString(dir.resolve("narrow.json"), "{\"base\": \"airbench-folder64\","
                + " \"epochs\": 1, \"batch-size\": 30, \"whitening-samples\": 60, \"translate\": 2,"
                + " \"block-widths\": [8, 16, 16]}");
    }

    @Test
    void anAblationStudyPlansTheFullRecipeThenEachAblationOnTheSameSeeds(@TempDir Path dir) throws Exception {
        Path data = ColourFolder.write(dir.resolve("colours"), 30, 5);
        Path out = dir.resolve("sweep");
        String[] sweep = {"sweep", "--data", data.toString(), "--image-size", "16", "--cache-dir",
                dir.resolve("cache").toString(), "--recipe", narrowRecipe(dir).toString(), "--ablate", "whitening=off",
                "--ablate", "label-smoothing=0", "--repeats", "2", "--seed", "5", "--holdout", "15", "--out",
                out.toString(), "--dry-run"};
        Outcome planned = run(Map.of(), sweep);
        assertEquals(List.of("ablation=none/seed-5", "ablation=none/seed-6", "ablation=whitening-off/seed-5",
                "ablation=whitening-off/seed-6", "ablation=label-smoothing-0/seed-5",
                "ablation=label-smoothing-0/seed-6"), listedRuns(planned));
        assertTrue(planned.out().contains("6 runs (3 points × 2 repeats)"), planned.out());
        String[] shard = java.util.stream.Stream.concat(java.util.Arrays.stream(sweep),
                java.util.stream.Stream.of("--shard", "1/2")).toArray(String[]::new);
        assertEquals(List.of("ablation=none/seed-6", "ablation=whitening-off/seed-6",
                "ablation=label-smoothing-0/seed-6"), listedRuns(run(Map.of(), shard)));
        assertFalse(Files.exists(out), "a dry run writes nothing");
    }

    @Test
    void anAblationStudyTrainsContinuesAndIsReportedAsChangesAgainstTheFullRecipe(@TempDir Path dir)
            throws Exception {
        Path data = ColourFolder.write(dir.resolve("colours"), 30, 5);
        Path out = dir.resolve("sweep");
        String[] sweep = {"sweep", "--data", data.toString(), "--image-size", "16", "--cache-dir",
                dir.resolve("cache").toString(), "--recipe", narrowRecipe(dir).toString(), "--ablate", "whitening=off",
                "--holdout", "15", "--out", out.toString()};
        Outcome swept = CommandLineRun.run(List.of(new SweepCommand(Map.of())), sweep);
        assertEquals(Main.OK, swept.status(), swept.err());
        assertTrue(swept.out().contains("2 trained, 0 continued, 0 finished before"), swept.out());
        assertTrue(Files.isRegularFile(out.resolve("ablation=none/seed-0/summary.json")));
        assertTrue(Files.isRegularFile(out.resolve("ablation=whitening-off/seed-0/summary.json")));

        Outcome again = CommandLineRun.run(List.of(new SweepCommand(Map.of())), sweep);
        assertEquals(Main.OK, again.status(), again.err());
        assertTrue(again.out().contains("0 trained, 0 continued, 2 finished before"), again.out());
        String[] other = sweep.clone();
        other[java.util.Arrays.asList(other).indexOf("whitening=off")] = "label-smoothing=0";
        assertUsageError(CommandLineRun.run(List.of(new SweepCommand(Map.of())), other), "holds another sweep");

        Outcome reported = CommandLineRun.run(List.of(new ReportCommand()), "report", out.toString());
        assertEquals(Main.OK, reported.status(), reported.err());
        assertTrue(Files.isRegularFile(out.resolve("ablation.png")));
        String report = Files.readString(out.resolve("report.md"));
        assertTrue(report.contains("## Ablations"), report);
        assertTrue(report.contains("| none (full recipe) | 1 |"), report);
        assertTrue(report.lines().anyMatch(l -> l.startsWith("| whitening=off | ")), report);
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
