package dev.lightspeed.study.report;

import dev.lightspeed.study.Stats;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.CategoryTextAnnotation;
import org.jfree.chart.axis.AxisLocation;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.chart.renderer.category.StatisticalBarRenderer;
import org.jfree.chart.ui.Layer;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.Range;
import org.jfree.data.category.CategoryDataset;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Paint;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The report of an ablation study: a sweep whose one axis is {@code ablation}, its first value {@code none} (the
 * full recipe) and each other value one assignment applied alone to it. Each ablation's change in the primary
 * accuracy against the full recipe, in percentage points: {@code ablation.png} (horizontal bars sorted by change)
 * and a table in report.md.
 *
 * <p>The change is the ablation's mean over its finished runs minus the full recipe's. Its spread is the sample std
 * of the per-seed difference where both points finished the same two or more seeds (every point runs the same
 * seeds, so the difference cancels what a seed does to both), else the sample std of the ablation's own runs where
 * two or more finished, else none.
 */
final class Ablation {

    static final String FILE = "ablation.png";
    private static final String SERIES = "change against the full recipe";
    private static final Color WORSE = new Color(0xD62728);
    private static final Color BETTER = new Color(0x2CA02C);

    /** What a change's spread was measured on. */
    enum Spread {
        /** The per-seed differences from the full recipe. */
        PAIRED,
        /** The ablation's own runs: the seeds of the two points do not pair up. */
        ABLATED,
        /** Nothing: fewer than two runs, or no change. */
        NONE
    }

    /**
     * One ablation against the full recipe.
     *
     * @param ablation  the assignment, as sweep.json names the point ({@code whitening=off})
     * @param change    the ablation's mean accuracy minus the full recipe's, a fraction; NaN when either point has no
     *                  finished run
     * @param changeStd the sample std of the change, a fraction, as {@code spread} says; NaN with {@link Spread#NONE}
     */
    record Row(PointSummary point, String ablation, double change, double changeStd, Spread spread) {

        boolean hasChange() {
            return !Double.isNaN(change);
        }
    }

    private Ablation() {
    }

    /** True for a sweep whose only axis is an ablation axis. */
    static boolean applies(Study study) {
        return study.axesFromSweep() && study.axes().size() == 1 && study.axes().get(0).name()
                .equals(dev.lightspeed.study.Axis.ABLATION) && !study.axes().get(0).values().isEmpty()
                && study.axes().get(0).values().get(0).equals(dev.lightspeed.study.Axis.FULL_RECIPE);
    }

    /** The full recipe's point, if sweep.json plans it. */
    static Optional<PointSummary> full(Study study) {
        return study.points().stream().filter(Ablation::isFull).findFirst();
    }

    private static boolean isFull(PointSummary point) {
        return point.point().values().get(0).equals(dev.lightspeed.study.Axis.FULL_RECIPE);
    }

    /**
     * Every ablation but the full recipe, sorted by change (most harmful first); those without a change (diverged,
     * not finished, or no finished run of the full recipe) last, in the sweep's order.
     */
    static List<Row> rows(Study study) {
        Measure measure = study.primary().measure();
        Optional<PointSummary> full = full(study);
        Stats fullStats = full.map(p -> p.stats(measure)).orElse(Stats.of(List.of()));
        Map<Long, Double> fullBySeed = full.map(p -> bySeed(study, p.point(), measure)).orElse(Map.of());
        List<Row> rows = new ArrayList<>();
        for (PointSummary point : study.points()) {
            if (isFull(point)) {
                continue;
            }
            Stats stats = point.stats(measure);
            double change = stats.hasMean() && fullStats.hasMean() ? stats.mean() - fullStats.mean() : Double.NaN;
            Map<Long, Double> mine = bySeed(study, point.point(), measure);
            Spread spread = Spread.NONE;
            double std = Double.NaN;
            if (!Double.isNaN(change) && mine.size() >= 2 && mine.keySet().equals(fullBySeed.keySet())) {
                spread = Spread.PAIRED;
                std = Stats.of(mine.entrySet().stream().map(e -> e.getValue() - fullBySeed.get(e.getKey()))
                        .toList()).std();
            } else if (!Double.isNaN(change) && stats.hasStd()) {
                spread = Spread.ABLATED;
                std = stats.std();
            }
            rows.add(new Row(point, point.point().values().get(0), change, std, spread));
        }
        rows.sort(Comparator.comparing((Row row) -> !row.hasChange())
                .thenComparingDouble(row -> row.hasChange() ? row.change() : 0));
        return rows;
    }

    /** The primary accuracy of each finished run at {@code point}, by seed. */
    private static Map<Long, Double> bySeed(Study study, Point point, Measure measure) {
        Map<Long, Double> values = new LinkedHashMap<>();
        for (Study.PlacedRun placed : study.runs()) {
            Double value = placed.run().value(measure);
            if (point.equals(placed.point()) && value != null) {
                values.put(placed.run().summary().seed(), value);
            }
        }
        return values;
    }

    /** The bar of each ablation, red where it costs accuracy, green where it gains. */
    private static final class SignedBars extends StatisticalBarRenderer {
        private static final long serialVersionUID = 1L;

        @Override
        public Paint getItemPaint(int row, int column) {
            CategoryDataset data = getPlot().getDataset();
            Number value = data.getValue(row, column);
            return value != null && value.doubleValue() < 0 ? WORSE : BETTER;
        }
    }

    static JFreeChart chart(Study study) {
        List<Row> rows = rows(study);
        DefaultStatisticalCategoryDataset dataset = new DefaultStatisticalCategoryDataset();
        List<String> categories = new ArrayList<>();
        for (Row row : rows) {
            String category = category(row);
            categories.add(category);
            dataset.add(row.hasChange() ? 100 * row.change() : null,
                    Double.isNaN(row.changeStd()) ? null : 100 * row.changeStd(), SERIES, category);
        }
        SignedBars renderer = new SignedBars();
        renderer.setErrorIndicatorPaint(Color.BLACK);
        renderer.setErrorIndicatorStroke(new BasicStroke(1.5f));
        renderer.setShadowVisible(false);
        renderer.setMaximumBarWidth(0.12);
        NumberAxis change = new NumberAxis("change in " + study.primary().measure().description()
                + ", against none (percentage points)");
        change.setRange(range(rows));
        CategoryAxis ablations = new CategoryAxis(dev.lightspeed.study.Axis.ABLATION);
        ablations.setMaximumCategoryLabelWidthRatio(0.45f);
        CategoryPlot plot = new CategoryPlot(dataset, ablations, change, renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        ValueMarker zero = new ValueMarker(0, Color.BLACK, new BasicStroke(1f));
        plot.addRangeMarker(zero, Layer.FOREGROUND);
        plot.setRangeAxisLocation(AxisLocation.BOTTOM_OR_RIGHT);
        for (int i = 0; i < rows.size(); i++) {
            Row row = rows.get(i);
            // The change printed on the far side of the zero line from its bar; why there is no bar, where it would be.
            boolean left = row.hasChange() && row.change() > 0;
            CategoryTextAnnotation note = new CategoryTextAnnotation(row.hasChange() ? " " + changeText(row) + " "
                    : missing(row), categories.get(i), 0);
            note.setFont(new Font(Font.SANS_SERIF, row.hasChange() ? Font.PLAIN : Font.ITALIC, 12));
            note.setPaint(row.hasChange() ? Color.BLACK : Color.DARK_GRAY);
            note.setTextAnchor(left ? TextAnchor.CENTER_RIGHT : TextAnchor.CENTER_LEFT);
            plot.addAnnotation(note);
        }
        JFreeChart chart = new JFreeChart("Ablations against the full recipe (" + fullAccuracy(study) + ")",
                JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        return Charts.styled(chart, subtitle(rows));
    }

    /**
     * The change axis's span, in percentage points: zero, every bar and its error bar, and room beside the zero line
     * for the text printed on the far side from each bar (a third of the span).
     */
    private static Range range(List<Row> rows) {
        double low = 0;
        double high = 0;
        for (Row row : rows) {
            if (row.hasChange()) {
                double spread = Double.isNaN(row.changeStd()) ? 0 : row.changeStd();
                low = Math.min(low, 100 * (row.change() - spread));
                high = Math.max(high, 100 * (row.change() + spread));
            }
        }
        double span = high - low > 0 ? high - low : 1;
        if (rows.stream().anyMatch(r -> !r.hasChange() || r.change() <= 0)) {
            high = Math.max(high, span / 3);
        }
        if (rows.stream().anyMatch(r -> r.hasChange() && r.change() > 0)) {
            low = Math.min(low, -span / 3);
        }
        double margin = 0.05 * (high - low);
        return new Range(low - margin, high + margin);
    }

    /** {@code whitening=off (n=2)}, with the runs that diverged, or why it has no bar. */
    private static String category(Row row) {
        PointSummary point = row.point();
        if (point.allDiverged()) {
            return row.ablation() + " (" + Heatmap.DIVERGED + ")";
        }
        if (point.n() == 0) {
            return row.ablation() + " (no finished run)";
        }
        return row.ablation() + " (n=" + point.n() + (point.diverged() > 0 ? ", " + point.diverged() + " diverged"
                : "") + ")";
    }

    /** Why a row has no bar. */
    private static String missing(Row row) {
        if (row.point().allDiverged()) {
            return " " + Heatmap.DIVERGED;
        }
        if (row.point().n() == 0) {
            return " no finished run";
        }
        return " no finished run of the full recipe to compare with";
    }

    /** {@code 94.20 % held-out validation accuracy, TTA, n=2}, or why there is no such number. */
    private static String fullAccuracy(Study study) {
        Optional<PointSummary> full = full(study);
        if (full.isEmpty() || full.get().n() == 0) {
            return full.isPresent() && full.get().allDiverged() ? "diverged" : "no finished run";
        }
        Stats stats = full.get().stats(study.primary().measure());
        return MarkdownReport.meanStd(stats, true) + " %, n=" + full.get().n();
    }

    private static String subtitle(List<Row> rows) {
        String spread;
        if (rows.stream().noneMatch(r -> r.spread() != Spread.NONE)) {
            spread = "no error bars: fewer than two finished runs per point";
        } else if (rows.stream().anyMatch(r -> r.spread() == Spread.ABLATED)) {
            spread = "error bars: ± sample std of the per-seed difference (of the ablation's runs where seeds do"
                    + " not pair)";
        } else {
            spread = "error bars: ± sample std of the per-seed difference";
        }
        return "bars: each ablation's mean change over repeats, most harmful first; " + spread;
    }

    /** The table of report.md: the full recipe, then each ablation in the figure's order. */
    static String table(Study study) {
        Measure measure = study.primary().measure();
        StringBuilder table = new StringBuilder(MarkdownReport.row(List.of(dev.lightspeed.study.Axis.ABLATION, "n",
                "mean " + measure.label(), "change vs none (pp)", Measure.TRAIN_SECONDS.label())));
        table.append(MarkdownReport.row(List.of("---", "---", "---", "---", "---")));
        Optional<PointSummary> full = full(study);
        full.ifPresent(point -> table.append(MarkdownReport.row(List.of(point.point().values().get(0)
                + " (full recipe)", count(point), accuracy(point, measure), "(reference)",
                MarkdownReport.meanStd(point.stats(Measure.TRAIN_SECONDS), false)))));
        boolean fullMeasured = full.isPresent() && full.get().stats(measure).hasMean();
        for (Row row : rows(study)) {
            String change;
            if (row.hasChange()) {
                change = changeText(row) + (row.spread() == Spread.ABLATED ? " (std of its runs)" : "");
            } else if (row.point().allDiverged()) {
                change = Heatmap.DIVERGED;
            } else {
                change = row.point().n() == 0 ? "– (no finished run)" : "– (the full recipe has no finished run)";
            }
            table.append(MarkdownReport.row(List.of(row.ablation(), count(row.point()), accuracy(row.point(), measure),
                    change, MarkdownReport.meanStd(row.point().stats(Measure.TRAIN_SECONDS), false))));
        }
        String note = "Change: the ablation's mean minus the full recipe's, in percentage points; ± the sample std "
                + "over seeds of the per-seed difference (every point runs the same seeds), or of the ablation's own "
                + "runs where the seeds do not pair up.";
        return table + "\n" + (fullMeasured ? note : note + " The full recipe has no finished run yet, so no change "
                + "is measured.") + "\n";
    }

    /** {@code -0.90 ± 0.14}, in percentage points; without the ± where there is no spread. */
    private static String changeText(Row row) {
        return points(row.change()) + (Double.isNaN(row.changeStd()) ? "" : " ± " + Charts.percent(row.changeStd()));
    }

    private static String count(PointSummary point) {
        return point.n() + (point.diverged() > 0 ? " (" + point.diverged() + " diverged)" : "");
    }

    private static String accuracy(PointSummary point, Measure measure) {
        return point.allDiverged() ? Heatmap.DIVERGED : MarkdownReport.meanStd(point.stats(measure), true);
    }

    /** A change in percentage points with its sign: {@code -0.90}, {@code +0.30}, {@code 0.00}. */
    static String points(double fraction) {
        double points = 100 * fraction;
        if (Math.round(points * 100) == 0) {
            return "0.00";
        }
        return String.format(Locale.ROOT, "%+.2f", points);
    }
}
