package dev.lightspeed.study.report;

import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.NumberAxis;
import org.jfree.chart.block.BlockBorder;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.DefaultDrawingSupplier;
import org.jfree.chart.plot.DrawingSupplier;
import org.jfree.chart.plot.Plot;
import org.jfree.chart.plot.XYPlot;
import org.jfree.chart.title.LegendTitle;
import org.jfree.chart.title.TextTitle;
import org.jfree.chart.ui.RectangleEdge;

import java.awt.Color;
import java.awt.Font;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;

/** What lightspeed's figures share: their size, look, number format and PNG encoding. */
public final class Charts {

    // Figures are drawn off screen, and a machine with no display can fail to start AWT unless told so before
    // anything touches it; hence first.
    static {
        if (System.getProperty("java.awt.headless") == null) {
            System.setProperty("java.awt.headless", "true");
        }
    }

    static final int WIDTH = 800;
    static final int HEIGHT = 600;
    static final Font SUBTITLE_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 12);
    static final Color GRID = new Color(0xD0D0D0);
    static final Font TICK_FONT = new Font(Font.SANS_SERIF, Font.PLAIN, 13);
    /** Distinct colours that stay visible on white (Tableau 20, the strong ten first); they repeat beyond 20. */
    private static final Color[] SERIES_COLORS = {new Color(0x1F77B4), new Color(0xFF7F0E), new Color(0x2CA02C),
            new Color(0xD62728), new Color(0x9467BD), new Color(0x8C564B), new Color(0xE377C2), new Color(0x7F7F7F),
            new Color(0xBCBD22), new Color(0x17BECF), new Color(0xAEC7E8), new Color(0xFFBB78), new Color(0x98DF8A),
            new Color(0xFF9896), new Color(0xC5B0D5), new Color(0xC49C94), new Color(0xF7B6D2), new Color(0xC7C7C7),
            new Color(0xDBDB8D), new Color(0x9EDAE5)};

    private Charts() {
    }

    public static byte[] png(JFreeChart chart) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            ChartUtils.writeChartAsPNG(bytes, chart, WIDTH, HEIGHT);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /** The colour of the {@code index}th series of a figure. */
    static Color seriesColor(int index) {
        return SERIES_COLORS[index % SERIES_COLORS.length];
    }

    /** Series colours in {@link #seriesColor} order, with JFreeChart's usual shapes and strokes. */
    static DrawingSupplier drawingSupplier() {
        return new DefaultDrawingSupplier(SERIES_COLORS, DefaultDrawingSupplier.DEFAULT_FILL_PAINT_SEQUENCE,
                DefaultDrawingSupplier.DEFAULT_OUTLINE_PAINT_SEQUENCE, DefaultDrawingSupplier.DEFAULT_STROKE_SEQUENCE,
                DefaultDrawingSupplier.DEFAULT_OUTLINE_STROKE_SEQUENCE, DefaultDrawingSupplier.DEFAULT_SHAPE_SEQUENCE);
    }

    /** A white chart with light grid lines, a subtitle under the title and the legend (if any) at the right. */
    public static JFreeChart styled(JFreeChart chart, String subtitle) {
        chart.setBackgroundPaint(Color.WHITE);
        Plot plot = chart.getPlot();
        plot.setBackgroundPaint(Color.WHITE);
        plot.setDrawingSupplier(drawingSupplier());
        if (plot instanceof XYPlot xy) {
            xy.setDomainGridlinePaint(GRID);
            xy.setRangeGridlinePaint(GRID);
            xy.getDomainAxis().setTickLabelFont(TICK_FONT);
            // A combined plot has its range axes on its panels.
            if (xy.getRangeAxis() != null) {
                xy.getRangeAxis().setTickLabelFont(TICK_FONT);
            }
        } else if (plot instanceof CategoryPlot category) {
            category.setRangeGridlinePaint(GRID);
            category.getDomainAxis().setTickLabelFont(TICK_FONT);
            category.getRangeAxis().setTickLabelFont(TICK_FONT);
        }
        if (subtitle != null) {
            chart.addSubtitle(0, new TextTitle(subtitle, SUBTITLE_FONT));
        }
        LegendTitle legend = chart.getLegend();
        if (legend != null) {
            legend.setPosition(RectangleEdge.RIGHT);
            legend.setFrame(BlockBorder.NONE);
        }
        return chart;
    }

    /** A value axis that fits the data rather than stretching down to zero. */
    static NumberAxis fitted(NumberAxis axis) {
        axis.setAutoRangeIncludesZero(false);
        return axis;
    }

    static NumberAxis epochAxis() {
        NumberAxis axis = fitted(new NumberAxis("epoch"));
        axis.setStandardTickUnits(NumberAxis.createIntegerTickUnits());
        return axis;
    }

    /** A fraction as percent with two decimals ({@code 0.93412} → {@code 93.41}). */
    static String percent(double fraction) {
        return String.format(Locale.ROOT, "%.2f", 100 * fraction);
    }

    /** Keeps a file name portable: anything but letters, digits, {@code .=-} becomes {@code -}. */
    static String fileName(String text) {
        return text.replaceAll("[^A-Za-z0-9.=-]", "-");
    }
}
