package dev.lightspeed.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.export.onnx.ModelProto;
import dev.lightspeed.export.onnx.NodeProto;
import dev.lightspeed.export.onnx.StringStringEntryProto;
import dev.lightspeed.export.onnx.TensorShapeProto;
import dev.lightspeed.export.onnx.ValueInfoProto;
import dev.lightspeed.models.AirbenchLayout;
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
    private static final Set<String> INFERENCE_OPS = Set.of("Conv", "MaxPool", "GlobalMaxPool", "Div", "Erf", "Add",
            "Mul", "Relu", "Flatten", "Gemm", "Pad", "Slice", "Concat", "Reshape", "ReduceSum");

    @TempDir
    Path folder;

    @Test
    void graphHasOnlyInferenceOperatorsWithBatchnormsFolded() {
        ModelProto model = OnnxExporter.toModel(CHECKPOINT, ExportOptions.defaults());
        List<NodeProto> nodes = model.getGraph().getNodeList();

        assertTrue(nodes.stream().allMatch(n -> INFERENCE_OPS.contains(n.getOpType())),
                "unexpected operators: " + nodes.stream().map(NodeProto::getOpType).collect(Collectors.toSet()));
        assertEquals(7, count(nodes, "Conv"), "whitening + 2 per group, batchnorms folded into them");
        assertEquals(3, count(nodes, "MaxPool"));
        assertEquals(1, count(nodes, "GlobalMaxPool"));
        assertEquals(7, count(nodes, "Erf"), "one exact GELU after each conv");
        assertEquals(0, nodes.stream().filter(n -> n.getName().contains("norm")).count(),
                "no explicit batchnorm arithmetic when every scale is positive");
        assertTrue(model.getGraph().getInitializerList().stream().noneMatch(t -> t.getName().contains("running")),
                "running statistics must not survive export");
    }

    @Test
    void resnet9GraphFollowsItsLayers() {
        ModelProto model = OnnxExporter.toModel(RandomCheckpoints.of(RandomCheckpoints.smallResnet9(), 5),
                ExportOptions.defaults());
        List<NodeProto> nodes = model.getGraph().getNodeList();

        assertTrue(nodes.stream().allMatch(n -> INFERENCE_OPS.contains(n.getOpType())),
                "unexpected operators: " + nodes.stream().map(NodeProto::getOpType).collect(Collectors.toSet()));
        assertEquals(List.of("prep.conv", "layer1.conv", "layer1.residual.conv1", "layer1.residual.conv2",
                "layer2.conv", "layer3.conv", "layer3.residual.conv1", "layer3.residual.conv2"), names(nodes, "Conv"),
                "every conv, batchnorms folded into them");
        assertEquals(8, count(nodes, "Relu"));
        assertEquals(List.of("layer1.conv/relu/pool", "layer2.conv/relu/pool", "layer3.conv/relu/pool"),
                names(nodes, "MaxPool"));
        assertEquals(List.of(FoldedNetwork.NORMALIZE, "layer1.residual", "layer3.residual"), names(nodes, "Add"),
                "the input normalization, then the two residual sums");
        NodeProto sum = nodes.stream().filter(n -> n.getName().equals("layer1.residual")).findFirst().orElseThrow();
        assertEquals(List.of("layer1.conv/relu/pool", "layer1.residual.conv2/relu"), sum.getInputList());
        assertEquals(List.of("layer3.residual"), nodes.stream().filter(n -> n.getOpType().equals("GlobalMaxPool"))
                .flatMap(n -> n.getInputList().stream()).toList());
        assertEquals(1, count(nodes, "Gemm"));
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
        JsonNode lastGroup = architecture.get("layers").get(4);
        assertEquals("groups.2", lastGroup.get("name").asText());
        assertEquals(256, lastGroup.get("layers").get(0).get("width").asInt());
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
    void globalPoolCoversWhateverMapTheLayersLeave() throws Exception {
        // Two groups leave a 7×7 map (31 after the 2×2 stem, then two pools) for the global max pool.
        ArchitectureSpec twoGroups = AirbenchLayout.spec("two-groups", 3, 32, 10, 2, List.of(8, 16), 256, 1e-12, 0.4);
        Checkpoint checkpoint = RandomCheckpoints.of(twoGroups, 1);
        float[] images = RandomCheckpoints.images(2, 3);

        float[][] expected = ReferenceNetwork.airbench(checkpoint).logits(images, 2);
        OnnxExportParityTest.assertMeaningful(expected);
        OnnxExportParityTest.assertClose(expected, OrtScoring.logits(OnnxExporter.toModel(checkpoint,
                ExportOptions.defaults()).toByteArray(), images, 2));
    }

    @Test
    void negativeRunningVarianceIsRefusedAsCorrupt() {
        String name = "groups.0.norm2.running_var";
        float[] variance = CHECKPOINT.tensors().get(name).values().clone();
        variance[0] = -1;
        Checkpoint corrupt = RandomCheckpoints.with(CHECKPOINT, name,
                new TensorData(new long[] {variance.length}, variance));

        InputError error = assertThrows(InputError.class,
                () -> OnnxExporter.toModel(corrupt, ExportOptions.defaults()));

        assertTrue(error.getMessage().contains(name), error.getMessage());
    }

    private static List<String> names(List<NodeProto> nodes, String opType) {
        return nodes.stream().filter(n -> n.getOpType().equals(opType)).map(NodeProto::getName).toList();
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
