package dev.lightspeed.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.export.onnx.ModelProto;
import dev.lightspeed.export.onnx.NodeProto;
import dev.lightspeed.export.onnx.StringStringEntryProto;
import dev.lightspeed.export.onnx.TensorShapeProto;
import dev.lightspeed.export.onnx.ValueInfoProto;
import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.OnnxContract;
import dev.lightspeed.models.TensorData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;

class OnnxExporterTest {

    private static final Checkpoint CHECKPOINT = RandomCheckpoints.airbench94(5);
    private static final Set<String> INFERENCE_OPS = Set.of("Conv", "MaxPool", "Div", "Erf", "Add", "Mul", "Flatten",
            "Gemm", "Pad", "Slice", "Concat", "Reshape", "ReduceSum");

    @TempDir
    Path folder;

    @Test
    void graphHasOnlyInferenceOperatorsWithBatchnormsFolded() {
        ModelProto model = OnnxExporter.toModel(CHECKPOINT, ExportOptions.defaults());
        List<NodeProto> nodes = model.getGraph().getNodeList();

        assertTrue(nodes.stream().allMatch(n -> INFERENCE_OPS.contains(n.getOpType())),
                "unexpected operators: " + nodes.stream().map(NodeProto::getOpType).collect(Collectors.toSet()));
        assertEquals(7, count(nodes, "Conv"), "whitening + 2 per group, batchnorms folded into them");
        assertEquals(4, count(nodes, "MaxPool"));
        assertEquals(7, count(nodes, "Erf"), "one exact GELU after each conv");
        assertEquals(0, nodes.stream().filter(n -> n.getName().contains("norm")).count(),
                "no explicit batchnorm arithmetic when every scale is positive");
        assertTrue(model.getGraph().getInitializerList().stream().noneMatch(t -> t.getName().contains("running")),
                "running statistics must not survive export");
    }

    @Test
    void declaresImageInputAndLogitsOutputWithSymbolicBatch() {
        for (boolean tta : new boolean[] {false, true}) {
            ModelProto model = OnnxExporter.toModel(CHECKPOINT, ExportOptions.defaults().withTta(tta));

            assertEquals(1, model.getGraph().getInputCount(), "weights are initializers, not inputs");
            assertShape(model.getGraph().getInput(0), "image", "N", 3, 32, 32);
            assertEquals(1, model.getGraph().getOutputCount());
            assertShape(model.getGraph().getOutput(0), "logits", "N", 10);
        }
    }

    @Test
    void opsetAndIrVersionFollowTheOptions() {
        ModelProto opset17 = OnnxExporter.toModel(CHECKPOINT, ExportOptions.defaults());
        ModelProto opset21 = OnnxExporter.toModel(CHECKPOINT, ExportOptions.defaults().withOpset(21));

        assertEquals(17, opset17.getOpsetImport(0).getVersion());
        assertEquals("", opset17.getOpsetImport(0).getDomain());
        assertEquals(8, opset17.getIrVersion());
        assertEquals(21, opset21.getOpsetImport(0).getVersion());
        assertEquals(10, opset21.getIrVersion());
        assertThrows(InputError.class, () -> ExportOptions.defaults().withOpset(16));
        assertThrows(InputError.class, () -> ExportOptions.defaults().withOpset(22));
    }

    @Test
    void metadataDescribesClassesNormalizationAndProvenance() throws Exception {
        ModelProto plain = OnnxExporter.toModel(CHECKPOINT, ExportOptions.defaults().withProducerVersion("1.2.3"));
        ModelProto tta = OnnxExporter.toModel(CHECKPOINT, ExportOptions.defaults().withTta(true));
        Map<String, String> meta = metadata(plain);
        ObjectMapper json = new ObjectMapper();

        assertEquals(CHECKPOINT.classes(), OnnxContract.parseClasses(meta.get(OnnxContract.KEY_CLASSES)));
        JsonNode normalization = json.readTree(meta.get(OnnxContract.KEY_NORMALIZATION));
        assertEquals(CHECKPOINT.normalization().mean().get(0).doubleValue(), normalization.get("mean").get(0).asDouble());
        assertEquals(CHECKPOINT.normalization().std().get(2).doubleValue(), normalization.get("std").get(2).asDouble());
        assertEquals("airbench94", meta.get(OnnxContract.KEY_PRESET));
        JsonNode architecture = json.readTree(meta.get(OnnxContract.KEY_ARCHITECTURE));
        assertEquals("airbench94", architecture.get("name").asText());
        assertEquals(256, architecture.get("block-widths").get(2).asInt());
        assertEquals("5", meta.get(OnnxContract.KEY_SEED));
        assertEquals(0.9401, Double.parseDouble(meta.get(OnnxContract.KEY_ACCURACY)));
        assertEquals("2", meta.get(OnnxContract.KEY_ACCURACY_TTA_LEVEL));
        assertEquals("0", meta.get(OnnxContract.KEY_TTA_LEVEL));
        assertEquals("2", metadata(tta).get(OnnxContract.KEY_TTA_LEVEL));
        assertEquals("1.2.3", meta.get(OnnxContract.KEY_TOOL_VERSION));
        assertEquals(OnnxContract.FORMAT, meta.get(OnnxContract.KEY_FORMAT));
        assertEquals("lightspeed", plain.getProducerName());
        assertEquals("1.2.3", plain.getProducerVersion());
    }

    @Test
    void exportWritesParsableModelAndNoTemporaryFiles() throws Exception {
        Path out = folder.resolve("nested/dir/model.onnx");

        ExportResult result = OnnxExporter.export(CHECKPOINT, out, ExportOptions.defaults());

        assertEquals(out, result.path());
        assertEquals(Files.size(out), result.bytes());
        ModelProto reread = ModelProto.parseFrom(Files.readAllBytes(out));
        assertEquals(OnnxExporter.toModel(CHECKPOINT, ExportOptions.defaults()), reread);
        assertEquals(reread.getGraph().getNodeCount(), result.nodes());
        try (Stream<Path> files = Files.list(out.getParent())) {
            assertEquals(List.of(out), files.toList(), "only the model should remain");
        }
    }

    @Test
    void checkpointSavedAndLoadedExportsIdentically() throws Exception {
        Path saved = folder.resolve("model.safetensors");
        CHECKPOINT.save(saved);

        ModelProto fromFile = OnnxExporter.toModel(Checkpoint.load(saved), ExportOptions.defaults());

        assertEquals(OnnxExporter.toModel(CHECKPOINT, ExportOptions.defaults()), fromFile);
    }

    @Test
    void unwritableOutputIsInputErrorAndLeavesNothing() throws Exception {
        Path readOnly = Files.createDirectory(folder.resolve("read-only"));
        Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Path out = readOnly.resolve("model.onnx");
            assumeFalse(Files.isWritable(readOnly), "this user (root) writes read-only folders too; "
                    + "outputUnderAFileIsInputError covers the error path");

            InputError error = assertThrows(InputError.class,
                    () -> OnnxExporter.export(CHECKPOINT, out, ExportOptions.defaults()));

            assertTrue(error.getMessage().contains("cannot write ONNX model"), error.getMessage());
            assertFalse(error.getMessage().contains("\n"));
            try (Stream<Path> files = Files.list(readOnly)) {
                assertEquals(0, files.count());
            }
        } finally {
            Files.setPosixFilePermissions(readOnly, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void outputUnderAFileIsInputError() throws Exception {
        Path file = Files.writeString(folder.resolve("plain-file"), "x");

        InputError error = assertThrows(InputError.class,
                () -> OnnxExporter.export(CHECKPOINT, file.resolve("model.onnx"), ExportOptions.defaults()));

        assertEquals("cannot write ONNX model " + file.resolve("model.onnx") + " (" + file
                + " is a file, not a folder); choose an output path in a writable folder", error.getMessage());
        assertEquals("x", Files.readString(file));
    }

    @Test
    void outputThatIsAFolderIsInputError() {
        InputError error = assertThrows(InputError.class,
                () -> OnnxExporter.export(CHECKPOINT, folder, ExportOptions.defaults()));

        assertTrue(error.getMessage().contains("is a folder"), error.getMessage());
    }

    @Test
    void architectureWithoutOneByOneHeadInputIsRefused() {
        ArchitectureSpec wide = new ArchitectureSpec("wide-head", 3, 32, 10, 2, List.of(8, 16, 16), 1, 256, 1e-12, 0.4);

        InputError error = assertThrows(InputError.class,
                () -> OnnxExporter.toModel(RandomCheckpoints.of(wide, 1), ExportOptions.defaults()));

        assertTrue(error.getMessage().contains("1x1"), error.getMessage());
    }

    @Test
    void negativeRunningVarianceIsRefusedAsCorrupt() {
        float[] variance = CHECKPOINT.tensors().get(ArchitectureSpec.normVar(0, 2)).values().clone();
        variance[0] = -1;
        Checkpoint corrupt = RandomCheckpoints.with(CHECKPOINT, ArchitectureSpec.normVar(0, 2),
                new TensorData(new long[] {variance.length}, variance));

        InputError error = assertThrows(InputError.class,
                () -> OnnxExporter.toModel(corrupt, ExportOptions.defaults()));

        assertTrue(error.getMessage().contains(ArchitectureSpec.normVar(0, 2)), error.getMessage());
    }

    private static long count(List<NodeProto> nodes, String opType) {
        return nodes.stream().filter(n -> n.getOpType().equals(opType)).count();
    }

    private static Map<String, String> metadata(ModelProto model) {
        return model.getMetadataPropsList().stream()
                .collect(Collectors.toMap(StringStringEntryProto::getKey, StringStringEntryProto::getValue));
    }

    private static void assertShape(ValueInfoProto value, String name, String batch, long... dims) {
        assertEquals(name, value.getName());
        assertEquals(1, value.getType().getTensorType().getElemType(), "float32");
        List<TensorShapeProto.Dimension> shape = value.getType().getTensorType().getShape().getDimList();
        assertEquals(batch, shape.get(0).getDimParam());
        assertArrayEquals(dims, shape.stream().skip(1).mapToLong(TensorShapeProto.Dimension::getDimValue).toArray());
    }
}
