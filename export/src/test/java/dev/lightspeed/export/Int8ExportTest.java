package dev.lightspeed.export;

import dev.lightspeed.export.onnx.ModelProto;
import dev.lightspeed.export.onnx.NodeProto;
import dev.lightspeed.export.onnx.TensorProto;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.OnnxContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The int8 (QDQ) graph: its structure, its arithmetic in ONNX Runtime against float32, and its preconditions. */
class Int8ExportTest {

    private static final int IMAGES = 64;
    /**
     * Random weights quantize worse than trained ones (no batchnorm statistics tame their activations), and how
     * much worse depends on which integer kernels ONNX Runtime picks for the CPU: 0.10 was seen here. A wrong
     * scale or zero point lands near 1. The accuracy of int8 on a trained network is checked in the cli tests.
     */
    private static final double MAX_RELATIVE_ERROR = 0.2;

    private static Checkpoint checkpoint;
    private static float[] images;
    private static Calibration calibration;

    @BeforeAll
    static void calibrate() throws Exception {
        checkpoint = RandomCheckpoints.airbench94(5);
        images = RandomCheckpoints.images(IMAGES, 6);
        CalibrationModel model = OnnxExporter.calibrationModel(checkpoint);
        Map<String, ActivationRange> ranges = new HashMap<>();
        OrtScoring.outputs(model.onnx(), images, IMAGES, model.activations())
                .forEach((name, values) -> ranges.put(name, ActivationRange.of(FloatBuffer.wrap(values))));
        calibration = new Calibration(ranges, IMAGES);
    }

    @Test
    void calibrationModelExposesEachConvInputAndOutput() {
        assertEquals(List.of("whiten", "whiten/gelu", "group0/conv1", "group0/pool/gelu", "group0/conv2",
                "group0/conv2/gelu", "group1/conv1", "group1/pool/gelu", "group1/conv2",
                "group1/conv2/gelu", "group2/conv1", "group2/pool/gelu", "group2/conv2"),
                OnnxExporter.calibrationModel(checkpoint).activations());
        // GELU's minimum is about -0.17: a range read from the wrong tensor would show it.
        assertTrue(calibration.range("group1/pool/gelu").min() >= -0.1701f);
        assertTrue(calibration.range("group1/conv1").min() < -0.1701f);
    }

    @Test
    void int8GraphStoresIntegerWeightsAndQuantizesEveryConv() {
        ModelProto model = OnnxExporter.toModel(checkpoint, int8(), calibration);
        Map<String, Integer> types = model.getGraph().getInitializerList().stream()
                .collect(Collectors.toMap(TensorProto::getName, TensorProto::getDataType));
        List<NodeProto> convs = model.getGraph().getNodeList().stream().filter(n -> n.getOpType().equals("Conv"))
                .toList();
        assertEquals(7, convs.size());
        Set<String> dequantized = model.getGraph().getNodeList().stream()
                .filter(n -> n.getOpType().equals("DequantizeLinear")).map(n -> n.getOutput(0))
                .collect(Collectors.toSet());
        for (NodeProto conv : convs) {
            for (String input : conv.getInputList()) {
                assertTrue(dequantized.contains(input), conv.getName() + " reads " + input + " unquantized");
            }
            assertEquals(TensorProto.DataType.INT8.getNumber(), types.get(conv.getName() + ".weight_quantized"));
        }
        assertTrue(types.keySet().stream().noneMatch(name -> name.endsWith(".weight") && !name.equals("head.weight")),
                "no float conv weights remain: " + types.keySet());
        assertEquals(20, model.getOpsetImport(0).getVersion());
        assertTrue(model.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Gelu")));
        assertEquals("int8", metadata(model).get(OnnxContract.KEY_PRECISION));
        assertTrue(metadata(model).get(OnnxContract.KEY_QUANTIZATION).contains(IMAGES + " training images"));
    }

    @Test
    void int8LogitsFollowFloatLogits() throws Exception {
        float[][] exact = OrtScoring.logits(OnnxExporter.toModel(checkpoint, ExportOptions.defaults()).toByteArray(),
                images, IMAGES);
        float[][] quantized = OrtScoring.logits(OnnxExporter.toModel(checkpoint, int8(), calibration).toByteArray(),
                images, IMAGES);
        double spread = 0;
        int agree = 0;
        for (int n = 0; n < IMAGES; n++) {
            for (float logit : exact[n]) {
                spread = Math.max(spread, Math.abs(logit));
            }
            agree += argmax(exact[n]) == argmax(quantized[n]) ? 1 : 0;
        }
        double error = relativeError(exact, quantized);
        assertTrue(spread > 0.1, "logits should be meaningful, largest is " + spread);
        assertTrue(error < MAX_RELATIVE_ERROR, "int8 logits off by " + error + " (root mean square, relative)");
        assertTrue(error > 0, "an int8 graph that matches float exactly is not quantized");
        assertTrue(agree >= IMAGES * 9 / 10, "top-1 agrees on " + agree + " of " + IMAGES);
    }

    @Test
    void int8TtaGraphFollowsTheFloatTtaGraph() throws Exception {
        int count = 8;
        float[] some = Arrays.copyOf(images, count * 3 * 32 * 32);
        float[][] exact = OrtScoring.logits(OnnxExporter.toModel(checkpoint, ExportOptions.defaults().withTta(true))
                .toByteArray(), some, count);
        float[][] quantized = OrtScoring.logits(OnnxExporter.toModel(checkpoint, int8().withTta(true), calibration)
                .toByteArray(), some, count);
        float[][] plain = OrtScoring.logits(OnnxExporter.toModel(checkpoint, int8(), calibration).toByteArray(),
                some, count);
        double error = relativeError(exact, quantized);
        double fromPlain = relativeError(plain, quantized);
        assertTrue(error < MAX_RELATIVE_ERROR, "int8 TTA logits off by " + error + " (root mean square, relative)");
        assertTrue(fromPlain > error, "the TTA graph should average other views, not score the image alone");
    }

    /** ‖a − b‖ / ‖a‖ over every logit of every image. */
    private static double relativeError(float[][] reference, float[][] other) {
        double difference = 0;
        double norm = 0;
        for (int n = 0; n < reference.length; n++) {
            for (int k = 0; k < reference[n].length; k++) {
                double d = reference[n][k] - other[n][k];
                difference += d * d;
                norm += (double) reference[n][k] * reference[n][k];
            }
        }
        return Math.sqrt(difference / norm);
    }

    @Test
    void int8NeedsTheGeluOpsetACalibrationAndEveryRange() {
        InputError opset = assertThrows(InputError.class, () -> int8().withOpset(17));
        assertTrue(opset.getMessage().startsWith("opset 17 is too old for an int8 export, which needs opset 20"),
                opset.getMessage());
        assertEquals("opset", opset.parameter().orElse(null));
        assertThrows(IllegalArgumentException.class, () -> OnnxExporter.toModel(checkpoint, int8(), null));
        Map<String, ActivationRange> partial = new HashMap<>(calibration.ranges());
        partial.remove("group2/conv2");
        IllegalArgumentException missing = assertThrows(IllegalArgumentException.class,
                () -> OnnxExporter.toModel(checkpoint, int8(), new Calibration(partial, IMAGES)));
        assertTrue(missing.getMessage().contains("group2/conv2"), missing.getMessage());
    }

    @Test
    void floatGraphAtTheGeluOpsetUsesTheOperator() {
        ModelProto model = OnnxExporter.toModel(checkpoint, ExportOptions.defaults().withOpset(20));
        assertTrue(model.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Gelu")));
        assertFalse(model.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType().equals("Erf")));
        assertEquals("fp32", metadata(model).get(OnnxContract.KEY_PRECISION));
    }

    private static ExportOptions int8() {
        return ExportOptions.defaults().withPrecision(Precision.INT8);
    }

    private static Map<String, String> metadata(ModelProto model) {
        Map<String, String> values = new HashMap<>();
        model.getMetadataPropsList().forEach(p -> values.put(p.getKey(), p.getValue()));
        return values;
    }

    private static int argmax(float[] values) {
        int best = 0;
        for (int i = 1; i < values.length; i++) {
            if (values[i] > values[best]) {
                best = i;
            }
        }
        return best;
    }
}
