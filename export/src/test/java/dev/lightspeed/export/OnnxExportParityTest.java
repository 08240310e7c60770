package dev.lightspeed.export;

import dev.lightspeed.export.onnx.ModelProto;
import dev.lightspeed.export.onnx.NodeProto;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exported graphs, run in ONNX Runtime, compute what the plainly written reference network computes, per image. */
class OnnxExportParityTest {

    private static final double TOLERANCE = 1e-4;

    /** The networks checked, each a random checkpoint and its independent reference. */
    enum Network {
        AIRBENCH94(RandomCheckpoints.airbench94(7), ReferenceNetwork::airbench),
        RESNET9(RandomCheckpoints.of(RandomCheckpoints.smallResnet9(), 7), ReferenceNetwork::resnet9),
        AIRBENCH_RELU_NO_WHITENING(RandomCheckpoints.of(RandomCheckpoints.ablatedAirbench(), 7),
                ReferenceNetwork::airbench),
        AIRBENCH_LEARNED_SCALES(RandomCheckpoints.of(RandomCheckpoints.learnedScaleAirbench(), 7),
                ReferenceNetwork::airbench),
        AIRBENCH_CELU(RandomCheckpoints.of(RandomCheckpoints.smallAirbench().with("activation", "celu"), 7),
                ReferenceNetwork::airbench),
        AIRBENCH_SILU(RandomCheckpoints.of(RandomCheckpoints.smallAirbench().with("activation", "silu"), 7),
                ReferenceNetwork::airbench);

        final Checkpoint checkpoint;
        final ReferenceNetwork reference;

        Network(Checkpoint checkpoint, Function<Checkpoint, ReferenceNetwork> reference) {
            this.checkpoint = checkpoint;
            this.reference = reference.apply(checkpoint);
        }

        byte[] bytes(ExportOptions options) {
            return OnnxExporter.toModel(checkpoint, options).toByteArray();
        }
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void plainGraphMatchesReferenceLogits(Network network) throws Exception {
        int count = 3;
        float[] images = RandomCheckpoints.images(count, 11);
        float[][] expected = network.reference.logits(images, count);
        float[][] actual = OrtScoring.logits(network.bytes(ExportOptions.defaults()), images, count);

        assertMeaningful(expected);
        assertClose(expected, actual);
    }

    @ParameterizedTest
    @EnumSource(Network.class)
    void ttaGraphMatchesReferenceTtaLevel2(Network network) throws Exception {
        int count = 2;
        float[] images = RandomCheckpoints.images(count, 12);
        float[][] expected = network.reference.ttaLogits(images, count, 2);
        float[][] actual = OrtScoring.logits(network.bytes(ExportOptions.defaults().withTta(true)), images, count);

        assertMeaningful(expected);
        assertClose(expected, actual);
        // The views must matter, or this test could not tell a TTA graph from a plain one.
        assertFalse(maxDifference(expected, network.reference.logits(images, count)) < 100 * TOLERANCE,
                "TTA logits should differ from plain logits on random images");
    }

    @ParameterizedTest
    @EnumSource(value = Network.class, names = {"AIRBENCH94", "RESNET9"})
    void newestSupportedOpsetRunsTheSameGraph(Network network) throws Exception {
        int count = 2;
        float[] images = RandomCheckpoints.images(count, 13);
        float[][] actual = OrtScoring.logits(network.bytes(ExportOptions.defaults().withTta(true)
                .withOpset(ExportOptions.MAX_OPSET)), images, count);

        assertClose(network.reference.ttaLogits(images, count, 2), actual);
    }

    @Test
    void batchnormBehindPoolWithZeroScaleStaysExplicitAndExact() throws Exception {
        // An infinite running variance gives scale 0, which may not be folded through the max pool.
        Checkpoint checkpoint = Network.AIRBENCH94.checkpoint;
        String name = "groups.1.norm1.running_var";
        float[] variance = checkpoint.tensors().get(name).values().clone();
        variance[5] = Float.POSITIVE_INFINITY;
        Checkpoint degenerate = RandomCheckpoints.with(checkpoint, name,
                new TensorData(new long[] {variance.length}, variance));
        ModelProto model = OnnxExporter.toModel(degenerate, ExportOptions.defaults());
        int count = 2;
        float[] images = RandomCheckpoints.images(count, 14);

        assertTrue(nodeNames(model).contains("groups.1.norm1"),
                "the unfoldable batchnorm should be an explicit Mul/Add after the pool");
        assertFalse(nodeNames(model).contains("groups.0.norm1"),
                "batchnorms with positive scales should still be folded");
        assertClose(ReferenceNetwork.airbench(degenerate).logits(images, count),
                OrtScoring.logits(model.toByteArray(), images, count));
    }

    @Test
    void learnedNegativeScalesBehindMaxPoolStayExplicitAndOthersFold() {
        Checkpoint checkpoint = Network.AIRBENCH_LEARNED_SCALES.checkpoint;
        Set<String> names = nodeNames(OnnxExporter.toModel(checkpoint, ExportOptions.defaults()));

        for (int g = 0; g < 3; g++) {
            float[] gamma = checkpoint.tensors().get("groups." + g + ".norm1.weight").values();
            boolean negative = false;
            for (float v : gamma) {
                negative |= v < 0;
            }
            assertTrue(negative, "the random scales should include negative ones, or this test checks nothing");
            assertTrue(names.contains("groups." + g + ".norm1"), "norm1 of group " + g + " sits behind a max pool "
                    + "with negative scales: it must be an explicit Mul/Add after the pool");
            assertFalse(names.contains("groups." + g + ".norm2"), "norm2 follows its conv directly and folds "
                    + "whatever the signs of its scales");
        }
    }

    @Test
    void resnet9NormalizesItsInputExplicitlyAndFoldsEveryBatchnorm() {
        ModelProto model = OnnxExporter.toModel(Network.RESNET9.checkpoint, ExportOptions.defaults());
        List<NodeProto> nodes = model.getGraph().getNodeList();

        // Its first conv pads: zeros of the normalized input are not the normalization of any pixel.
        assertEquals(List.of("Mul", "Add", "Conv"), nodes.stream().limit(3).map(NodeProto::getOpType).toList());
        assertEquals(FoldedNetwork.NORMALIZE, nodes.get(1).getName());
        assertEquals("prep.conv", nodes.get(2).getName());
        assertTrue(nodeNames(model).stream().noneMatch(n -> n.contains(".norm")), "every batchnorm follows a conv");
        // Airbench's stem has no padding, so there the normalization folds into it.
        assertFalse(nodeNames(OnnxExporter.toModel(Network.AIRBENCH94.checkpoint, ExportOptions.defaults()))
                .contains(FoldedNetwork.NORMALIZE));
        assertFalse(nodeNames(OnnxExporter.toModel(Network.AIRBENCH_RELU_NO_WHITENING.checkpoint,
                ExportOptions.defaults())).contains(FoldedNetwork.NORMALIZE), "a plain conv with padding 0 folds it");
    }

    private static Set<String> nodeNames(ModelProto model) {
        return model.getGraph().getNodeList().stream().map(NodeProto::getName).collect(Collectors.toSet());
    }

    static void assertClose(float[][] expected, float[][] actual) {
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
    static void assertMeaningful(float[][] logits) {
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
