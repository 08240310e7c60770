package dev.lightspeed.study.report;

import dev.lightspeed.study.Stats;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.run.EpochMetrics;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.plot.XYPlot;
import org.jfree.data.xy.XYZDataset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ReportTest {

    private static final double EXACT = 1e-12;

    /** batch-size across, lr-scale up: not square, so that a transposed grid cannot pass. */
    private static final Map<String, List<String>> AXES = axes("batch-size", List.of("500", "1000", "2000"),
            "lr-scale", List.of("0.5", "2"));

    /** Final TTA held-out validation accuracy of seeds 0 and 1 at each point (batch-size/lr-scale). */
    private static final Map<String, double[]> ACCURACY = Map.of(
            "500/0.5", new double[] {0.910, 0.914},
            "500/2", new double[] {0.920, 0.926},
            "1000/0.5", new double[] {0.930, 0.930},
            "1000/2", new double[] {0.940, 0.950},
            "2000/0.5", new double[] {0.900, 0.904},
            "2000/2", new double[] {0.880, 0.890});

    private static Map<String, List<String>> axes(String first, List<String> firstValues, String second,
                                                  List<String> secondValues) {
        Map<String, List<String>> axes = new LinkedHashMap<>();
        axes.put(first, firstValues);
        axes.put(second, secondValues);
        return axes;
    }

    private static double accuracy(Map<String, String> point, int seed) {
        return ACCURACY.get(point.get("batch-size") + "/" + point.get("lr-scale"))[seed];
    }

    /** The full grid, two repeats, every run finished. */
    private static Path completeSweep(Path dir) throws IOException {
        RunFixtures.sweepJson(dir, AXES, 2);
        for (Map<String, String> point : RunFixtures.grid(AXES)) {
            for (int seed = 0; seed < 2; seed++) {
                RunFixtures.finished(dir.resolve(RunFixtures.folderOf(point, seed)), point, seed,
                        RunFixtures.HOLDOUT, accuracy(point, seed));
            }
        }
        return dir;
    }

    private static final class Output {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final PrintStream stream = new PrintStream(bytes, true, StandardCharsets.UTF_8);

        String text() {
            return bytes.toString(StandardCharsets.UTF_8);
        }
    }

    /** A CSV file as rows of cells, header first (the fixtures hold no quoted cells). */
    private static List<List<String>> csv(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(line -> Arrays.asList(line.split(",", -1))).toList();
    }

    /** summary.csv rows by their axis values joined with "/", each as a map from column to cell. */
    private static Map<String, Map<String, String>> summaryByPoint(Path file, int axes) throws IOException {
        List<List<String>> rows = csv(file);
        List<String> header = rows.get(0);
        Map<String, Map<String, String>> byPoint = new LinkedHashMap<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            Map<String, String> cells = new LinkedHashMap<>();
            for (int i = 0; i < header.size(); i++) {
                cells.put(header.get(i), row.get(i));
            }
            byPoint.put(String.join("/", row.subList(0, axes)), cells);
        }
        return byPoint;
    }

    /** Cells equal as text, numbers as numbers (0.94 - 0.005 need not print as 0.935). */
    private static void assertCells(List<String> expected, List<String> actual) {
        assertEquals(expected.size(), actual.size(), actual.toString());
        for (int i = 0; i < expected.size(); i++) {
            if (expected.get(i).matches("[0-9]+(\\.[0-9]+)?") && actual.get(i).matches("[0-9]+(\\.[0-9]+)?")) {
                assertEquals(Double.parseDouble(expected.get(i)), Double.parseDouble(actual.get(i)), EXACT,
                        "cell " + i + " of " + actual);
            } else {
                assertEquals(expected.get(i), actual.get(i), "cell " + i + " of " + actual);
            }
        }
    }

    private static BufferedImage png(Path file) throws IOException {
        BufferedImage image = ImageIO.read(file.toFile());
        assertNotNull(image, file + " does not decode as an image");
        return image;
    }

    @Test
    void resultsHaveOneRowPerFinishedRunWithItsOwnNumbers(@TempDir Path dir) throws IOException {
        Report.Written written = Report.write(completeSweep(dir), new Output().stream);

        assertEquals(12, written.finishedRuns());
        assertEquals(0, written.unfinishedRuns());
        List<List<String>> rows = csv(dir.resolve("results.csv"));
        assertEquals(List.of("folder", "batch-size", "lr-scale", "seed", "epochs", "status", "tta_val_acc", "val_acc",
                "tta_test_acc", "test_acc", "train_seconds", "wall_seconds"), rows.get(0));
        assertEquals(13, rows.size());
        List<String> row = rows.stream().filter(r -> r.get(0).equals("batch-size=1000_lr-scale=2/seed-1"))
                .findFirst().orElseThrow();
        assertEquals(List.of("1000", "2", "1", "2", "finished"), row.subList(1, 6));
        assertEquals(0.950, Double.parseDouble(row.get(6)), EXACT);
        assertEquals(0.945, Double.parseDouble(row.get(7)), EXACT);
        assertEquals(0.940, Double.parseDouble(row.get(8)), EXACT);
        assertEquals(0.935, Double.parseDouble(row.get(9)), EXACT);
        assertEquals(20.0, Double.parseDouble(row.get(10)), EXACT);
        assertEquals(25.0, Double.parseDouble(row.get(11)), EXACT);
    }

    @Test
    void aPointWhoseRunsDivergedIsMarkedDivergedInEveryTableAndFigure(@TempDir Path dir) throws IOException {
        RunFixtures.sweepJson(dir, AXES, 2);
        for (Map<String, String> point : RunFixtures.grid(AXES)) {
            for (int seed = 0; seed < 2; seed++) {
                Path folder = dir.resolve(RunFixtures.folderOf(point, seed));
                if (point.get("lr-scale").equals("2") && point.get("batch-size").equals("2000")) {
                    RunFixtures.diverged(folder, point, seed, RunFixtures.HOLDOUT, 3 + seed);
                } else if (point.get("lr-scale").equals("2") && point.get("batch-size").equals("500") && seed == 1) {
                    RunFixtures.diverged(folder, point, seed, RunFixtures.HOLDOUT, 9);
                } else {
                    RunFixtures.finished(folder, point, seed, RunFixtures.HOLDOUT, accuracy(point, seed));
                }
            }
        }
        Output output = new Output();
        Report.Written written = Report.write(dir, output.stream);
        assertEquals(9, written.finishedRuns());
        assertEquals(3, written.divergedRuns());
        assertEquals(0, written.unfinishedRuns());
        assertTrue(output.text().contains("9 finished, 3 diverged, 0 unfinished"), output.text());

        List<List<String>> results = csv(dir.resolve("results.csv"));
        List<String> divergedRow = results.stream()
                .filter(r -> r.get(0).equals("batch-size=2000_lr-scale=2/seed-0")).findFirst().orElseThrow();
        assertEquals("diverged", divergedRow.get(5));
        assertEquals("", divergedRow.get(6), "a diverged run has no accuracy");

        Map<String, Map<String, String>> summary = summaryByPoint(dir.resolve("summary.csv"), 2);
        assertEquals("0", summary.get("2000/2").get("n"));
        assertEquals("2", summary.get("2000/2").get("diverged"));
        assertEquals("", summary.get("2000/2").get("tta_val_acc_mean"));
        assertEquals("1", summary.get("500/2").get("n"));
        assertEquals("1", summary.get("500/2").get("diverged"));
        assertEquals(0.920, Double.parseDouble(summary.get("500/2").get("tta_val_acc_mean")), EXACT,
                "the mean is over the finished runs");

        Heatmap heatmap = Heatmap.of(Study.load(dir)).get(0);
        List<String> texts = ((XYPlot) heatmap.chart().getPlot()).getAnnotations().stream()
                .filter(a -> a instanceof XYTextAnnotation).map(a -> ((XYTextAnnotation) a).getText()).toList();
        assertEquals(1, texts.stream().filter(Heatmap.DIVERGED::equals).count(), texts.toString());
        assertTrue(texts.contains("n=1, 1 diverged"), texts.toString());
        assertTrue(Double.isNaN(heatmap.means()[1][2]), "no mean to colour the diverged cell with");
        String markdown = Files.readString(dir.resolve("report.md"));
        assertTrue(markdown.contains("| 2000 | 2 | 0 | diverged |"), markdown);
    }

    @Test
    void summaryHasMeanAndSampleStdPerPointInSweepOrder(@TempDir Path dir) throws IOException {
        Report.write(completeSweep(dir), new Output().stream);

        Map<String, Map<String, String>> summary = summaryByPoint(dir.resolve("summary.csv"), 2);
        assertEquals(List.of("500/0.5", "500/2", "1000/0.5", "1000/2", "2000/0.5", "2000/2"),
                List.copyOf(summary.keySet()));
        Map<String, String> best = summary.get("1000/2");
        assertEquals("2", best.get("n"));
        assertEquals(0.945, Double.parseDouble(best.get("tta_val_acc_mean")), EXACT);
        // Two values d apart have a sample std of d / sqrt(2).
        assertEquals(0.010 / Math.sqrt(2), Double.parseDouble(best.get("tta_val_acc_std")), EXACT);
        assertEquals(0.940, Double.parseDouble(best.get("val_acc_mean")), EXACT);
        assertEquals(0.935, Double.parseDouble(best.get("tta_test_acc_mean")), EXACT);
        assertEquals(0.930, Double.parseDouble(best.get("test_acc_mean")), EXACT);
        assertEquals(15.0, Double.parseDouble(best.get("train_seconds_mean")), EXACT);
        assertEquals(10 / Math.sqrt(2), Double.parseDouble(best.get("train_seconds_std")), EXACT);
        assertEquals(20.0, Double.parseDouble(best.get("wall_seconds_mean")), EXACT);
        assertEquals(0.912, Double.parseDouble(summary.get("500/0.5").get("tta_val_acc_mean")), EXACT);
        assertEquals(0.004 / Math.sqrt(2), Double.parseDouble(summary.get("500/0.5").get("tta_val_acc_std")), EXACT);
        assertEquals(0.0, Double.parseDouble(summary.get("1000/0.5").get("tta_val_acc_std")), EXACT);
        assertEquals(0.885, Double.parseDouble(summary.get("2000/2").get("tta_val_acc_mean")), EXACT);
    }

    @Test
    void heatmapDrawsTheSummaryMeansAndMarksTheBestCell(@TempDir Path dir) throws IOException {
        Report.write(completeSweep(dir), new Output().stream);
        Map<String, Map<String, String>> summary = summaryByPoint(dir.resolve("summary.csv"), 2);

        List<Heatmap> heatmaps = Heatmap.of(Study.load(dir));
        assertEquals(1, heatmaps.size());
        Heatmap heatmap = heatmaps.get(0);
        assertEquals("heatmap.png", heatmap.fileName());
        double[][] means = heatmap.means();
        List<String> across = AXES.get("batch-size");
        List<String> up = AXES.get("lr-scale");
        assertEquals(up.size(), means.length);
        JFreeChart chart = heatmap.chart();
        XYZDataset drawn = (XYZDataset) ((XYPlot) chart.getPlot()).getDataset();
        assertEquals(across.size() * up.size(), drawn.getItemCount(0));
        Set<String> texts = ((XYPlot) chart.getPlot()).getAnnotations().stream()
                .filter(a -> a instanceof XYTextAnnotation).map(a -> ((XYTextAnnotation) a).getText())
                .collect(Collectors.toSet());
        for (int row = 0; row < up.size(); row++) {
            assertEquals(across.size(), means[row].length);
            for (int column = 0; column < across.size(); column++) {
                double expected = Double.parseDouble(summary.get(across.get(column) + "/" + up.get(row))
                        .get("tta_val_acc_mean"));
                assertEquals(expected, means[row][column], EXACT);
                assertEquals(100 * expected, zAt(drawn, column, row), 1e-9);
                String printed = String.format(java.util.Locale.ROOT, "%.2f", 100 * expected);
                assertTrue(texts.contains(printed) || texts.contains(printed + "*"), printed + " not in " + texts);
            }
        }
        // 1000/2 is the best point: column 1 (batch-size 1000), row 1 (lr-scale 2), starred and outlined.
        assertEquals(new Heatmap.Cell(1, 1), heatmap.best().orElseThrow());
        assertTrue(texts.contains("94.50*"));
        assertTrue(texts.contains("±0.71 n=2"));
        List<XYAnnotation> outlines = ((XYPlot) chart.getPlot()).getAnnotations().stream()
                .filter(a -> a instanceof org.jfree.chart.annotations.XYShapeAnnotation).toList();
        assertEquals(1, outlines.size());
    }

    private static double zAt(XYZDataset dataset, int x, int y) {
        for (int item = 0; item < dataset.getItemCount(0); item++) {
            if (dataset.getXValue(0, item) == x && dataset.getYValue(0, item) == y) {
                return dataset.getZValue(0, item);
            }
        }
        throw new AssertionError("no cell at " + x + ", " + y);
    }

    @Test
    void figuresDecodeAtTheirSizeAndReportEmbedsThem(@TempDir Path dir) throws IOException {
        Report.Written written = Report.write(completeSweep(dir), new Output().stream);

        for (String figure : List.of("heatmap.png", "curves.png", "time-vs-accuracy.png")) {
            BufferedImage image = png(dir.resolve(figure));
            assertEquals(800, image.getWidth(), figure);
            assertEquals(600, image.getHeight(), figure);
            assertTrue(written.files().contains(dir.resolve(figure)));
        }
        assertFalse(Files.exists(dir.resolve("run.png")));
        String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("](heatmap.png)"));
        assertTrue(report.contains("](curves.png)"));
        assertTrue(report.contains("](time-vs-accuracy.png)"));
        assertTrue(report.contains("held-out validation accuracy with test-time augmentation"));
        assertTrue(report.contains("Runs: 12 finished, 0 unfinished, 0 not started."));
        assertTrue(report.contains("| **1000** | **2** | **2** | **94.50 ± 0.71** |"), report);
        assertTrue(report.contains("| 500 | 0.5 | 2 | 91.20 ± 0.28 |"), report);
        assertEquals(dir.resolve("report.md"), written.files().get(written.files().size() - 1));
        try (Stream<Path> files = Files.list(dir)) {
            assertTrue(files.noneMatch(f -> f.getFileName().toString().endsWith(".tmp")));
        }
    }

    @Test
    void aPartialSweepReportsFinishedRunsAndCurvesIncludeUnfinishedEpochs(@TempDir Path dir) throws IOException {
        RunFixtures.sweepJson(dir, AXES, 2);
        List<Map<String, String>> grid = RunFixtures.grid(AXES);
        // Seed 0 finished everywhere; seed 1 finished at the first two points, stopped after epoch 1 at the third,
        // and not started elsewhere.
        for (int i = 0; i < grid.size(); i++) {
            Map<String, String> point = grid.get(i);
            RunFixtures.finished(dir.resolve(RunFixtures.folderOf(point, 0)), point, 0, RunFixtures.HOLDOUT,
                    accuracy(point, 0));
            if (i < 2) {
                RunFixtures.finished(dir.resolve(RunFixtures.folderOf(point, 1)), point, 1, RunFixtures.HOLDOUT,
                        accuracy(point, 1));
            } else if (i == 2) {
                RunFixtures.unfinished(dir.resolve(RunFixtures.folderOf(point, 1)), 1, RunFixtures.HOLDOUT,
                        accuracy(point, 1));
            }
        }
        Output output = new Output();
        Report.Written written = Report.write(dir, output.stream);

        assertEquals(8, written.finishedRuns());
        assertEquals(1, written.unfinishedRuns());
        assertEquals(3, written.notStarted());
        assertTrue(output.text().contains("8 finished, 1 unfinished, 3 not started"), output.text());
        assertEquals(9, csv(dir.resolve("results.csv")).size());
        Map<String, Map<String, String>> summary = summaryByPoint(dir.resolve("summary.csv"), 2);
        assertEquals(6, summary.size());
        assertEquals("2", summary.get("500/2").get("n"));
        assertEquals(0.923, Double.parseDouble(summary.get("500/2").get("tta_val_acc_mean")), EXACT);
        assertEquals("1", summary.get("1000/0.5").get("n"));
        assertEquals(0.930, Double.parseDouble(summary.get("1000/0.5").get("tta_val_acc_mean")), EXACT);
        assertEquals("", summary.get("1000/0.5").get("tta_val_acc_std"));

        // At 1000/0.5 both seeds reached epoch 1 (seed 0: 0.925 - 0.1, seed 1: 0.925 - 0.1), only seed 0 epoch 2.
        Study study = Study.load(dir);
        SortedMap<Integer, Stats> curve = EpochCurves.perPoint(study).get(new Point(List.of("1000", "0.5")));
        assertEquals(2, curve.get(1).n());
        assertEquals(0.825, curve.get(1).mean(), EXACT);
        assertEquals(1, curve.get(2).n());
        assertEquals(0.925, curve.get(2).mean(), EXACT);
        assertEquals(800, png(dir.resolve("curves.png")).getWidth());
        assertEquals(600, png(dir.resolve("heatmap.png")).getHeight());
    }

    @Test
    void aSingleRunFolderGetsItsLossAndAccuracyFigure(@TempDir Path dir) throws IOException {
        RunFixtures.finished(dir, Map.of(), 3, 0, 0.94);
        Report.Written written = Report.write(dir, new Output().stream);

        assertEquals(1, written.finishedRuns());
        BufferedImage image = png(dir.resolve("run.png"));
        assertEquals(800, image.getWidth());
        assertEquals(600, image.getHeight());
        assertFalse(Files.exists(dir.resolve("heatmap.png")));
        assertFalse(Files.exists(dir.resolve("curves.png")));
        List<List<String>> results = csv(dir.resolve("results.csv"));
        assertEquals(2, results.size());
        assertEquals(List.of("folder", "seed", "epochs", "status", "tta_val_acc", "val_acc", "tta_test_acc",
                "test_acc", "train_seconds", "wall_seconds"), results.get(0));
        // No holdout: the val_* cells are empty, not zero.
        assertCells(List.of(".", "3", "2", "finished", "", "", "0.94", "0.935", "40", "45"), results.get(1));
        List<List<String>> summary = csv(dir.resolve("summary.csv"));
        assertEquals(2, summary.size());
        assertEquals("1", summary.get(1).get(0));
        String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("](run.png)"));
        assertTrue(report.contains("**test accuracy with test-time augmentation (TTA)**"));
    }

    @Test
    void anUnfinishedSingleRunStillGetsItsFigure(@TempDir Path dir) throws IOException {
        RunFixtures.unfinished(dir, 1, RunFixtures.HOLDOUT, 0.9);
        Report.Written written = Report.write(dir, new Output().stream);

        assertEquals(0, written.finishedRuns());
        assertEquals(1, written.unfinishedRuns());
        assertEquals(800, png(dir.resolve("run.png")).getWidth());
        assertEquals(1, csv(dir.resolve("results.csv")).size());
    }

    @Test
    void aFolderWithoutRunsIsAnInputError(@TempDir Path dir) throws IOException {
        Files.createDirectories(dir.resolve("empty/deeper"));
        Files.writeString(dir.resolve("notes.txt"), "no runs here");
        InputError error = assertThrows(InputError.class, () -> Report.write(dir, new Output().stream));
        assertEquals("no runs in " + dir + " (no run folder with metrics or a summary below it); point report at a sweep folder or"
                + " a run folder", error.getMessage());
        try (Stream<Path> files = Files.list(dir)) {
            assertEquals(Set.of("empty", "notes.txt"), files.map(f -> f.getFileName().toString())
                    .collect(Collectors.toSet()));
        }
    }

    @Test
    void aFileIsNotAFolderToReportOn(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("results.txt"), "");
        InputError error = assertThrows(InputError.class, () -> Report.write(file, new Output().stream));
        assertEquals(file + " is not a folder; point report at a sweep folder or a run folder", error.getMessage());
    }

    @Test
    void runFoldersAreFoundUpToThreeLevelsDownAndNotInsideOneAnother(@TempDir Path dir) throws IOException {
        RunFixtures.finished(dir.resolve("a"), Map.of(), 0, 0, 0.91);
        RunFixtures.unfinished(dir.resolve("b/c/d"), 1, 0, 0.92);
        RunFixtures.finished(dir.resolve("b/c/e/too-deep"), Map.of(), 0, 0, 0.93);
        RunFixtures.finished(dir.resolve("a/inside-a-run"), Map.of(), 0, 0, 0.94);
        RunFixtures.finished(dir.resolve(".hidden/f"), Map.of(), 0, 0, 0.95);

        Study study = Study.load(dir);
        assertEquals(List.of("a", "b/c/d"), study.runs().stream().map(r -> r.run().name()).toList());
        assertEquals(1, study.finishedRuns().size());
        assertEquals(1, study.unfinishedRuns());
    }

    @Test
    void aSweepsFirstFinishedRunAlreadyGetsTheSweepsHeatmap(@TempDir Path dir) throws IOException {
        RunFixtures.sweepJson(dir, AXES, 1);
        Map<String, String> first = RunFixtures.grid(AXES).get(0);
        RunFixtures.finished(dir.resolve(RunFixtures.folderOf(first, 0)), first, 0, RunFixtures.HOLDOUT, 0.9);
        Report.write(dir, new Output().stream);
        assertTrue(Files.isRegularFile(dir.resolve("heatmap.png")));
        assertTrue(!Files.exists(dir.resolve("run.png")), "one run of a sweep is not a single-run report");
    }

    @Test
    void aSweepWithNoRunStartedIsAnInputError(@TempDir Path dir) throws IOException {
        RunFixtures.sweepJson(dir, AXES, 1);
        InputError error = assertThrows(InputError.class, () -> Report.write(dir, new Output().stream));
        assertTrue(error.getMessage().startsWith("no runs in " + dir), error.getMessage());
    }

    @Test
    void withoutSweepJsonTheDifferingRecipeFieldsAreTheAxes(@TempDir Path dir) throws IOException {
        // Two repeats at each of three lr-scales, found two levels down, held nothing out.
        double[][] accuracies = {{0.90, 0.92}, {0.93, 0.93}, {0.91, 0.95}};
        List<String> scales = List.of("2", "0.5", "1");
        for (int i = 0; i < scales.size(); i++) {
            for (int seed = 0; seed < 2; seed++) {
                RunFixtures.finished(dir.resolve("lr-" + scales.get(i)).resolve("seed-" + seed),
                        Map.of("lr-scale", scales.get(i)), seed, 0, accuracies[i][seed]);
            }
        }
        Output output = new Output();
        Report.write(dir, output.stream);

        Study study = Study.load(dir);
        assertFalse(study.axesFromSweep());
        assertEquals(List.of(new Axis("lr-scale", List.of("0.5", "1.0", "2.0"))), study.axes());
        assertEquals(PrimaryAccuracy.TEST, study.primary());
        Map<String, Map<String, String>> summary = summaryByPoint(dir.resolve("summary.csv"), 1);
        assertEquals(List.of("0.5", "1.0", "2.0"), List.copyOf(summary.keySet()));
        assertEquals(0.93, Double.parseDouble(summary.get("1.0").get("tta_test_acc_mean")), EXACT);
        assertEquals(0.91, Double.parseDouble(summary.get("2.0").get("tta_test_acc_mean")), EXACT);
        assertEquals("", summary.get("2.0").get("tta_val_acc_mean"));
        BufferedImage image = png(dir.resolve("accuracy-vs-lr-scale.png"));
        assertEquals(800, image.getWidth());
        assertEquals(600, image.getHeight());
        assertFalse(Files.exists(dir.resolve("heatmap.png")));
        assertTrue(output.text().contains("inferred from the recipes: lr-scale"), output.text());
        assertTrue(output.text().contains(
                "Best point: lr-scale=0.5, with 93.00 ± 0.00 % test accuracy, TTA (mean ± std over n=2)."), output.text());
    }

    @Test
    void moreThanTwoAxesGetOneHeatmapPerValueOfTheOthers(@TempDir Path dir) throws IOException {
        Map<String, List<String>> axes = new LinkedHashMap<>(AXES);
        axes.put("sgd-momentum", List.of("0.8", "0.9"));
        RunFixtures.sweepJson(dir, axes, 1);
        for (Map<String, String> point : RunFixtures.grid(axes)) {
            double acc = accuracy(point, 0) + (point.get("sgd-momentum").equals("0.9") ? 0.01 : 0);
            RunFixtures.finished(dir.resolve(RunFixtures.folderOf(point, 0)), point, 0, RunFixtures.HOLDOUT, acc);
        }
        Report.write(dir, new Output().stream);

        for (String momentum : List.of("0.8", "0.9")) {
            assertEquals(800, png(dir.resolve("heatmap_sgd-momentum=" + momentum + ".png")).getWidth());
        }
        List<Heatmap> heatmaps = Heatmap.of(Study.load(dir));
        assertEquals(Map.of("sgd-momentum", "0.9"), heatmaps.get(1).fixed());
        // Row 1 (lr-scale 2), column 0 (batch-size 500) at momentum 0.9: 0.920 + 0.01.
        assertEquals(0.930, heatmaps.get(1).means()[1][0], EXACT);
        assertEquals(0.920, heatmaps.get(0).means()[1][0], EXACT);
    }

    @Test
    void anOlderSummaryWithoutSomeMeasuresLeavesTheirCellsEmpty(@TempDir Path dir) throws IOException {
        Path run = dir.resolve("old");
        RunFixtures.finished(run, Map.of(), 0, 0, 0.93);
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) RunFixtures.JSON.readTree(
                run.resolve("summary.json").toFile());
        tree.remove(List.of("test_acc", "val_acc", "tta_val_acc", "holdout", "holdout_seed", "dataset"));
        tree.put("a_field_from_a_newer_version", 1);
        Files.write(run.resolve("summary.json"), RunFixtures.JSON.writeValueAsBytes(tree));
        RunFixtures.finished(dir.resolve("new"), Map.of(), 1, 0, 0.95);
        Report.write(dir, new Output().stream);

        List<List<String>> rows = csv(dir.resolve("results.csv"));
        assertCells(List.of("new", "1", "2", "finished", "", "", "0.95", "0.945", "20", "25"), rows.get(1));
        assertCells(List.of("old", "0", "2", "finished", "", "", "0.93", "", "10", "15"), rows.get(2));
    }

    @Test
    void metricsRowsFromANewerVersionStillRead(@TempDir Path dir) throws IOException {
        RunFixtures.finished(dir, Map.of(), 0, 0, 0.93);
        Path metrics = dir.resolve("metrics.jsonl");
        List<String> rows = Files.readAllLines(metrics).stream()
                .map(row -> row.replaceFirst("^\\{", "{\"a_field_from_a_newer_version\": {\"x\": [1]}, "))
                .toList();
        Files.write(metrics, rows);
        RunRecord run = RunRecord.read(dir, dir);
        assertEquals(List.of(1, 2), run.epochs().stream().map(EpochMetrics::epoch).toList());
        assertTrue(run.finished());
    }

    @Test
    void aBrokenMetricsLineIsAnInputErrorNamingTheFile(@TempDir Path dir) throws IOException {
        RunFixtures.finished(dir.resolve("a"), Map.of(), 0, 0, 0.93);
        Files.writeString(dir.resolve("a/metrics.jsonl"), "{\"epoch\": 1}\nnot json\n");
        InputError error = assertThrows(InputError.class, () -> Report.write(dir, new Output().stream));
        assertTrue(error.getMessage().startsWith("cannot read " + dir.resolve("a/metrics.jsonl")
                + " (line 2 is not a metrics row"), error.getMessage());
        assertFalse(Files.exists(dir.resolve("results.csv")));
    }
}
