package dev.lightspeed.study.report;

import dev.lightspeed.study.Stats;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.labels.StandardCategoryItemLabelGenerator;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.renderer.category.StatisticalLineAndShapeRenderer;
import org.jfree.data.statistics.DefaultStatisticalCategoryDataset;

import java.awt.BasicStroke;
import java.text.DecimalFormat;
import java.text.DecimalFormatSymbols;
import java.util.Locale;

/**
 * Mean primary accuracy against the value of a study's only axis, with error bars of one sample std over the
 * repeats. Values stand as categories in the sweep's order, evenly spaced: sweeps often space them geometrically.
 */
final class AxisFigure {

    private static final String SERIES = "mean ± std over repeats";

    private AxisFigure() {
    }

    static String fileName(Axis axis) {
        return "accuracy-vs-" + Charts.fileName(axis.name()) + ".png";
    }

    static JFreeChart chart(Study study) {
        Axis axis = study.axes().get(0);
        Measure measure = study.primary().measure();
        DefaultStatisticalCategoryDataset dataset = new DefaultStatisticalCategoryDataset();
        for (PointSummary point : study.points()) {
            Stats stats = point.stats(measure);
            String category = point.point().values().get(0) + " (" + (point.allDiverged() ? Heatmap.DIVERGED
                    : "n=" + point.n() + (point.diverged() > 0 ? ", " + point.diverged() + " diverged" : "")) + ")";
            dataset.add(stats.hasMean() ? 100 * stats.mean() : null, stats.hasStd() ? 100 * stats.std() : null,
                    SERIES, category);
        }
        StatisticalLineAndShapeRenderer renderer = new StatisticalLineAndShapeRenderer(true, true);
        renderer.setSeriesStroke(0, new BasicStroke(2f));
        renderer.setErrorIndicatorStroke(new BasicStroke(1.5f));
        renderer.setDefaultItemLabelGenerator(new StandardCategoryItemLabelGenerator("{2}",
                new DecimalFormat("0.00", DecimalFormatSymbols.getInstance(Locale.ROOT))));
        renderer.setDefaultItemLabelsVisible(true);
        CategoryPlot plot = new CategoryPlot(dataset, new CategoryAxis(axis.name()),
                Charts.fitted(new NumberAxis(study.primary().label())), renderer);
        JFreeChart chart = new JFreeChart("Mean " + study.primary().label() + " by " + axis.name(),
                JFreeChart.DEFAULT_TITLE_FONT, plot, false);
        return Charts.styled(chart, "points: mean over repeats; error bars: ± one sample std (shown where n > 1)");
    }
}
