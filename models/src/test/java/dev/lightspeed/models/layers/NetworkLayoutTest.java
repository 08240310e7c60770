package dev.lightspeed.models.layers;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.RecipeJson;
import dev.lightspeed.models.layers.TensorSpec.Init;
import dev.lightspeed.models.layers.TensorSpec.Role;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetworkLayoutTest {

    private static final Layer.Conv CONV8 = new Layer.Conv("c", 8, null, null, null, null, null);
    private static final Layer RELU = Layer.Activation.of("relu");
    private static final Layer HEAD = new Layer.Linear("head", null, null, null);
    private static final Layer GLOBAL = new Layer.GlobalPool("max");

    @Test
    void airbench94KeepsItsTensorNamesShapesAndRoles() {
        Map<String, TensorSpec> tensors = ArchitectureSpec.airbench94().tensors().stream()
                .collect(Collectors.toMap(TensorSpec::name, t -> t));
        assertEquals(27, tensors.size());
        assertArrayEquals(new long[] {24, 3, 2, 2}, tensors.get("whiten.weight").shape());
        assertEquals(Role.WHITENING_FILTER, tensors.get("whiten.weight").role());
        assertEquals(Role.WHITENING_BIAS, tensors.get("whiten.bias").role());
        assertEquals(1 / Math.sqrt(12), tensors.get("whiten.bias").bound(), 1e-15);
        assertArrayEquals(new long[] {64, 24, 3, 3}, tensors.get("groups.0.conv1.weight").shape());
        assertEquals(Init.DIRAC, tensors.get("groups.0.conv1.weight").init());
        assertEquals(Role.FILTER, tensors.get("groups.2.conv2.weight").role());
        assertArrayEquals(new long[] {256, 256, 3, 3}, tensors.get("groups.2.conv2.weight").shape());
        assertEquals(Role.NORM, tensors.get("groups.1.norm2.bias").role());
        assertEquals(Role.STATISTIC, tensors.get("groups.1.norm2.running_var").role());
        assertEquals(Init.ONES, tensors.get("groups.1.norm2.running_var").init());
        assertTrue(!tensors.containsKey("groups.1.norm2.weight"), "airbench's batchnorm scales are frozen at 1");
        assertArrayEquals(new long[] {10, 256}, tensors.get("head.weight").shape());
        assertEquals(Init.UNIT_STD, tensors.get("head.weight").init());
    }

    @Test
    void aLayerListIsReadAndWrittenAsJsonWithItsTypes() {
        ArchitectureSpec resnet9 = Presets.named("resnet9").architecture();
        ArchitectureSpec again = RecipeJson.architecture(dev.lightspeed.models.Json.STRICT.valueToTree(resnet9), "t");
        assertEquals(resnet9, again);
        assertEquals("residual", dev.lightspeed.models.Json.STRICT.valueToTree(resnet9).get("layers").get(1)
                .get("layers").get(4).get("type").asText());
    }

    @Test
    void aResidualBodyThatChangesItsInputIsRefusedNamingIt() {
        Layer wider = new Layer.Residual("res", List.of(new Layer.Conv("c2", 16, null, null, null, null, null)));
        assertMessage(() -> layout(CONV8, wider, GLOBAL, HEAD),
                "residual res: its body turns 8 channels of 32×32 into 16 of 32×32");
        Layer pooled = new Layer.Residual("res", List.of(new Layer.Pool("max", 2)));
        assertMessage(() -> layout(CONV8, pooled, GLOBAL, HEAD), "residual res: its body turns 8 channels of 32×32"
                + " into 8 of 16×16; a residual body must keep its input's width and size");
    }

    @Test
    void aPoolThatShrinksTheMapBelowOnePixelIsRefusedNamingIt() {
        assertMessage(() -> layout(CONV8, new Layer.Pool("max", 8), new Layer.Pool("average", 8), GLOBAL, HEAD),
                "layers[2] (average pool 8): a 8×8 pool shrinks the 4×4 map below 1×1");
        assertMessage(() -> layout(new Layer.Block("b", List.of(new Layer.Pool("max", 64))), GLOBAL, HEAD),
                "b[0] (max pool 64)");
    }

    @Test
    void theHeadNeedsAOneByOneMapAndComesLast() {
        assertMessage(() -> layout(CONV8, HEAD), "layers[1] (linear head): the head needs a 1×1 map, the layers"
                + " before it leave 32×32; put a global-pool before it");
        assertMessage(() -> layout(CONV8, GLOBAL), "layers must end with a linear head");
        assertMessage(() -> layout(CONV8, HEAD, GLOBAL), "layers[1] (linear head): the linear head must be the last");
        assertMessage(() -> layout(CONV8, new Layer.Whitening("w", 2, null, null, null), GLOBAL, HEAD),
                "layers[1] (whitening w): a whitening stem must be the first layer");
    }

    @Test
    void unknownActivationsAndDuplicateNamesAreRefused() {
        assertMessage(() -> new Layer.Activation("tanh", null), "activation: function must be one of gelu, relu,"
                + " celu, silu, identity, got 'tanh'");
        assertMessage(() -> new Layer.Activation("relu", 0.5), "activation relu takes no alpha");
        assertMessage(() -> layout(CONV8, CONV8, GLOBAL, HEAD), "two layers name the tensor c.weight");
        assertMessage(() -> new Layer.Conv("c", 0, null, null, null, null, null), "conv c: width must be positive");
    }

    @Test
    void residualBodiesAndBlocksPrefixTheirTensorsNames() {
        NetworkLayout layout = layout(new Layer.Block("stage", List.of(CONV8, new Layer.Residual("res", List.of(
                new Layer.Conv("inner", 8, null, null, null, true, null), new Layer.BatchNorm("bn", null, null, null),
                RELU)))), GLOBAL, HEAD);
        assertEquals(List.of("stage.c.weight", "stage.res.inner.weight", "stage.res.inner.bias", "stage.res.bn.weight",
                "stage.res.bn.bias", "stage.res.bn.running_mean", "stage.res.bn.running_var", "head.weight"),
                layout.tensors().stream().map(TensorSpec::name).toList());
        assertEquals(Role.NORM, layout.tensors().get(2).role(), "a conv bias trains with the batchnorm shifts");
        assertTrue(layout.nodes().get(1) instanceof Node.Residual r && r.body().size() == 3);
    }

    private static NetworkLayout layout(Layer... layers) {
        return NetworkLayout.of(List.of(layers), 3, 32, 10);
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        InputError error = assertThrows(InputError.class, call);
        assertTrue(error.getMessage().contains(fragment), error.getMessage());
        assertTrue(!error.getMessage().contains("\n"), error.getMessage());
    }
}
