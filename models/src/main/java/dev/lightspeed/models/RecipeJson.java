package dev.lightspeed.models;

import com.fasterxml.jackson.core.JacksonException;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.InvalidTypeIdException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lightspeed.models.layers.Layer;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * The JSON form of a {@link Recipe} and its {@link ArchitectureSpec}, one for preset files, user recipe files,
 * {@code --set} and checkpoint metadata. Field names are the records' components in kebab case
 * ({@code batch-size}).
 *
 * <p>Reading is strict ({@link Json#STRICT}). A field this version does not know is an error, not ignored: a recipe
 * or checkpoint from a newer version may hold a field that changes what the numbers mean, and training or scoring it
 * as if the field were absent would be quietly wrong. A missing field is an error too, unless
 * {@code recipe-defaults.json} (beside this class) gives it a default: that file documents, for every field added
 * after the first checkpoint format, the value that reproduces how lightspeed behaved before the field existed, so
 * that older checkpoints and recipe files keep reading. Whoever adds a field to {@link Recipe} or
 * {@link ArchitectureSpec} adds its default there.
 */
public final class RecipeJson {

    /** The key of a user recipe file that names the preset whose fields it starts from. */
    public static final String BASE = "base";
    static final String ARCHITECTURE = "architecture";

    private static final ObjectNode DEFAULTS = loadDefaults();

    private RecipeJson() {
    }

    private static ObjectNode loadDefaults() {
        try (InputStream in = RecipeJson.class.getResourceAsStream("recipe-defaults.json")) {
            return (ObjectNode) Json.STRICT.readTree(in);
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("recipe-defaults.json is missing from the models jar", e);
        }
    }

    /** The JSON names of a record's fields (kebab case), in declaration order. */
    static List<String> fieldNames(Class<?> type) {
        return Json.STRICT.getDeserializationConfig().introspect(Json.STRICT.constructType(type)).findProperties()
                .stream().map(BeanPropertyDefinition::getName).toList();
    }

    public static ObjectNode tree(Recipe recipe) {
        return Json.STRICT.valueToTree(recipe);
    }

    /**
     * A recipe from its JSON tree, completed with the documented defaults; {@code source} names where the tree came
     * from in every error message (a file, a checkpoint's metadata).
     */
    public static Recipe recipe(JsonNode tree, String source) {
        JsonNode upgraded = tree;
        if (tree instanceof ObjectNode object) {
            ObjectNode copy = object.deepCopy();
            AirbenchLayout.upgrade(copy.get(ARCHITECTURE) instanceof ObjectNode a ? a : null, copy, source);
            upgraded = copy;
        }
        return read(upgraded, Recipe.class, DEFAULTS, source);
    }

    public static ArchitectureSpec architecture(JsonNode tree, String source) {
        return architecture(tree, null, source);
    }

    /**
     * An architecture stored beside the recipe it was trained with ({@code recipe}, a tree, may be null): an
     * architecture of the earlier form takes its whitening stem's settings from that recipe, as training did.
     */
    public static ArchitectureSpec architecture(JsonNode tree, JsonNode recipe, String source) {
        JsonNode upgraded = tree;
        if (tree instanceof ObjectNode object) {
            ObjectNode copy = object.deepCopy();
            AirbenchLayout.upgrade(copy, recipe instanceof ObjectNode r ? r.deepCopy() : null, source);
            upgraded = copy;
        }
        return read(upgraded, ArchitectureSpec.class, (ObjectNode) DEFAULTS.get(ARCHITECTURE), source);
    }

    /** Parses JSON text, with a one-line error naming {@code source} and the place where the text is broken. */
    public static JsonNode parse(String text, String source) {
        if (text == null) {
            throw new InputError(source + " is missing");
        }
        try {
            return Json.STRICT.readTree(text);
        } catch (JsonProcessingException e) {
            // Any JSON value makes a tree, so the one mismatch a tree can meet is text after the value.
            String why = e instanceof MismatchedInputException ? "more text follows the first JSON value"
                    : e.getOriginalMessage().lines().findFirst().orElse("");
            throw new InputError(source + " is not valid JSON" + at(e.getLocation()) + ": " + why);
        }
    }

    /**
     * A user's recipe file. With {@code "base": "NAME"} it starts from that preset and replaces only the fields it
     * names (inside {@code architecture} too; a list such as {@code layers} is replaced whole); without it, it names
     * every field. It may also name {@link ArchitectureEdits edits} of the network ({@code "activation": "relu"}),
     * applied after the fields. Its {@code preset} (the name runs
     * and checkpoints show) is the file's name without {@code .json} unless the file sets it.
     */
    public static Recipe readFile(Path file) {
        String text;
        try {
            text = Files.readString(file);
        } catch (IOException | RuntimeException e) {
            String reason = e instanceof java.nio.file.NoSuchFileException ? "no such file"
                    : e.getClass().getSimpleName().replace("Exception", "");
            throw InputError.in("recipe", "recipe file " + file + " cannot be read (" + reason
                    + "); pass a readable JSON file");
        }
        String source = "recipe file " + file;
        JsonNode node = parse(text, source);
        if (!(node instanceof ObjectNode tree)) {
            throw new InputError(source + " must hold one JSON object of recipe fields");
        }
        boolean named = tree.has("preset");
        if (tree.has(BASE)) {
            JsonNode base = tree.remove(BASE);
            if (!base.isTextual()) {
                throw new InputError(source + ": field '" + BASE + "' names a preset (" + String.join(", ",
                        Presets.names()) + ")");
            }
            Recipe preset;
            try {
                preset = Presets.named(base.asText());
            } catch (InputError e) {
                throw new InputError(source + ": field '" + BASE + "': " + e.getMessage());
            }
            ObjectNode merged = tree(preset);
            overlay(merged, tree);
            tree = merged;
        }
        if (!named) {
            tree.put("preset", stem(file));
        }
        Map<String, String> edits = new java.util.LinkedHashMap<>();
        for (String edit : ArchitectureEdits.names()) {
            JsonNode value = tree.remove(edit);
            if (value != null) {
                // A list (block-widths) is given as JSON in a file, as text with commas on the command line.
                edits.put(edit, value.isArray() ? String.join(",", java.util.stream.StreamSupport.stream(
                        value.spliterator(), false).map(JsonNode::asText).toList()) : value.asText());
            }
        }
        Recipe recipe = recipe(tree, source);
        for (Map.Entry<String, String> edit : edits.entrySet()) {
            try {
                recipe = recipe.with(edit.getKey(), edit.getValue());
            } catch (InputError e) {
                throw new InputError(source + ": " + e.getMessage());
            }
        }
        return recipe;
    }

    private static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.endsWith(".json") ? name.substring(0, name.length() - ".json".length()) : name;
    }

    /** Writes every field of {@code top} into {@code into}, merging nested objects field by field. */
    static void overlay(ObjectNode into, JsonNode top) {
        for (Map.Entry<String, JsonNode> field : top.properties()) {
            if (field.getValue() instanceof ObjectNode inner && into.get(field.getKey()) instanceof ObjectNode below) {
                overlay(below, inner);
            } else {
                into.set(field.getKey(), field.getValue().deepCopy());
            }
        }
    }

    /**
     * Binds a tree to a record after filling in the defaults of fields it lacks; every failure is a one-line
     * {@link InputError} that names {@code source} and the field.
     */
    static <T> T read(JsonNode tree, Class<T> type, ObjectNode defaults, String source) {
        if (!(tree instanceof ObjectNode given)) {
            throw new InputError(source + " must be a JSON object, got " + tree.getNodeType().toString()
                    .toLowerCase(java.util.Locale.ROOT));
        }
        ObjectNode complete = defaults.deepCopy();
        overlay(complete, given);
        requireFields(complete, type, "", source);
        try {
            return Json.STRICT.treeToValue(complete, type);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw error(source, e);
        }
    }

    private static void requireFields(ObjectNode tree, Class<?> type, String prefix, String source) {
        for (String name : fieldNames(type)) {
            if (!tree.has(name)) {
                throw new InputError(source + " lacks field '" + prefix + name + "'");
            }
        }
        if (type == Recipe.class && tree.get(ARCHITECTURE) instanceof ObjectNode architecture) {
            requireFields(architecture, ArchitectureSpec.class, ARCHITECTURE + ".", source);
        }
    }

    /** The one-line message of a failed binding; {@code source} may be null where the caller names the input. */
    static InputError error(String source, Exception e) {
        String prefix = source == null ? "" : source + ": ";
        if (e instanceof ValueInstantiationException v && v.getCause() instanceof InputError invalid) {
            return new InputError(prefix + invalid.getMessage());
        }
        if (e instanceof InvalidTypeIdException t) {
            return new InputError(prefix + path(t) + ": " + (t.getTypeId() == null ? "a layer needs a 'type'"
                    : "unknown layer type '" + t.getTypeId() + "'") + " (known: " + String.join(", ", Layer.TYPES)
                    + ")");
        }
        if (e instanceof UnrecognizedPropertyException u) {
            return new InputError(prefix + "unknown field '" + path(u) + "' (this version knows "
                    + String.join(", ", u.getKnownPropertyIds().stream().map(Object::toString).sorted().toList())
                    + ")");
        }
        if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
            Class<?> target = m instanceof MismatchedInputException mi
                    ? mi.getTargetType() : null;
            String got = m instanceof InvalidFormatException f ? ", got '" + f.getValue() + "'" : "";
            return new InputError(prefix + path(m) + " expects " + describe(target) + got);
        }
        String message = e instanceof JacksonException j ? j.getOriginalMessage() : e.getMessage();
        return new InputError(prefix + String.valueOf(message).lines().findFirst().orElse(""));
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.toString();
    }

    private static String describe(Class<?> type) {
        if (type == int.class || type == Integer.class || type == long.class) {
            return "an integer";
        }
        if (type == double.class || type == Double.class) {
            return "a number";
        }
        if (type == boolean.class || type == Boolean.class) {
            return "true or false";
        }
        if (type == String.class) {
            return "text";
        }
        if (type != null && List.class.isAssignableFrom(type)) {
            return "a list";
        }
        return "an object";
    }

    private static String at(JsonLocation location) {
        return location == null || location.getLineNr() < 0 ? ""
                : " (line " + location.getLineNr() + ", column " + location.getColumnNr() + ")";
    }

    /** camelCase → kebab-case, for the field names of checkpoints written before the names were kebab case. */
    static JsonNode kebabKeys(JsonNode node) {
        if (!(node instanceof ObjectNode object)) {
            return node;
        }
        ObjectNode renamed = Json.STRICT.createObjectNode();
        PropertyNamingStrategies.NamingBase kebab = (PropertyNamingStrategies.NamingBase)
                PropertyNamingStrategies.KEBAB_CASE;
        object.properties().forEach(f -> renamed.set(kebab.translate(f.getKey()), kebabKeys(f.getValue())));
        return renamed;
    }
}
