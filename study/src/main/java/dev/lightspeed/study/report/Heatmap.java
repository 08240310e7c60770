package dev.lightspeed.study.report;

import dev.lightspeed.study.Stats;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.annotations.XYShapeAnnotation;
import org.jfree.chart.annotations.XYTextAnnotation;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.axis.SymbolAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.LookupPaintScale;
import org.jfree.chart.renderer.xy.XYBlockRenderer;
import org.jfree.chart.title.PaintScaleLegend;
import org.jfree.chart.ui.RectangleEdge;
import org.jfree.chart.ui.RectangleInsets;
import org.jfree.chart.ui.TextAnchor;
import org.jfree.data.xy.DefaultXYZDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.geom.Rectangle2D;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Mean primary accuracy over a grid of two axes: the first axis across, the second upwards, each in the sweep's
 * order. Each cell prints its mean (and ± std and n), the best cell is outlined and starred. A study with more
 * axes gets one heatmap per combination of the other axes' values that has a finished run.
 */
final class Heatmap {

    /** A cell of the grid: {@code row} indexes the second axis's values, {@code column} the first's. */
    public record Cell(int row, int column) {
    }

    private static final Color[] PALETTE = {new Color(0x440154), new Color(0x3B528B), new Color(0x21918C),
            new Color(0x5EC962), new Color(0xFDE725)};
    private static final Color EMPTY = new Color(0xEEEEEE);
    /** A cell whose every run diverged: a finding about that setting, not a missing value. */
    static final String DIVERGED = "diverged";
    private static final int SCALE_STEPS = 100;

    private final Study study;
    private final Axis across;
    private final Axis up;
    /** The other axes' values this heatmap holds fixed ({@code momentum=0.9}), empty with two axes. */
    private final Map<String, String> fixed;
    private final PointSummary[][] cells;

    private Heatmap(Study study, Map<String, String> fixed) {
        this.study = study;
        this.across = study.axes().get(0);
        this.up = study.axes().get(1);
        this.fixed = Map.copyOf(fixed);
        this.cells = new PointSummary[up.values().size()][across.values().size()];
        for (PointSummary summary : study.points()) {
            List<String> values = summary.point().values();
            int column = across.values().indexOf(values.get(0));
            int row = up.values().indexOf(values.get(1));
            if (column >= 0 && row >= 0 && holdsFixed(values)) {
                cells[row][column] = summary;
            }
        }
    }

    private boolean holdsFixed(List<String> values) {
        for (int i = 2; i < values.size(); i++) {
            if (!values.get(i).equals(fixed.get(study.axes().get(i).name()))) {
                return false;
            }
        }
        return true;
    }

    /** None for fewer than two axes. */
    public static List<Heatmap> of(Study study) {
        if (study.axes().size() < 2) {
            return List.of();
        }
        List<Axis> others = study.axes().subList(2, study.axes().size());
        Set<List<String>> combinations = new LinkedHashSet<>();
        for (PointSummary point : study.points()) {
            if (point.n() > 0 || point.diverged() > 0) {
                combinations.add(point.point().values().subList(2, point.point().values().size()));
            }
        }
        List<Heatmap> maps = new ArrayList<>();
        for (List<String> combination : combinations) {
            Map<String, String> fixed = new LinkedHashMap<>();
            for (int i = 0; i < others.size(); i++) {
                fixed.put(others.get(i).name(), combination.get(i));
            }
            maps.add(new Heatmap(study, fixed));
        }
        return maps;
    }

    /** {@code heatmap.png}, or {@code heatmap_momentum=0.9.png} with more than two axes. */
    public String fileName() {
        StringBuilder name = new StringBuilder("heatmap");
        fixed.forEach((axis, value) -> name.append('_').append(Charts.fileName(axis + "=" + value)));
        return name.append(".png").toString();
    }

    public Map<String, String> fixed() {
        return fixed;
    }

    /**
     * The means drawn, as fractions like summary.csv's: {@code means()[row][column]}, NaN where the point has no
     * finished run.
     */
    public double[][] means() {
        double[][] means = new double[cells.length][];
        for (int row = 0; row < cells.length; row++) {
            means[row] = Arrays.stream(cells[row]).mapToDouble(this::mean).toArray();
        }
        return means;
    }

    private double mean(PointSummary cell) {
        return cell == null ? Double.NaN : cell.stats(study.primary().measure()).mean();
    }

    /** The cell with the highest mean, if any cell has one. */
    public Optional<Cell> best() {
        Cell best = null;
        double[][] means = means();
        for (int row = 0; row < means.length; row++) {
            for (int column = 0; column < means[row].length; column++) {
                if (!Double.isNaN(means[row][column])
                        && (best == null || means[row][column] > means[best.row()][best.column()])) {
                    best = new Cell(row, column);
                }
            }
        }
        return Optional.ofNullable(best);
    }

    public JFreeChart chart() {
        double[][] means = means();
        // Heatmap.of makes no heatmap without a finished run, so the range is never empty.
        DoubleSummaryStatistics range = Arrays.stream(means).flatMapToDouble(Arrays::stream)
                .filter(v -> !Double.isNaN(v)).summaryStatistics();
        DefaultXYZDataset dataset = new DefaultXYZDataset();
        List<double[]> filled = new ArrayList<>();
        for (int row = 0; row < means.length; row++) {
            for (int column = 0; column < means[row].length; column++) {
                if (!Double.isNaN(means[row][column])) {
                    filled.add(new double[] {column, row, 100 * means[row][column]});
                }
            }
        }
        dataset.addSeries("mean", new double[][] {
                filled.stream().mapToDouble(c -> c[0]).toArray(),
                filled.stream().mapToDouble(c -> c[1]).toArray(),
                filled.stream().mapToDouble(c -> c[2]).toArray()});

        LookupPaintScale scale = paintScale(100 * range.getMin(), 100 * range.getMax());
        XYBlockRenderer renderer = new XYBlockRenderer();
        renderer.setPaintScale(scale);
        XYPlot plot = new XYPlot(dataset, categorical(across), categorical(up), renderer);
        plot.setDomainGridlinesVisible(false);
        plot.setRangeGridlinesVisible(false);
        plot.setAxisOffset(RectangleInsets.ZERO_INSETS);
        annotate(plot, means, scale);

        JFreeChart chart = new JFreeChart(title(), JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        NumberAxis legendAxis = new NumberAxis(study.primary().label());
        legendAxis.setAutoRangeIncludesZero(false);
        PaintScaleLegend legend = new PaintScaleLegend(scale, legendAxis);
        legend.setPosition(RectangleEdge.RIGHT);
        legend.setStripWidth(16);
        legend.setMargin(new RectangleInsets(8, 8, 8, 8));
        chart.addSubtitle(legend);
        Charts.styled(chart, subtitle());
        // Cells without a finished run show the background.
        plot.setBackgroundPaint(EMPTY);
        return chart;
    }

    private String title() {
        StringBuilder title = new StringBuilder("Mean " + study.primary().label());
        fixed.forEach((axis, value) -> title.append(", ").append(axis).append('=').append(value));
        return title.toString();
    }

    private String subtitle() {
        String best = best().map(cell -> "; * best, outlined: " + across.name() + "=" + across.values()
                .get(cell.column()) + ", " + up.name() + "=" + up.values().get(cell.row())).orElse("");
        return "each cell: mean over repeats, ± sample std, n finished runs" + best;
    }

    private void annotate(XYPlot plot, double[][] means, LookupPaintScale scale) {
        int rows = means.length;
        int columns = rows == 0 ? 0 : means[0].length;
        // Text shrinks with the cells so that a large grid stays legible.
        float size = (float) Math.max(9, Math.min(18, Math.min(560.0 / columns / 6, 440.0 / rows / 3.5)));
        Font valueFont = new Font(Font.SANS_SERIF, Font.BOLD, Math.round(size));
        Font detailFont = new Font(Font.SANS_SERIF, Font.PLAIN, Math.round(size * 0.75f));
        Optional<Cell> best = best();
        for (int row = 0; row < rows; row++) {
            for (int column = 0; column < columns; column++) {
                PointSummary cell = cells[row][column];
                if (cell == null || cell.n() == 0) {
                    plot.addAnnotation(text(cell != null && cell.allDiverged() ? DIVERGED : "no finished run", column,
                            row, cell != null && cell.allDiverged() ? valueFont : detailFont, Color.DARK_GRAY));
                    continue;
                }
                Stats stats = cell.stats(study.primary().measure());
                Color ink = readableOn((Color) scale.getPaint(100 * means[row][column]));
                boolean isBest = best.isPresent() && best.get().equals(new Cell(row, column));
                plot.addAnnotation(text(valueText(stats) + (isBest ? "*" : ""), column, row + 0.12, valueFont, ink));
                plot.addAnnotation(text(detailText(stats, cell.n(), cell.diverged()), column, row - 0.18, detailFont, ink));
                if (isBest) {
                    plot.addAnnotation(new XYShapeAnnotation(new Rectangle2D.Double(column - 0.47, row - 0.47,
                            0.94, 0.94), new BasicStroke(4f), Color.RED));
                }
            }
        }
    }

    /** The mean as printed in a cell, in percent. */
    static String valueText(Stats stats) {
        return Charts.percent(stats.mean());
    }

    static String detailText(Stats stats, int n, int diverged) {
        return (stats.hasStd() ? "±" + Charts.percent(stats.std()) + " " : "") + "n=" + n
                + (diverged > 0 ? ", " + diverged + " diverged" : "");
    }

    private static XYTextAnnotation text(String text, double x, double y, Font font, Color ink) {
        XYTextAnnotation annotation = new XYTextAnnotation(text, x, y);
        annotation.setFont(font);
        annotation.setPaint(ink);
        annotation.setTextAnchor(TextAnchor.CENTER);
        return annotation;
    }

    private static SymbolAxis categorical(Axis axis) {
        SymbolAxis symbols = new SymbolAxis(axis.name(), axis.values().toArray(String[]::new));
        symbols.setGridBandsVisible(false);
        symbols.setRange(-0.5, axis.values().size() - 0.5);
        return symbols;
    }

    /** Viridis from the lowest mean to the highest (a single value gets a band of one point around it). */
    private static LookupPaintScale paintScale(double lowest, double highest) {
        if (!(highest > lowest)) {
            lowest -= 0.5;
            highest += 0.5;
        }
        LookupPaintScale scale = new LookupPaintScale(lowest, highest, EMPTY);
        for (int step = 0; step < SCALE_STEPS; step++) {
            double t = step / (SCALE_STEPS - 1.0);
            scale.add(lowest + t * (highest - lowest), interpolate(t));
        }
        return scale;
    }

    private static Color interpolate(double t) {
        double position = t * (PALETTE.length - 1);
        int index = Math.min((int) position, PALETTE.length - 2);
        double f = position - index;
        Color a = PALETTE[index];
        Color b = PALETTE[index + 1];
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    private static Color readableOn(Color background) {
        double luminance = 0.299 * background.getRed() + 0.587 * background.getGreen() + 0.114 * background.getBlue();
        return luminance > 140 ? Color.BLACK : Color.WHITE;
    }
}
