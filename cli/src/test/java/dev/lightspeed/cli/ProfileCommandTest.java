package dev.lightspeed.cli;

import dev.lightspeed.cli.CommandLineRun.Outcome;

import dev.lightspeed.models.trace.ChromeTrace;
import dev.lightspeed.study.profile.OperatorTable;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.ProfileSteps;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.train.Threads;
import dev.lightspeed.train.TinyRun;
import dev.lightspeed.train.TraceRequest;
import dev.lightspeed.train.Training;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static dev.lightspeed.cli.CommandLineRun.assertUsageError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code lightspeed profile} on a trace the trainer wrote of a tiny synthetic run, and on files that are not traces. */
class ProfileCommandTest {

    private static Outcome run(String... args) {
        return CommandLineRun.run(List.of(new ProfileCommand()), args);
    }

    @TempDir
    static Path folder;

    private static Path trace;

    @BeforeAll
    static void traceATinyRun() throws Exception {
        Threads.configure(0);
        trace = folder.resolve("trace.json");
        // Steps 1-3 of the first epoch's 4: no evaluation or checkpoint falls inside the window.
        Training.of(TinyRun.recipe().with("epochs", "1"), TinyRun.data()).withSeed(3)
                .withDevice(ComputeDevice.resolve("cpu", "fp32")).withEvalBatch(50)
                .withTrace(new TraceRequest(trace, new ProfileSteps(1, 3))).start(RunFolder.create(folder.resolve("run")));
    }

    @Test
    void theSelfTimesOfATracedRunSumToItsWindowAndLibtorchsOperatorsTakeMostOfIt() {
        OperatorTable table = OperatorTable.of(ChromeTrace.read(trace).requireCompleteEvents());
        // Between steps only the progress display runs, outside every span.
        assertEquals(1.0, table.selfSumMicros() / table.windowMicros(), 0.03,
                table.selfSumMicros() + " µs of self time in a window of " + table.windowMicros() + " µs");
        double operators = table.rows().stream().filter(r -> r.operator().startsWith("aten::"))
                .mapToDouble(OperatorTable.Row::selfMicros).sum();
        assertTrue(operators > 0.5 * table.selfSumMicros(), operators + " of " + table.selfSumMicros());
        OperatorTable.Row steps = table.byOperator().get("step 2");
        assertEquals(1, steps.calls());
        assertEquals(3, table.byOperator().get("forward").calls());
    }

    @Test
    void theTableAndTheChartOfATrace() throws Exception {
        Path png = folder.resolve("charts").resolve("top.png");
        Outcome outcome = run("profile", trace.toString(), "--top", "5", "--chart", png.toString());
        assertEquals(Main.OK, outcome.status(), outcome.err());
        List<String> lines = outcome.out().lines().toList();
        assertTrue(lines.get(0).startsWith(trace + ": ") && lines.get(0).contains("events on"), lines.get(0));
        assertTrue(lines.get(2).contains("calls") && lines.get(2).contains("self ms"), lines.get(2));
        assertEquals(5, lines.stream().filter(l -> l.endsWith("%  " + l.substring(l.lastIndexOf(' ') + 1))
                && l.matches(" +\\d+ .*")).count(), outcome.out());
        assertTrue(lines.get(8).matches("\\(\\d+ more operators below the top 5\\)"), lines.get(8));
        assertEquals("chart: " + png, lines.get(9));
        assertNotNull(ImageIO.read(png.toFile()));
    }

    @Test
    void aTraceComparedWithItselfIsUnchangedEverywhere() {
        Outcome outcome = run("profile", trace.toString(), "--compare", trace.toString(), "--top", "1000");
        assertEquals(Main.OK, outcome.status(), outcome.err());
        List<String> rows = outcome.out().lines().filter(l -> l.matches(" +\\d+ .*")).toList();
        assertFalse(rows.isEmpty());
        for (String row : rows) {
            assertTrue(row.contains(" unchanged ") && row.contains("+0.000"), row);
        }
    }

    @Test
    void filesThatAreNotTracesAreOneLineErrors() throws Exception {
        Path text = Files.writeString(folder.resolve("notes.txt"), "not a trace\n");
        Path metrics = Files.writeString(folder.resolve("metrics.json"), "{\"epoch\": 1}");
        assertUsageError(run("profile", text.toString()), text + " is not a Chrome trace (not JSON");
        assertUsageError(run("profile", metrics.toString()), "no traceEvents array");
        assertUsageError(run("profile", trace.toString(), "--compare", text.toString()), text.toString());
        assertUsageError(run("profile", folder.resolve("absent.json").toString()), "does not exist");
        assertUsageError(run("profile"), "profile takes one trace file");
        assertUsageError(run("profile", trace.toString(), "--top", "0"), "--top must be at least 1");
        assertUsageError(run("profile", trace.toString(), "--chart", text.resolve("x.png").toString()),
                "cannot write --chart");
    }
}
