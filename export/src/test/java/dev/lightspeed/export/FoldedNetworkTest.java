package dev.lightspeed.export;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.Layer;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The folding pass over the layer list: where each per-channel map goes, and that the result is exact. */
class FoldedNetworkTest {

    private static final int CHANNELS = 8;

    /**
     * 1×1 conv with bias (no padding) → 2×2 average pool → batchnorm → ReLU → batchnorm → global max pool → head
     * with bias, its logits halved.
     */
    private static final ArchitectureSpec SMALL = new ArchitectureSpec("small", 3, 32, 10, List.of(
            new Layer.Conv("conv", CHANNELS, 1, 1, 0, true, null),
            new Layer.Pool("average", 2),
            new Layer.BatchNorm("norm1", null, null, Layer.BatchNorm.LEARNED),
            Layer.Activation.of("relu"),
            new Layer.BatchNorm("norm2", null, null, Layer.BatchNorm.LEARNED),
            new Layer.GlobalPool("max"),
            new Layer.Linear("head", true, 0.5, null)));

    @Test
    void mapsFoldIntoTheUnpaddedConvThroughAnAveragePoolAndIntoTheHead() throws Exception {
        Checkpoint checkpoint = withScales(RandomCheckpoints.of(SMALL, 4), "norm1", -1, 1);
        checkpoint = withScales(checkpoint, "norm2", 1, 1);

        List<FoldedStep> steps = FoldedNetwork.of(checkpoint).steps();

        // The normalization before the conv, norm1 after it through the average pool (negative scales too),
        // norm2 through the global max pool (positive scales) into the head.
        assertEquals(List.of("Conv", "Pool", "Activation", "GlobalPool", "Head"), kinds(steps));
        assertExact(checkpoint);
    }

    @Test
    void aMapWithNegativeScalesStopsBeforeAMaxPool() throws Exception {
        Checkpoint checkpoint = withScales(RandomCheckpoints.of(SMALL, 4), "norm1", -1, 1);
        checkpoint = withScales(checkpoint, "norm2", -1, 1);

        List<FoldedStep> steps = FoldedNetwork.of(checkpoint).steps();

        assertEquals(List.of("Conv", "Pool", "Activation", "Affine", "GlobalPool", "Head"), kinds(steps));
        assertEquals("norm2", ((FoldedStep.Affine) steps.get(3)).name());
        assertExact(checkpoint);
    }

    @Test
    void aMapCannotEnterAResidualOrFoldBeforeAPaddedConv() {
        ArchitectureSpec spec = new ArchitectureSpec("residual", 3, 32, 10, List.of(
                new Layer.Block("stage", List.of(
                        new Layer.Conv("conv", CHANNELS, 3, 1, 1, false, null),
                        Layer.Activation.of("relu"),
                        new Layer.BatchNorm("norm", null, null, Layer.BatchNorm.FROZEN),
                        new Layer.Residual("residual", List.of(
                                new Layer.Conv("conv", CHANNELS, 3, 1, 1, false, null),
                                new Layer.BatchNorm("norm", null, null, Layer.BatchNorm.LEARNED),
                                Layer.Activation.of("identity"))),
                        new Layer.BatchNorm("after", null, null, Layer.BatchNorm.FROZEN),
                        Layer.Activation.of("silu"))),
                new Layer.GlobalPool("average"),
                new Layer.Linear("head", false, null, null)));

        List<FoldedStep> steps = FoldedNetwork.of(RandomCheckpoints.of(spec, 2)).steps();

        // The normalization before the padded conv; stage.norm after the ReLU, before the residual that reads it
        // twice; in the body the batchnorm folds into its conv and the identity writes nothing; stage.after, on
        // the residual's sum, before the SiLU.
        assertEquals(List.of("Affine", "Conv", "Activation", "Affine", "Residual", "Affine", "Activation",
                "GlobalPool", "Head"), kinds(steps));
        assertEquals(FoldedNetwork.NORMALIZE, ((FoldedStep.Affine) steps.get(0)).name());
        assertEquals("stage.norm", ((FoldedStep.Affine) steps.get(3)).name());
        FoldedStep.Residual residual = (FoldedStep.Residual) steps.get(4);
        assertEquals("stage.residual", residual.name());
        assertEquals(List.of("Conv"), kinds(residual.body()));
        assertEquals("stage.residual.conv", ((FoldedStep.Conv) residual.body().get(0)).name());
        assertEquals("stage.after", ((FoldedStep.Affine) steps.get(5)).name());
    }

    private static List<String> kinds(List<FoldedStep> steps) {
        return steps.stream().map(s -> s.getClass().getSimpleName()).toList();
    }

    /** Every scale of {@code norm} of magnitude as drawn, the first channel's sign {@code first}, others {@code rest}. */
    private static Checkpoint withScales(Checkpoint checkpoint, String norm, int first, int rest) {
        float[] scale = checkpoint.tensors().get(norm + ".weight").values().clone();
        for (int c = 0; c < scale.length; c++) {
            scale[c] = Math.abs(scale[c]) * (c == 0 ? first : rest);
        }
        return RandomCheckpoints.with(checkpoint, norm + ".weight", new TensorData(new long[] {scale.length}, scale));
    }

    /** The exported graph in ONNX Runtime against the small network written out plainly. */
    private static void assertExact(Checkpoint checkpoint) throws Exception {
        int count = 2;
        float[] images = RandomCheckpoints.images(count, 9);
        float[][] actual = OrtScoring.logits(OnnxExporter.toModel(checkpoint, ExportOptions.defaults()).toByteArray(),
                images, count);
        float[][] expected = new float[count][];
        for (int n = 0; n < count; n++) {
            expected[n] = small(checkpoint, images, n);
        }
        OnnxExportParityTest.assertMeaningful(expected);
        OnnxExportParityTest.assertClose(expected, actual);
    }

    private static float[] small(Checkpoint checkpoint, float[] images, int n) {
        int size = 32;
        int pooled = size / 2;
        float[] w = tensor(checkpoint, "conv.weight");
        float[] b = tensor(checkpoint, "conv.bias");
        double[] features = new double[CHANNELS];
        java.util.Arrays.fill(features, Double.NEGATIVE_INFINITY);
        for (int y = 0; y < pooled; y++) {
            for (int x = 0; x < pooled; x++) {
                for (int o = 0; o < CHANNELS; o++) {
                    double average = 0;
                    for (int dy = 0; dy < 2; dy++) {
                        for (int dx = 0; dx < 2; dx++) {
                            double sum = b[o];
                            for (int c = 0; c < 3; c++) {
                                double pixel = images[((n * 3 + c) * size + 2 * y + dy) * size + 2 * x + dx];
                                double mean = checkpoint.normalization().mean().get(c);
                                double std = checkpoint.normalization().std().get(c);
                                sum += w[o * 3 + c] * (pixel - mean) / std;
                            }
                            average += sum / 4;
                        }
                    }
                    double v = Math.max(0, norm(checkpoint, "norm1", o, average));
                    features[o] = Math.max(features[o], norm(checkpoint, "norm2", o, v));
                }
            }
        }
        float[] head = tensor(checkpoint, "head.weight");
        float[] bias = tensor(checkpoint, "head.bias");
        float[] logits = new float[10];
        for (int k = 0; k < 10; k++) {
            double sum = bias[k];
            for (int j = 0; j < CHANNELS; j++) {
                sum += head[k * CHANNELS + j] * features[j];
            }
            logits[k] = (float) (sum * 0.5);
        }
        return logits;
    }

    private static double norm(Checkpoint checkpoint, String norm, int c, double x) {
        return (x - tensor(checkpoint, norm + ".running_mean")[c])
                / Math.sqrt(tensor(checkpoint, norm + ".running_var")[c] + 1e-5)
                * tensor(checkpoint, norm + ".weight")[c] + tensor(checkpoint, norm + ".bias")[c];
    }

    private static float[] tensor(Checkpoint checkpoint, String name) {
        return checkpoint.tensors().get(name).values();
    }
}
