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
 * {@link RecipeJson}).
 */
public final class Presets {

    public static final String DEFAULT = "airbench94";

    /** The preset files, by name; each file's {@code preset} field is its name. */
    private static final List<String> NAMES = List.of("airbench94");

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
