package dev.lightspeed.export;

import java.util.List;

import static dev.lightspeed.export.OnnxGraphBuilder.integer;
import static dev.lightspeed.export.OnnxGraphBuilder.ints;
import static dev.lightspeed.export.OnnxGraphBuilder.string;

/**
 * Test-time augmentation level 2 inside the graph, as the trainer evaluates: with m(v) = (f(v) + f(mirror(v))) / 2
 * and a, b the image shifted by one pixel down-right and up-left (reflect padding),
 * logits = m(x) / 2 + m(a) / 4 + m(b) / 4. The six views run as one batch of 6N so that one call scores them.
 * The views are taken from the raw pixels: mirroring and reflect padding commute with the per-channel
 * normalization that the network applies afterwards.
 */
final class TtaGraph {

    static final int LEVEL = 2;
    /** Weights of the views in batch order: x, a, b, then the mirror of each. */
    private static final float[] VIEW_WEIGHTS = {0.25f, 0.125f, 0.125f, 0.25f, 0.125f, 0.125f};
    private static final int SHIFT = 1;

    private TtaGraph() {
    }

    /** Appends the averaged logits as {@code logits}; returns the writer of the network that scores the views. */
    static NetworkGraph appendAveragedLogits(OnnxGraphBuilder graph, int opset, Calibration calibration, FoldedNetwork network,
            String image, String logits) {
        int size = network.spec().imageSize();
        String pads = graph.int64Vector("tta/pads", 0, 0, SHIFT, SHIFT, 0, 0, SHIFT, SHIFT);
        String padded = graph.node("tta/padded", "Pad", List.of(image, pads), string("mode", "reflect"));
        String spatialAxes = graph.int64Vector("tta/spatial_axes", 2, 3);
        String shiftedDown = graph.node("tta/shifted_down_right", "Slice", List.of(padded,
                graph.int64Vector("tta/down_right_starts", 0, 0),
                graph.int64Vector("tta/down_right_ends", size, size), spatialAxes));
        String shiftedUp = graph.node("tta/shifted_up_left", "Slice", List.of(padded,
                graph.int64Vector("tta/up_left_starts", 2 * SHIFT, 2 * SHIFT),
                graph.int64Vector("tta/up_left_ends", size + 2 * SHIFT, size + 2 * SHIFT), spatialAxes));
        String views = graph.node("tta/views", "Concat", List.of(image, shiftedDown, shiftedUp), integer("axis", 0));
        // Stepping backwards from the last column; INT64_MIN is ONNX's "through the first element" for step -1.
        String mirrored = graph.node("tta/mirrored", "Slice", List.of(views,
                graph.int64Vector("tta/mirror_starts", -1),
                graph.int64Vector("tta/mirror_ends", Long.MIN_VALUE),
                graph.int64Vector("tta/width_axis", 3),
                graph.int64Vector("tta/mirror_steps", -1)));
        String allViews = graph.node("tta/all_views", "Concat", List.of(views, mirrored), integer("axis", 0));

        String viewLogits = "tta/view_logits";
        NetworkGraph writer = NetworkGraph.append(graph, opset, calibration, network, allViews, viewLogits);
        int viewCount = VIEW_WEIGHTS.length;
        String byView = graph.node("tta/logits_by_view", "Reshape", List.of(viewLogits,
                graph.int64Vector("tta/by_view_shape", viewCount, -1, network.numClasses())));
        String weights = graph.floatInitializer("tta/view_weights", new long[] {viewCount, 1, 1}, VIEW_WEIGHTS);
        String weighted = graph.node("tta/weighted", "Mul", List.of(byView, weights));
        graph.node(logits, "ReduceSum", List.of(weighted, graph.int64Vector("tta/view_axis", 0)),
                integer("keepdims", 0));
        return writer;
    }
}
