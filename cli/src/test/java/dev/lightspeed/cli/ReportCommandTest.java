package dev.lightspeed.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.RunFiles;
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
        ObjectMapper json = new ObjectMapper();
        StringBuilder lines = new StringBuilder();
        for (int epoch = 1; epoch <= 3; epoch++) {
            lines.append(json.writeValueAsString(new EpochMetrics(epoch, 2.0 / epoch, 0.3 * epoch, 2.1 / epoch,
                    0.28 * epoch, 2.2 / epoch, 0.27 * epoch, null, null, null, null, null, 10, 12 * epoch, 400,
                    1 << 20, Map.of())))
                    .append('\n');
        }
        Files.writeString(dir.resolve(RunFiles.METRICS), lines);
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
