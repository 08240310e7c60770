package dev.lightspeed.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lightspeed.models.layers.Layer;

import java.util.ArrayList;
import java.util.List;

/**
 * airbench's network as a layer list: a whitening stem and GELU, then per conv group conv → 2×2 max pool →
 * batchnorm → GELU → conv → batchnorm → GELU (convs Dirac-initialised, batchnorm scales frozen), a global max pool
 * and a bias-free head whose logits are divided by a fixed divisor. Recipes and checkpoints written before networks
 * were layer lists described it by these numbers; {@link #upgrade} reads that form.
 */
public final class AirbenchLayout {

    private AirbenchLayout() {
    }

    /**
     * The layers of an airbench network.
     *
     * @param whitening the stem (its kernel, eps, samples and bias epochs)
     * @param widths    output channels of each conv group
     * @param divisor   the head's logits are divided by this
     * @param eps       batchnorm eps
     * @param momentum  batchnorm momentum (PyTorch's convention)
     */
    public static List<Layer> layers(Layer.Whitening whitening, List<Integer> widths, double divisor, double eps,
            double momentum) {
        List<Layer> layers = new ArrayList<>(List.of(whitening, Layer.Activation.of("gelu")));
        for (int g = 0; g < widths.size(); g++) {
            int w = widths.get(g);
            layers.add(new Layer.Block("groups." + g, List.of(
                    conv("conv1", w), new Layer.Pool("max", 2), norm("norm1", eps, momentum),
                    Layer.Activation.of("gelu"),
                    conv("conv2", w), norm("norm2", eps, momentum), Layer.Activation.of("gelu"))));
        }
        layers.add(new Layer.GlobalPool("max"));
        layers.add(new Layer.Linear("head", false, 1 / divisor, Layer.Linear.UNIT_STD));
        return List.copyOf(layers);
    }

    /** An airbench network with the stem's published settings (eps 5e-4, 5000 samples, bias trained 3 epochs). */
    public static ArchitectureSpec spec(String name, int channels, int imageSize, int classes, int whiteningKernel,
            List<Integer> widths, double divisor, double eps, double momentum) {
        return new ArchitectureSpec(name, channels, imageSize, classes,
                layers(new Layer.Whitening("whiten", whiteningKernel, null, null, null), widths, divisor, eps,
                        momentum));
    }

    private static Layer conv(String name, int width) {
        return new Layer.Conv(name, width, 3, 1, 1, false, Layer.Conv.DIRAC);
    }

    private static Layer norm(String name, double eps, double momentum) {
        return new Layer.BatchNorm(name, eps, momentum, Layer.BatchNorm.FROZEN);
    }

    /** The architecture fields of the earlier form, and the recipe fields that now belong to the whitening stem. */
    private static final List<String> OLD_ARCHITECTURE = List.of("whitening-kernel", "block-widths", "final-pool",
            "logit-divisor", "batch-norm-eps", "batch-norm-momentum");
    private static final TypeReference<List<Layer>> LAYER_LIST = new TypeReference<>() { };
    private static final List<String> OLD_STEM = List.of("whitening-eps", "whitening-samples", "whiten-bias-epochs");

    /**
     * A recipe tree (or, with {@code recipe} null, an architecture tree) of the earlier form rewritten in place to
     * the layer-list form; a tree of the current form is left as it is. The earlier architecture fields must all be
     * present; the stem's settings come from the recipe's fields when it has them, else the published ones.
     */
    static void upgrade(ObjectNode architecture, ObjectNode recipe, String source) {
        if (architecture == null || architecture.has("layers") || OLD_ARCHITECTURE.stream().noneMatch(
                architecture::has)) {
            if (recipe != null) {
                upgradeFlip(recipe);
            }
            return;
        }
        for (String field : OLD_ARCHITECTURE) {
            if (!architecture.has(field)) {
                throw new InputError(source + " lacks field 'architecture." + field + "'");
            }
        }
        List<Integer> widths = new ArrayList<>();
        architecture.get("block-widths").forEach(w -> widths.add(w.asInt()));
        ObjectNode stem = recipe == null ? Json.STRICT.createObjectNode() : recipe;
        Layer.Whitening whitening = new Layer.Whitening("whiten", architecture.get("whitening-kernel").asInt(),
                number(stem, "whitening-eps"), stem.has("whitening-samples") ? stem.get("whitening-samples").asInt()
                        : null, stem.has("whiten-bias-epochs") ? stem.get("whiten-bias-epochs").asInt() : null);
        List<Layer> layers = layers(whitening, widths, architecture.get("logit-divisor").asDouble(),
                architecture.get("batch-norm-eps").asDouble(), architecture.get("batch-norm-momentum").asDouble());
        OLD_ARCHITECTURE.forEach(architecture::remove);
        // Written as a List<Layer>, so that every layer carries its type (a plain list would lose it).
        try {
            architecture.set("layers", Json.STRICT.readTree(Json.STRICT.writerFor(LAYER_LIST).writeValueAsString(
                    layers)));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        if (recipe != null) {
            OLD_STEM.forEach(recipe::remove);
            upgradeFlip(recipe);
        }
    }

    /** {@code alternating-flip: true|false} became {@code flip: alternating|none}. */
    private static void upgradeFlip(ObjectNode recipe) {
        JsonNode old = recipe.remove("alternating-flip");
        if (old != null && !recipe.has("flip")) {
            recipe.put("flip", old.asBoolean() ? "alternating" : "none");
        }
    }

    private static Double number(ObjectNode tree, String field) {
        return tree.has(field) ? tree.get(field).asDouble() : null;
    }
}
