package dev.lightspeed.study.profile;

import dev.lightspeed.models.AtomicFiles;
import dev.lightspeed.study.report.Charts;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.renderer.category.BarRenderer;
import org.jfree.chart.renderer.category.StandardBarPainter;
import org.jfree.data.category.DefaultCategoryDataset;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;

/** A PNG bar chart of the operators with the most self time: of one profile, or of two side by side. */
public final class OperatorChart {

    private static final String AXIS = "self time (ms, summed over the profiled window)";

    private OperatorChart() {
    }

    public static void write(Path png, OperatorTable table, int top, String title) throws IOException {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (OperatorTable.Row row : table.rows().subList(0, Math.min(top, table.rows().size()))) {
            dataset.addValue(row.selfMicros() / 1e3, "self time", row.operator());
        }
        AtomicFiles.write(png, Charts.png(chart(dataset, false, title, String.format(Locale.ROOT,
                "top %d operators by self time; window %.1f ms", dataset.getColumnCount(), table.windowMicros() / 1e3))));
    }

    /** The {@code top} operators that changed most, a bar for each profile. */
    public static void write(Path png, ProfileComparison comparison, int top, String nameA, String nameB)
            throws IOException {
        DefaultCategoryDataset dataset = new DefaultCategoryDataset();
        for (ProfileComparison.Row row : comparison.rows().subList(0, Math.min(top, comparison.rows().size()))) {
            dataset.addValue(row.selfMicrosA() / 1e3, "A: " + nameA, row.operator());
            dataset.addValue(row.selfMicrosB() / 1e3, "B: " + nameB, row.operator());
        }
        AtomicFiles.write(png, Charts.png(chart(dataset, true, "Self time, A against B",
                "the " + dataset.getColumnCount() + " operators whose self time changed most")));
    }

    private static JFreeChart chart(DefaultCategoryDataset dataset, boolean legend, String title, String subtitle) {
        BarRenderer renderer = new BarRenderer();
        renderer.setBarPainter(new StandardBarPainter());
        renderer.setShadowVisible(false);
        renderer.setItemMargin(0);
        CategoryAxis operators = new CategoryAxis(null);
        operators.setMaximumCategoryLabelWidthRatio(0.45f);
        CategoryPlot plot = new CategoryPlot(dataset, operators, new NumberAxis(AXIS), renderer);
        plot.setOrientation(PlotOrientation.HORIZONTAL);
        return Charts.styled(new JFreeChart(title, JFreeChart.DEFAULT_TITLE_FONT, plot, legend), subtitle);
    }
}
