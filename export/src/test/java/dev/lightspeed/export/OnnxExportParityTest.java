package dev.lightspeed.export;

import dev.lightspeed.export.onnx.ModelProto;
import dev.lightspeed.export.onnx.NodeProto;
import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.TensorData;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exported graphs, run in ONNX Runtime, compute what the plainly written reference network computes. */
class OnnxExportParityTest {

    private static final double TOLERANCE = 1e-4;

    private static Checkpoint checkpoint;
    private static ReferenceNetwork reference;

    @BeforeAll
    static void randomModel() {
        checkpoint = RandomCheckpoints.airbench94(7);
        reference = new ReferenceNetwork(checkpoint);
    }

    @Test
    void plainGraphMatchesReferenceLogits() throws Exception {
        int count = 3;
        float[] images = RandomCheckpoints.images(count, 11);
        float[][] expected = reference.logits(images, count);
        float[][] actual = OrtScoring.logits(bytes(ExportOptions.defaults()), images, count);

        assertMeaningful(expected);
        assertClose(expected, actual);
    }

    @Test
    void ttaGraphMatchesReferenceTtaLevel2() throws Exception {
        int count = 2;
        float[] images = RandomCheckpoints.images(count, 12);
        float[][] expected = reference.ttaLogits(images, count, 2);
        float[][] actual = OrtScoring.logits(bytes(ExportOptions.defaults().withTta(true)), images, count);

        assertMeaningful(expected);
        assertClose(expected, actual);
        // The views must matter, or this test could not tell a TTA graph from a plain one.
        assertFalse(maxDifference(expected, reference.logits(images, count)) < 100 * TOLERANCE,
                "TTA logits should differ from plain logits on random images");
    }

    @Test
    void newestSupportedOpsetRunsTheSameGraph() throws Exception {
        int count = 2;
        float[] images = RandomCheckpoints.images(count, 13);
        float[][] actual = OrtScoring.logits(bytes(ExportOptions.defaults().withTta(true)
                .withOpset(ExportOptions.MAX_OPSET)), images, count);

        assertClose(reference.ttaLogits(images, count, 2), actual);
    }

    @Test
    void batchnormBehindPoolWithZeroScaleStaysExplicitAndExact() throws Exception {
        // An infinite running variance gives scale 0, which may not be folded through the max pool.
        float[] variance = checkpoint.tensors().get(ArchitectureSpec.normVar(1, 1)).values().clone();
        variance[5] = Float.POSITIVE_INFINITY;
        Checkpoint degenerate = RandomCheckpoints.with(checkpoint, ArchitectureSpec.normVar(1, 1),
                new TensorData(new long[] {variance.length}, variance));
        ModelProto model = OnnxExporter.toModel(degenerate, ExportOptions.defaults());
        int count = 2;
        float[] images = RandomCheckpoints.images(count, 14);

        assertTrue(model.getGraph().getNodeList().stream().map(NodeProto::getName).anyMatch("group1/norm1"::equals),
                "the unfoldable batchnorm should be an explicit Mul/Add after the pool");
        assertFalse(model.getGraph().getNodeList().stream().map(NodeProto::getName).anyMatch("group0/norm1"::equals),
                "batchnorms with positive scales should still be folded");
        assertClose(new ReferenceNetwork(degenerate).logits(images, count),
                OrtScoring.logits(model.toByteArray(), images, count));
    }

    private static byte[] bytes(ExportOptions options) {
        return OnnxExporter.toModel(checkpoint, options).toByteArray();
    }

    private static void assertClose(float[][] expected, float[][] actual) {
        assertEquals(expected.length, actual.length, "batch size");
        for (int n = 0; n < expected.length; n++) {
            assertEquals(expected[n].length, actual[n].length, "classes");
        }
        double worst = maxDifference(expected, actual);
        assertTrue(worst <= TOLERANCE, "max |logit difference| " + worst + " exceeds " + TOLERANCE
                + "\nexpected " + Arrays.deepToString(expected) + "\nactual   " + Arrays.deepToString(actual));
    }

    private static double maxDifference(float[][] a, float[][] b) {
        double worst = 0;
        for (int n = 0; n < a.length; n++) {
            for (int k = 0; k < a[n].length; k++) {
                worst = Math.max(worst, Math.abs(a[n][k] - b[n][k]));
            }
        }
        return worst;
    }

    /** Guards the tolerance from passing vacuously: logits must spread well beyond it. */
    private static void assertMeaningful(float[][] logits) {
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (float[] row : logits) {
            for (float v : row) {
                assertTrue(Float.isFinite(v), "reference logits must be finite");
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertTrue(max - min > 0.5, "reference logits span only " + (max - min) + "; weights are badly scaled");
    }
}
