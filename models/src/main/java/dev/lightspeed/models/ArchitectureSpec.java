package dev.lightspeed.models;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.lightspeed.models.layers.Layer;
import dev.lightspeed.models.layers.NetworkLayout;
import dev.lightspeed.models.layers.Node;
import dev.lightspeed.models.layers.TensorSpec;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A network: its layers as data ({@link Layer}, in forward order) and the images and classes it is fitted to. Every
 * engine derives what it needs from the one {@link NetworkLayout} of these layers: the trainer its tensors, their
 * initialization, optimizer roles and forward pass; the exporter its graph; the checkpoint the names and shapes it
 * checks. The values of a preset are in its recipe file ({@link Presets}); the JSON form is {@link RecipeJson}'s.
 * Building one checks that the layers fit the images ({@link NetworkLayout}).
 *
 * @param name          the network's name, shown in runs, checkpoints and exported models
 * @param inputChannels channels of an input image
 * @param imageSize     side of the square input image in pixels
 * @param numClasses    logits per image: the head's width
 * @param layers        the network, first layer first, ending with a linear head
 */
@JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
public record ArchitectureSpec(String name, int inputChannels, int imageSize, int numClasses, List<Layer> layers) {

    public static final String AIRBENCH94 = "airbench94";

    public ArchitectureSpec {
        if (name == null || name.isBlank()) {
            throw new InputError("name must be given");
        }
        if (inputChannels < 1 || imageSize < 1) {
            throw new InputError("input-channels and image-size must be positive");
        }
        if (numClasses < 2) {
            throw new InputError("num-classes must be at least 2, got " + numClasses);
        }
        layers = layers == null ? null : List.copyOf(layers);
        NetworkLayout.of(layers, inputChannels, imageSize, numClasses);
    }

    /** The network of the airbench94 preset. */
    public static ArchitectureSpec airbench94() {
        return Presets.named(AIRBENCH94).architecture();
    }

    /** The layers resolved against this spec's images and classes. */
    public NetworkLayout layout() {
        return NetworkLayout.of(layers, inputChannels, imageSize, numClasses);
    }

    /** The resolved layers, which engines walk. */
    public List<Node> nodes() {
        return layout().nodes();
    }

    /** Every tensor of a trained model, in forward order. */
    public List<TensorSpec> tensors() {
        return layout().tensors();
    }

    /** Every tensor's shape by name, in forward order. */
    public Map<String, long[]> tensorShapes() {
        Map<String, long[]> shapes = new LinkedHashMap<>();
        tensors().forEach(t -> shapes.put(t.name(), t.shape()));
        return shapes;
    }

    /** The whitening stem, when the network starts with one. */
    public Optional<Layer.Whitening> whitening() {
        return layers.get(0) instanceof Layer.Whitening w ? Optional.of(w) : Optional.empty();
    }

    /** This network with other layers, same images and classes. */
    public ArchitectureSpec withLayers(List<Layer> newLayers) {
        return new ArchitectureSpec(name, inputChannels, imageSize, numClasses, newLayers);
    }

    /**
     * This network for images of {@code geometry} in {@code numClasses} classes: its input and head follow the data,
     * and its global pool covers whatever map the layers leave. A list whose pools would shrink the data's images
     * below 1×1 is refused, naming the layer.
     */
    public ArchitectureSpec fittedTo(ImageGeometry geometry, int classes) {
        try {
            return new ArchitectureSpec(name, geometry.channels(), geometry.size(), classes, layers);
        } catch (InputError e) {
            throw new InputError(geometry + " images do not fit the " + name + " network: " + e.getMessage());
        }
    }
}
