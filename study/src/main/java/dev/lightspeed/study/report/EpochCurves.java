package dev.lightspeed.study.report;

import dev.lightspeed.study.Stats;
import dev.lightspeed.models.run.EpochMetrics;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.DeviationRenderer;
import org.jfree.data.xy.YIntervalSeries;
import org.jfree.data.xy.YIntervalSeriesCollection;

import java.awt.BasicStroke;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Primary-split accuracy after each epoch, one line per point: the mean over its runs that reached the epoch, in
 * a band of ± one sample std where more than one did. Unfinished runs count for the epochs they have.
 */
final class EpochCurves {

    static final String FILE = "curves.png";

    private EpochCurves() {
    }

    /** Per point in sweep order, per epoch: the accuracy's statistics (fractions) over the runs that have it. */
    static Map<Point, SortedMap<Integer, Stats>> perPoint(Study study) {
        Map<Point, SortedMap<Integer, Stats>> curves = new LinkedHashMap<>();
        for (PointSummary summary : study.points()) {
            SortedMap<Integer, List<Double>> values = new TreeMap<>();
            for (Study.PlacedRun placed : study.runs()) {
                if (!summary.point().equals(placed.point())) {
                    continue;
                }
                for (EpochMetrics row : placed.run().epochs()) {
                    Double accuracy = study.primary().afterEpoch(row);
                    if (accuracy != null) {
                        values.computeIfAbsent(row.epoch(), e -> new ArrayList<>()).add(accuracy);
                    }
                }
            }
            if (!values.isEmpty()) {
                SortedMap<Integer, Stats> curve = new TreeMap<>();
                values.forEach((epoch, list) -> curve.put(epoch, Stats.of(list)));
                curves.put(summary.point(), curve);
            }
        }
        return curves;
    }

    static JFreeChart chart(Study study, Map<Point, SortedMap<Integer, Stats>> curves) {
        YIntervalSeriesCollection dataset = new YIntervalSeriesCollection();
        curves.forEach((point, curve) -> {
            YIntervalSeries series = new YIntervalSeries(point.label(study.axes()));
            curve.forEach((epoch, stats) -> {
                double spread = stats.hasStd() ? stats.std() : 0;
                series.add(epoch, 100 * stats.mean(), 100 * (stats.mean() - spread), 100 * (stats.mean() + spread));
            });
            dataset.addSeries(series);
        });
        DeviationRenderer renderer = new DeviationRenderer(true, true);
        renderer.setAlpha(0.15f);
        renderer.setAutoPopulateSeriesStroke(false);
        renderer.setDefaultStroke(new BasicStroke(2f));
        XYPlot plot = new XYPlot(dataset, Charts.epochAxis(),
                Charts.fitted(new NumberAxis(study.primary().perEpochLabel())), renderer);
        for (int series = 0; series < dataset.getSeriesCount(); series++) {
            // Without a fill paint per series every band would take the renderer's default fill (white).
            renderer.setSeriesFillPaint(series, Charts.seriesColor(series));
            renderer.setSeriesPaint(series, Charts.seriesColor(series));
        }
        JFreeChart chart = new JFreeChart("Accuracy per epoch", JFreeChart.DEFAULT_TITLE_FONT, plot, true);
        return Charts.styled(chart, "line: mean over the runs of a point that reached the epoch; band: ± one sample"
                + " std; unfinished runs count for their epochs");
    }
}
