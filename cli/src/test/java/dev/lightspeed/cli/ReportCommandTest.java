package dev.lightspeed.cli;

import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.EpochTimes;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.models.run.SplitScores;
import dev.lightspeed.models.run.TrainingScores;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportCommandTest {

    private static int run(ByteArrayOutputStream err, String... args) {
        return new Main(List.of(new ReportCommand())).run(args, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
    }

    @Test
    void aRunFolderGetsItsFigureAndReport(@TempDir Path dir) throws Exception {
        RunFolder run = RunFolder.create(dir);
        for (int epoch = 1; epoch <= 3; epoch++) {
            run.appendMetrics(new EpochMetrics(epoch, new TrainingScores(2.0 / epoch, 0.3 * epoch),
                    SplitScores.plain(2.1 / epoch, 0.28 * epoch), SplitScores.plain(2.2 / epoch, 0.27 * epoch),
                    new EpochTimes(10, 12 * epoch, 400, 1 << 20, Map.of())));
        }
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(Main.OK, run(err, "report", dir.toString()), err.toString(StandardCharsets.UTF_8));
        assertTrue(Files.isRegularFile(dir.resolve("report.md")));
        assertNotNull(ImageIO.read(dir.resolve("run.png").toFile()));
    }

    @Test
    void aFolderIsRequiredAndMustHoldRuns(@TempDir Path dir) {
        ByteArrayOutputStream none = new ByteArrayOutputStream();
        assertEquals(Main.USAGE, run(none, "report"));
        assertTrue(none.toString(StandardCharsets.UTF_8).contains("report takes one folder"));
        ByteArrayOutputStream empty = new ByteArrayOutputStream();
        assertEquals(Main.USAGE, run(empty, "report", dir.toString()));
        assertTrue(empty.toString(StandardCharsets.UTF_8).contains("no runs in"));
    }
}
