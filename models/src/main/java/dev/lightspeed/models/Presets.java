package dev.lightspeed.models;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Named training recipes, one JSON file each under {@code presets/} beside this class, every field named (see
 * {@link RecipeJson}): {@code airbench94} for CIFAR-10, {@code airbench-cifar100} (its numerics with a 100-way head)
 * and {@code airbench-folder64} for image folders at 64 px (batches of 500 and translations of up to 4 px, in
 * proportion to the larger images); {@code resnet9}, Myrtle.ai's DAWNBench ResNet-9 with its published baseline
 * training. The trainer fits each network to the data it gets
 * ({@link Recipe#fittedTo}); a preset's image size is the size image folders are decoded to by default.
 */
public final class Presets {

    public static final String DEFAULT = "airbench94";

    /** The preset files, by name; each file's {@code preset} field is its name. */
    private static final List<String> NAMES = List.of("airbench94", "airbench-cifar100", "airbench-folder64",
            "resnet9");

    private static final Map<String, Recipe> PRESETS = new LinkedHashMap<>();

    static {
        for (String name : NAMES) {
            PRESETS.put(name, load(name));
        }
    }

    private Presets() {
    }

    private static Recipe load(String name) {
        String resource = "presets/" + name + ".json";
        try (InputStream in = Presets.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException(resource + " is missing from the models jar");
            }
            String source = "preset " + resource;
            Recipe recipe = RecipeJson.recipe(RecipeJson.parse(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    source), source);
            if (!recipe.preset().equals(name)) {
                throw new IllegalStateException(resource + " names itself '" + recipe.preset() + "'");
            }
            return recipe;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + resource, e);
        }
    }

    public static Set<String> names() {
        return PRESETS.keySet();
    }

    public static Recipe named(String name) {
        Recipe recipe = PRESETS.get(name);
        if (recipe == null) {
            throw new InputError("unknown preset '" + name + "'; known: " + String.join(", ", names()));
        }
        return recipe;
    }
}
