package dev.lightspeed.study.report;

import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.renderer.xy.XYLineAndShapeRenderer;
import org.jfree.data.xy.XYSeries;
import org.jfree.data.xy.XYSeriesCollection;

import java.util.LinkedHashMap;
import java.util.Map;

/** One dot per finished run: its wall seconds against its primary accuracy, coloured by point. */
final class TimeVsAccuracy {

    static final String FILE = "time-vs-accuracy.png";

    private TimeVsAccuracy() {
    }

    static JFreeChart chart(Study study) {
        Measure accuracy = study.primary().measure();
        Map<Point, XYSeries> byPoint = new LinkedHashMap<>();
        study.points().forEach(p -> byPoint.put(p.point(), new XYSeries(p.point().label(study.axes()), false, true)));
        for (Study.PlacedRun placed : study.runs()) {
            Double y = placed.run().value(accuracy);
            Double x = placed.run().value(Measure.WALL_SECONDS);
            if (x != null && y != null) {
                byPoint.get(placed.point()).add(x.doubleValue(), 100 * y);
            }
        }
        XYSeriesCollection dataset = new XYSeriesCollection();
        byPoint.values().stream().filter(s -> s.getItemCount() > 0).forEach(dataset::addSeries);
        XYLineAndShapeRenderer renderer = new XYLineAndShapeRenderer(false, true);
        XYPlot plot = new XYPlot(dataset, Charts.fitted(new NumberAxis("wall seconds per run (the whole run)")),
                Charts.fitted(new NumberAxis(study.primary().label())), renderer);
        JFreeChart chart = new JFreeChart("Time against " + study.primary().measure().description(),
                JFreeChart.DEFAULT_TITLE_FONT, plot, dataset.getSeriesCount() > 1);
        return Charts.styled(chart, "one dot per finished run; wall seconds include data loading and evaluation");
    }
}
