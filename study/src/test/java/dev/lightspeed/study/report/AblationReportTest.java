package dev.lightspeed.study.report;

import dev.lightspeed.study.PlannedRun;
import dev.lightspeed.study.SweepSpec;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.CategoryTextAnnotation;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.title.TextTitle;
import org.jfree.data.statistics.StatisticalCategoryDataset;
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
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report on an ablation sweep: sweep.json written by {@link SweepSpec}, runs fabricated at its planned folders
 * with accuracies chosen so that every change and spread can be worked out by hand.
 */
class AblationReportTest {

    private static final double EXACT = 1e-12;
    private static final List<String> ABLATIONS = List.of("whitening=off", "label-smoothing=0", "flip=random",
            "tta-level=0", "activation=relu");

    /**
     * Two seeds per point. Primary accuracy: none 0.940, 0.944; whitening=off 0.930, 0.936; label-smoothing=0
     * 0.935, 0.935; flip=random 0.945 and a divergence; tta-level=0 two divergences; activation=relu not started.
     */
    private static Path sweep(Path dir, int holdout) throws IOException {
        SweepSpec spec = new SweepSpec(RunFixtures.recipe(Map.of()),
                List.of(dev.lightspeed.study.Axis.ablation(ABLATIONS)), 2, 0, holdout);
        spec.claim(dir);
        for (PlannedRun run : spec.plan()) {
            Path folder = dir.resolve(run.folder());
            int seed = (int) run.seed();
            switch (run.point().get("ablation")) {
                case "none" -> RunFixtures.finished(folder, run.point(), seed, holdout, seed == 0 ? 0.940 : 0.944);
                case "whitening=off" -> RunFixtures.finished(folder, run.point(), seed, holdout,
                        seed == 0 ? 0.930 : 0.936);
                case "label-smoothing=0" -> RunFixtures.finished(folder, run.point(), seed, holdout, 0.935);
                case "flip=random" -> {
                    if (seed == 0) {
                        RunFixtures.finished(folder, run.point(), seed, holdout, 0.945);
                    } else {
                        RunFixtures.diverged(folder, run.point(), seed, holdout, 7);
                    }
                }
                case "tta-level=0" -> RunFixtures.diverged(folder, run.point(), seed, holdout, 3);
                default -> {
                    // activation=relu: not started.
                }
            }
        }
        return dir;
    }

    private static PrintStream quiet() {
        return new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    }

    @Test
    void eachAblationsChangeIsItsMeanMinusTheFullRecipesWithThePerSeedSpread(@TempDir Path dir) throws IOException {
        Study study = Study.load(sweep(dir, RunFixtures.HOLDOUT));
        assertTrue(Ablation.applies(study));
        assertEquals(0.942, Ablation.full(study).orElseThrow().stats(Measure.TTA_VAL_ACC).mean(), EXACT);

        List<Ablation.Row> rows = Ablation.rows(study);
        assertEquals(List.of("whitening=off", "label-smoothing=0", "flip=random", "tta-level=0", "activation=relu"),
                rows.stream().map(Ablation.Row::ablation).toList(), "sorted by change, those without one last");
        // whitening=off: mean 0.933; per-seed differences -0.010 and -0.008.
        assertEquals(-0.009, rows.get(0).change(), EXACT);
        assertEquals(0.002 / Math.sqrt(2), rows.get(0).changeStd(), EXACT);
        assertEquals(Ablation.Spread.PAIRED, rows.get(0).spread());
        // label-smoothing=0: mean 0.935; differences -0.005 and -0.009, although its own runs do not spread.
        assertEquals(-0.007, rows.get(1).change(), EXACT);
        assertEquals(0.004 / Math.sqrt(2), rows.get(1).changeStd(), EXACT);
        // flip=random: one finished run, no spread.
        assertEquals(0.003, rows.get(2).change(), EXACT);
        assertTrue(Double.isNaN(rows.get(2).changeStd()));
        assertEquals(Ablation.Spread.NONE, rows.get(2).spread());
        assertFalse(rows.get(3).hasChange());
        assertTrue(rows.get(3).point().allDiverged());
        assertFalse(rows.get(4).hasChange());
        assertEquals(0, rows.get(4).point().n());
    }

    @Test
    void theFigureDrawsTheChangesInPercentagePointsAsSortedHorizontalBars(@TempDir Path dir) throws IOException {
        JFreeChart chart = Ablation.chart(Study.load(sweep(dir, RunFixtures.HOLDOUT)));
        CategoryPlot plot = chart.getCategoryPlot();
        assertEquals(PlotOrientation.HORIZONTAL, plot.getOrientation());
        StatisticalCategoryDataset data = (StatisticalCategoryDataset) plot.getDataset();
        assertEquals(List.of("whitening=off (n=2)", "label-smoothing=0 (n=2)", "flip=random (n=1, 1 diverged)",
                "tta-level=0 (diverged)", "activation=relu (no finished run)"), data.getColumnKeys());
        assertEquals(-0.9, data.getMeanValue(0, 0).doubleValue(), 1e-9);
        assertEquals(0.2 / Math.sqrt(2), data.getStdDevValue(0, 0).doubleValue(), 1e-9);
        assertEquals(-0.7, data.getMeanValue(0, 1).doubleValue(), 1e-9);
        assertEquals(0.4 / Math.sqrt(2), data.getStdDevValue(0, 1).doubleValue(), 1e-9);
        assertEquals(0.3, data.getMeanValue(0, 2).doubleValue(), 1e-9);
        assertNull(data.getStdDevValue(0, 2));
        assertNull(data.getMeanValue(0, 3));
        assertNull(data.getMeanValue(0, 4));
        // JFreeChart 1.5 hands the annotations out as a raw list.
        List<?> annotations = plot.getAnnotations();
        List<CategoryTextAnnotation> notes = annotations.stream().map(a -> (CategoryTextAnnotation) a).toList();
        assertEquals(List.of("-0.90 ± 0.14", "-0.70 ± 0.28", "+0.30", "diverged", "no finished run"),
                notes.stream().map(a -> a.getText().trim()).toList(), "each bar's change, or why it has none");
        assertEquals(data.getColumnKeys(), notes.stream().map(CategoryTextAnnotation::getCategory).toList());
        assertEquals("Ablations against the full recipe (94.20 ± 0.28 %, n=2)", chart.getTitle().getText());
        assertEquals("change in held-out validation accuracy, TTA, against none (percentage points)",
                plot.getRangeAxis().getLabel());
        String subtitle = ((TextTitle) chart.getSubtitle(0)).getText();
        assertTrue(subtitle.contains("error bars: ± sample std of the per-seed difference"), subtitle);
    }

    @Test
    void withoutHeldOutImagesTheFigureSaysItComparesTestAccuracy(@TempDir Path dir) throws IOException {
        JFreeChart chart = Ablation.chart(Study.load(sweep(dir, 0)));
        assertEquals("change in test accuracy, TTA, against none (percentage points)",
                chart.getCategoryPlot().getRangeAxis().getLabel());
    }

    @Test
    void theReportWritesAblationPngAndTheChangeTable(@TempDir Path dir) throws IOException {
        Report.Written written = Report.write(sweep(dir, RunFixtures.HOLDOUT), quiet());
        assertEquals(7, written.finishedRuns());
        assertEquals(3, written.divergedRuns());
        assertEquals(2, written.notStarted());
        assertTrue(Files.isRegularFile(dir.resolve("ablation=whitening-off/seed-1/summary.json")));

        BufferedImage image = ImageIO.read(dir.resolve(Ablation.FILE).toFile());
        assertEquals(800, image.getWidth());
        assertEquals(600, image.getHeight());
        assertTrue(written.files().contains(dir.resolve(Ablation.FILE)));
        assertFalse(Files.exists(dir.resolve("accuracy-vs-ablation.png")), "an ablation is no scale to draw a line on");
        assertTrue(Files.isRegularFile(dir.resolve("curves.png")));
        assertTrue(Files.isRegularFile(dir.resolve("time-vs-accuracy.png")));

        String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("](ablation.png)"), report);
        assertFalse(report.contains("Best point"), "an ablation study names no winner: " + report);
        List<String> table = List.of(
                "| ablation | n | mean held-out validation accuracy, TTA (%) | change vs none (pp) | training seconds |",
                "| none (full recipe) | 2 | 94.20 ± 0.28 | (reference) | 15.0 ± 7.1 |",
                "| whitening=off | 2 | 93.30 ± 0.42 | -0.90 ± 0.14 | 15.0 ± 7.1 |",
                "| label-smoothing=0 | 2 | 93.50 ± 0.00 | -0.70 ± 0.28 | 15.0 ± 7.1 |",
                "| flip=random | 1 (1 diverged) | 94.50 | +0.30 | 10.0 |",
                "| tta-level=0 | 0 (2 diverged) | diverged | diverged | – |",
                "| activation=relu | 0 | – | – (no finished run) | – |");
        int at = -1;
        for (String row : table) {
            int next = report.indexOf(row + "\n");
            assertTrue(next > at, "missing or out of order: " + row + "\n" + report);
            at = next;
        }
        assertTrue(report.indexOf("## Ablations") < report.indexOf("## Summary"), report);

        List<String> summary = Files.readAllLines(dir.resolve("summary.csv"));
        assertTrue(summary.get(0).startsWith("ablation,n,diverged,"), summary.get(0));
        assertTrue(summary.get(1).startsWith("none,2,0,"), summary.get(1));
        assertTrue(summary.get(2).startsWith("whitening=off,2,0,"), summary.get(2));
    }

    @Test
    void whereTheSeedsDoNotPairTheSpreadIsTheAblationsOwn(@TempDir Path dir) throws IOException {
        SweepSpec spec = new SweepSpec(RunFixtures.recipe(Map.of()),
                List.of(dev.lightspeed.study.Axis.ablation(List.of("whitening=off"))), 2, 0, RunFixtures.HOLDOUT);
        spec.claim(dir);
        List<PlannedRun> runs = spec.plan();
        // The full recipe's seed 1 stopped after its first epoch.
        RunFixtures.finished(dir.resolve(runs.get(0).folder()), runs.get(0).point(), 0, RunFixtures.HOLDOUT, 0.940);
        RunFixtures.unfinished(dir.resolve(runs.get(1).folder()), 1, RunFixtures.HOLDOUT, 0.944);
        RunFixtures.finished(dir.resolve(runs.get(2).folder()), runs.get(2).point(), 0, RunFixtures.HOLDOUT, 0.930);
        RunFixtures.finished(dir.resolve(runs.get(3).folder()), runs.get(3).point(), 1, RunFixtures.HOLDOUT, 0.936);
        Report.write(dir, quiet());

        Ablation.Row row = Ablation.rows(Study.load(dir)).get(0);
        assertEquals(-0.007, row.change(), EXACT);
        assertEquals(Ablation.Spread.ABLATED, row.spread());
        assertEquals(0.006 / Math.sqrt(2), row.changeStd(), EXACT);
        String report = Files.readString(dir.resolve("report.md"));
        assertTrue(report.contains("| whitening=off | 2 | 93.30 ± 0.42 | -0.70 ± 0.42 (std of its runs) | 15.0 ± 7.1 |"),
                report);
        assertTrue(report.contains("| none (full recipe) | 1 | 94.00 | (reference) | 10.0 |"), report);
    }

    @Test
    void aGridSweepOfOneAxisKeepsItsLineFigure(@TempDir Path dir) throws IOException {
        Map<String, List<String>> axes = Map.of("flip", List.of("alternating", "random"));
        RunFixtures.sweepJson(dir, axes, 1);
        for (Map<String, String> point : RunFixtures.grid(axes)) {
            RunFixtures.finished(dir.resolve(RunFixtures.folderOf(point, 0)), point, 0, RunFixtures.HOLDOUT, 0.93);
        }
        Report.write(dir, quiet());
        assertFalse(Ablation.applies(Study.load(dir)));
        assertTrue(Files.isRegularFile(dir.resolve("accuracy-vs-flip.png")));
        assertFalse(Files.exists(dir.resolve(Ablation.FILE)));
        assertFalse(Files.readString(dir.resolve("report.md")).contains("## Ablations"));
    }
}
