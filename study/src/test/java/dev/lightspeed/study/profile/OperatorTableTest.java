package dev.lightspeed.study.profile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OperatorTableTest {

    private static final double EPS = 1e-9;

    /**
     * Two steps of a training thread, 10 µs apart, and a worker thread: every self time below is worked out by
     * hand from these spans.
     */
    private static OperatorTable twoSteps(Path dir) throws Exception {
        return new HandMadeTraces()
                .event("step 1", 1, 0, 100)
                .event("forward", 1, 0, 60)
                .event("aten::conv2d", 1, 5, 40)
                .event("aten::convolution", 1, 6, 38)
                .event("aten::mkldnn_convolution", 1, 7, 36)
                .event("aten::relu", 1, 50, 5)
                .event("backward", 1, 60, 40)
                .event("aten::convolution_backward", 1, 62, 30)
                .event("step 2", 1, 110, 50)
                .event("forward", 1, 110, 50)
                .event("aten::conv2d", 1, 115, 20)
                .event("aten::convolution", 1, 116, 18)
                .event("aten::mkldnn_convolution", 1, 117, 16)
                .event("aten::add", 1, 120, 6)
                .event("aten::add", 1, 121, 2)
                .event("worker", 2, 20, 8)
                .table(dir.resolve("two-steps.json"));
    }

    @Test
    void selfTimesAreDurationsLessNestedEventsAndSumToTheCoveredTime(@TempDir Path dir) throws Exception {
        OperatorTable table = twoSteps(dir);
        Map<String, OperatorTable.Row> rows = table.byOperator();
        assertEquals(2, table.threads());
        assertEquals(16, table.events());
        assertEquals(160, table.windowMicros(), EPS);
        // Covered: 0-100 and 110-160 on the training thread, 8 µs on the worker.
        assertEquals(158, table.selfSumMicros(), EPS);

        assertRow(rows, "aten::mkldnn_convolution", 2, 36 + (16 - 6), 36 + 16);
        assertRow(rows, "forward", 2, (60 - 40 - 5) + (50 - 20), 110);
        assertRow(rows, "aten::convolution_backward", 1, 30, 30);
        assertRow(rows, "backward", 1, 10, 40);
        assertRow(rows, "aten::conv2d", 2, 2 + 2, 60);
        assertRow(rows, "aten::convolution", 2, 2 + 2, 56);
        // An operator nested in itself: both calls count, its time counts once in the cumulative column.
        assertRow(rows, "aten::add", 2, (6 - 2) + 2, 6);
        assertRow(rows, "step 1", 1, 0, 100);
        assertRow(rows, "worker", 1, 8, 8);

        assertEquals(List.of("aten::mkldnn_convolution", "forward", "aten::convolution_backward", "backward",
                "worker", "aten::add", "aten::relu", "aten::conv2d", "aten::convolution", "step 1", "step 2"),
                table.rows().stream().map(OperatorTable.Row::operator).toList());
        assertEquals(46.0 / 160, table.share(rows.get("aten::mkldnn_convolution")), EPS);
        assertEquals(23.0, rows.get("aten::mkldnn_convolution").selfPerCallMicros(), EPS);
    }

    @Test
    void spansThatOverlapWithoutNestingShareTheirTimeAndCountItOnce(@TempDir Path dir) throws Exception {
        // The second phase starts a hair before the first ends (rounding), and an operator outlasts its phase.
        OperatorTable table = new HandMadeTraces()
                .event("step 1", 1, 0, 100)
                .event("backward", 1, 0, 40.000001)
                .event("optimizer", 1, 40, 60)
                .event("aten::mul", 1, 90, 20)
                .table(dir.resolve("overlaps.json"));
        Map<String, OperatorTable.Row> rows = table.byOperator();
        assertEquals(110, table.windowMicros(), EPS);
        assertEquals(110, table.selfSumMicros(), EPS);
        assertEquals(0, rows.get("step 1").selfMicros(), 1e-5);
        assertEquals(40, rows.get("backward").selfMicros(), 1e-5);
        assertEquals(50, rows.get("optimizer").selfMicros(), 1e-5);
        assertEquals(20, rows.get("aten::mul").selfMicros(), EPS);
    }

    @Test
    void theTableReadsLikeCProfilesAndCutsAtTop(@TempDir Path dir) throws Exception {
        List<String> lines = twoSteps(dir).lines(3);
        assertEquals("16 events on 2 threads; window 0.160 ms (first start to last end); self times sum to"
                + " 0.158 ms (98.8 % of the window)", lines.get(0));
        assertTrue(lines.get(2).matches(" +calls +self ms +self/call µs +cum ms +share +operator"), lines.get(2));
        assertEquals("       2        0.046         23.0        0.052   28.7%  aten::mkldnn_convolution",
                lines.get(3));
        assertEquals(7, lines.size());
        assertEquals("(8 more operators below the top 3)", lines.get(6));
    }

    @Test
    void onnxRuntimeNodesAreGroupedByTheirOperatorType(@TempDir Path dir) throws Exception {
        OperatorTable table = new HandMadeTraces()
                .event("model_run", 1, 0, 100)
                .onnxNode("conv1_kernel_time", "Conv", 10, 30)
                .onnxNode("conv2_kernel_time", "Conv", 50, 20)
                .onnxNode("gelu_kernel_time", "Gelu", 75, 5)
                .table(dir.resolve("ort.json"));
        Map<String, OperatorTable.Row> rows = table.byOperator();
        assertRow(rows, "Conv", 2, 50, 50);
        assertRow(rows, "Gelu", 1, 5, 5);
        assertRow(rows, "model_run", 1, 45, 100);
    }

    @Test
    void theChartIsAPngOfTheTopOperators(@TempDir Path dir) throws Exception {
        Path png = dir.resolve("top.png");
        OperatorChart.write(png, twoSteps(dir), 5, "Top operators");
        BufferedImage image = ImageIO.read(png.toFile());
        assertEquals(800, image.getWidth());
        assertEquals(600, image.getHeight());
    }

    private static void assertRow(Map<String, OperatorTable.Row> rows, String operator, int calls, double self,
            double cumulative) {
        OperatorTable.Row row = rows.get(operator);
        assertEquals(calls, row.calls(), operator);
        assertEquals(self, row.selfMicros(), EPS, operator);
        assertEquals(cumulative, row.cumulativeMicros(), EPS, operator);
    }
}
