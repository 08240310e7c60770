package dev.lightspeed.models;

import dev.lightspeed.models.layers.Layer;
import dev.lightspeed.models.layers.NetworkLayout;
import dev.lightspeed.models.layers.TensorSpec;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ArchitectureEditsTest {

    private static final Recipe AIRBENCH = Presets.named("airbench94");
    private static final Recipe RESNET9 = Presets.named("resnet9");

    @Test
    void activationReplacesEveryActivation() {
        List<Layer> layers = NetworkLayout.flattened(AIRBENCH.with("activation", "relu").architecture().layers());
        List<String> functions = layers.stream().filter(l -> l instanceof Layer.Activation)
                .map(l -> ((Layer.Activation) l).function()).distinct().toList();
        assertEquals(List.of("relu"), functions);
        assertEquals(7, layers.stream().filter(l -> l instanceof Layer.Activation).count());
    }

    @Test
    void whiteningOffPutsAPlainConvOfTheSameWidthInItsPlace() {
        ArchitectureSpec plain = AIRBENCH.with("whitening", "off").architecture();
        assertTrue(plain.whitening().isEmpty());
        Layer.Conv stem = (Layer.Conv) plain.layers().get(0);
        assertEquals(new Layer.Conv("whiten", 24, 2, 1, 0, true, "fan-in"), stem);
        TensorSpec weight = plain.tensors().get(0);
        assertEquals(TensorSpec.Role.FILTER, weight.role());
        assertArrayEquals(new long[] {24, 3, 2, 2}, weight.shape());
        assertEquals(AIRBENCH.architecture().tensorShapes().keySet(), plain.tensorShapes().keySet());
        assertEquals(AIRBENCH, AIRBENCH.with("whitening", "on"));
        assertMessage(() -> RESNET9.with("whitening", "off"), "whitening: this network has no whitening stem");
    }

    @Test
    void batchnormScaleAndResidualAndWidthScaleEditEveryLayerOfTheirKind() {
        ArchitectureSpec learned = AIRBENCH.with("batchnorm-scale", "learned").architecture();
        assertTrue(learned.tensorShapes().containsKey("groups.2.norm2.weight"));
        ArchitectureSpec noSkip = RESNET9.with("residual", "off").architecture();
        assertFalse(NetworkLayout.flattened(noSkip.layers()).stream().anyMatch(l -> l instanceof Layer.Residual));
        assertEquals(RESNET9.architecture().tensorShapes().keySet(), noSkip.tensorShapes().keySet(),
                "the same tensors, without the skip connections");
        assertNotEquals(RESNET9.architecture(), noSkip);
        assertMessage(() -> AIRBENCH.with("residual", "off"), "this network has no residual layer to change");
        ArchitectureSpec half = RESNET9.with("width-scale", "0.5").architecture();
        assertArrayEquals(new long[] {256, 256, 3, 3}, half.tensorShapes().get("layer3.residual.conv1.weight"));
        assertArrayEquals(new long[] {10, 256}, half.tensorShapes().get("head.weight"));
        assertEquals(0.3, ((Layer.BatchNorm) NetworkLayout.flattened(AIRBENCH.with("batchnorm-momentum", "0.3")
                .architecture().layers()).stream().filter(l -> l instanceof Layer.BatchNorm).findFirst()
                .orElseThrow()).momentum());
        assertEquals(200, AIRBENCH.with("whitening-samples", "200").architecture().whitening().orElseThrow()
                .samples());
    }

    @Test
    void blockWidthsSetsEveryConvOfEachBlock() {
        ArchitectureSpec narrow = AIRBENCH.with("block-widths", "8,16,16").architecture();
        assertEquals(AirbenchLayout.spec("airbench94", 3, 32, 10, 2, List.of(8, 16, 16), 256, 1e-12, 0.4), narrow);
        assertEquals(narrow, AIRBENCH.with("block-widths", "8/16/16").architecture(), "slashes, for a sweep axis");
        ArchitectureSpec small = RESNET9.with("block-widths", "8,16,16,32").architecture();
        assertArrayEquals(new long[] {16, 16, 3, 3}, small.tensorShapes().get("layer1.residual.conv2.weight"));
        assertArrayEquals(new long[] {32, 16, 3, 3}, small.tensorShapes().get("layer3.conv.weight"));
        assertMessage(() -> AIRBENCH.with("block-widths", "8,16"), "block-widths needs one width per block of convs,"
                + " 3 here");
    }

    @Test
    void badValuesAreOneLineErrorsNamingTheEdit() {
        assertMessage(() -> AIRBENCH.with("activation", "tanh"), "activation must be one of gelu, relu, celu, silu,"
                + " identity, got 'tanh'");
        assertMessage(() -> AIRBENCH.with("whitening", "maybe"), "whitening must be one of on, off");
        assertMessage(() -> AIRBENCH.with("width-scale", "-1"), "width-scale must be a positive number");
        assertMessage(() -> AIRBENCH.with("width-scale", "wide"), "width-scale expects a number, got 'wide'");
        assertEquals("activation", assertThrows(InputError.class, () -> AIRBENCH.with("activation", "x"))
                .parameter().orElseThrow());
    }

    private static void assertMessage(org.junit.jupiter.api.function.Executable call, String fragment) {
        InputError error = assertThrows(InputError.class, call);
        assertTrue(error.getMessage().contains(fragment), error.getMessage());
        assertTrue(!error.getMessage().contains("\n"), error.getMessage());
    }
}
