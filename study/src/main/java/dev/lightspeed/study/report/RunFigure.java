package dev.lightspeed.study.report;

import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.RunSummary;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.LegendItem;
import org.jfree.chart.LegendItemCollection;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CombinedDomainXYPlot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.awt.BasicStroke;
import java.awt.Color;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One run's loss (above) and accuracy (below) per epoch, one colour per split: the augmented training batches,
 * the held-out validation images (when the run held some out) and the test split.
 */
final class RunFigure {

    static final String FILE = "run.png";

    /** What one split contributes: its name, its colour, and its loss and accuracy in a metrics row. */
    private record Split(String name, Color color, Function<EpochMetrics, Double> loss,
                         Function<EpochMetrics, Double> accuracy) {
    }

    private static final List<Split> SPLITS = List.of(
            new Split("training batches (augmented)", Charts.seriesColor(0), row -> row.training().loss(),
                    row -> row.training().accuracy()),
            new Split("held-out validation", Charts.seriesColor(1),
                    row -> row.validation() == null ? null : row.validation().loss(),
                    row -> row.validation() == null ? null : row.validation().accuracy()),
            new Split("test", Charts.seriesColor(2), row -> row.test() == null ? null : row.test().loss(),
                    row -> row.test() == null ? null : row.test().accuracy()));

    private RunFigure() {
    }

    /** {@code name} says which run it is (its folder's name). */
    static JFreeChart chart(RunRecord run, String name) {
        List<Split> measured = SPLITS.stream()
                .filter(split -> run.epochs().stream().anyMatch(row -> split.accuracy().apply(row) != null)).toList();
        CombinedDomainXYPlot plot = new CombinedDomainXYPlot(Charts.epochAxis());
        plot.setGap(12);
        plot.add(panel(run, "loss", 1, measured, Split::loss));
        plot.add(panel(run, "accuracy (%)", 100, measured, Split::accuracy));
        // One legend entry per split rather than one per line of each panel.
        LegendItemCollection legend = new LegendItemCollection();
        measured.forEach(split -> legend.add(new LegendItem(split.name(), split.color())));
        plot.setFixedLegendItems(legend);
        JFreeChart chart = new JFreeChart("Run " + name + ": loss and accuracy per epoch",
                JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        return Charts.styled(chart, finalAccuracies(run.summary()));
    }

    private static XYPlot panel(RunRecord run, String axisLabel, double scale, List<Split> splits,
                                Function<Split, Function<EpochMetrics, Double>> measure) {
        XYSeriesCollection dataset = new XYSeriesCollection();
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(true, true);
        for (Split split : splits) {
            XYSeries series = new XYSeries(split.name());
            for (EpochMetrics row : run.epochs()) {
                Double value = measure.apply(split).apply(row);
                if (value != null) {
                    series.add(row.epoch(), scale * value);
                }
            }
            renderer.setSeriesPaint(dataset.getSeriesCount(), split.color());
            renderer.setSeriesStroke(dataset.getSeriesCount(), new BasicStroke(2f));
            dataset.addSeries(series);
        }
        NumberAxis axis = Charts.fitted(new NumberAxis(axisLabel));
        axis.setTickLabelFont(Charts.TICK_FONT);
        XYPlot panel = new XYPlot(dataset, null, axis, renderer);
        panel.setBackgroundPaint(Color.WHITE);
        panel.setDomainGridlinePaint(Charts.GRID);
        panel.setRangeGridlinePaint(Charts.GRID);
        return panel;
    }

    private static String finalAccuracies(RunSummary summary) {
        if (summary == null) {
            return "unfinished: the epochs so far; accuracies per epoch without test-time augmentation (TTA)";
        }
        List<String> parts = new ArrayList<>();
        for (Measure measure : List.of(Measure.TTA_VAL_ACC, Measure.TTA_TEST_ACC)) {
            Double value = measure.of(summary);
            if (value != null) {
                parts.add(measure.description() + " " + Charts.percent(value) + " %");
            }
        }
        return "final " + String.join(", ", parts) + "; per epoch without test-time augmentation (TTA)";
    }
}
