package dev.lightspeed.export;

import dev.lightspeed.models.TestTimeAugmentation;
import dev.lightspeed.models.TestTimeAugmentation.View;

import java.util.ArrayList;
import java.util.List;

import static dev.lightspeed.export.OnnxGraphBuilder.integer;
import static dev.lightspeed.export.OnnxGraphBuilder.string;

/**
 * The fullest {@link TestTimeAugmentation} inside the graph: the views are cut from the raw pixels (reflect
 * padding, then one slice per offset; the mirror images as one reversed slice of them all), run as one batch of
 * views × N so that one call scores them, and their logits summed with the views' weights.
 */
final class TtaGraph {

    static final int LEVEL = TestTimeAugmentation.MAX_LEVEL;
    private static final List<View> VIEWS = TestTimeAugmentation.views(LEVEL);

    private TtaGraph() {
    }

    /** Appends the averaged logits as {@code logits}; returns the writer of the network that scores the views. */
    static NetworkGraph appendAveragedLogits(OnnxGraphBuilder graph, int opset, Calibration calibration,
            Int8Weights weightRange, FoldedNetwork network, String image, String logits) {
        int size = network.spec().imageSize();
        int pad = TestTimeAugmentation.padding(LEVEL);
        String pads = graph.int64Vector("tta/pads", 0, 0, pad, pad, 0, 0, pad, pad);
        String padded = graph.node("tta/padded", "Pad", List.of(image, pads), string("mode", "reflect"));
        String spatialAxes = graph.int64Vector("tta/spatial_axes", 2, 3);
        List<String> unmirrored = new ArrayList<>();
        for (View view : VIEWS) {
            if (view.mirrored()) {
                // The mirror images follow the unmirrored views in the same order: one slice below makes them all.
                continue;
            }
            if (view.offset() == 0) {
                unmirrored.add(image);
                continue;
            }
            String name = "tta/shifted_" + (view.offset() < 0 ? "down_right_" : "up_left_") + Math.abs(view.offset());
            int start = pad + view.offset();
            unmirrored.add(graph.node(name, "Slice", List.of(padded,
                    graph.int64Vector(name + "/starts", start, start),
                    graph.int64Vector(name + "/ends", start + size, start + size), spatialAxes)));
        }
        String views = graph.node("tta/views", "Concat", unmirrored, integer("axis", 0));
        // Stepping backwards from the last column; INT64_MIN is ONNX's "through the first element" for step -1.
        String mirrored = graph.node("tta/mirrored", "Slice", List.of(views,
                graph.int64Vector("tta/mirror_starts", -1),
                graph.int64Vector("tta/mirror_ends", Long.MIN_VALUE),
                graph.int64Vector("tta/width_axis", 3),
                graph.int64Vector("tta/mirror_steps", -1)));
        String allViews = graph.node("tta/all_views", "Concat", List.of(views, mirrored), integer("axis", 0));

        String viewLogits = "tta/view_logits";
        NetworkGraph writer = NetworkGraph.append(graph, opset, calibration, weightRange, network, allViews,
                viewLogits);
        int viewCount = VIEWS.size();
        float[] weights = new float[viewCount];
        for (int v = 0; v < viewCount; v++) {
            weights[v] = (float) VIEWS.get(v).weight();
        }
        String byView = graph.node("tta/logits_by_view", "Reshape", List.of(viewLogits,
                graph.int64Vector("tta/by_view_shape", viewCount, -1, network.numClasses())));
        String viewWeights = graph.floatInitializer("tta/view_weights", new long[] {viewCount, 1, 1}, weights);
        String weighted = graph.node("tta/weighted", "Mul", List.of(byView, viewWeights));
        graph.node(logits, "ReduceSum", List.of(weighted, graph.int64Vector("tta/view_axis", 0)),
                integer("keepdims", 0));
        return writer;
    }
}
