package dev.lightspeed.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A trained model as stored in {@code model.safetensors}: the weights under the names of
 * {@link ArchitectureSpec#tensorShapes()}, and in the metadata everything needed to use them without the
 * trainer (architecture, classes, normalization) and to trace them back (preset, recipe, seed, accuracy). The
 * recipe and architecture are read as {@link RecipeJson} reads them: a field added after a checkpoint was written
 * takes its documented default, a field this version does not know is refused.
 */
public record Checkpoint(
        ArchitectureSpec architecture,
        Recipe recipe,
        List<String> classes,
        Normalization normalization,
        long seed,
        int epoch,
        double accuracy,
        int ttaLevel,
        Map<String, TensorData> tensors) {

    public static final String FORMAT = "lightspeed-checkpoint-v1";
    private static final ObjectMapper JSON = new ObjectMapper();

    public Checkpoint {
        classes = List.copyOf(classes);
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        checkTensors(architecture, tensors, "checkpoint");
    }

    private static void checkTensors(ArchitectureSpec spec, Map<String, TensorData> tensors, String where) {
        Map<String, long[]> expected = spec.tensorShapes();
        for (Map.Entry<String, long[]> e : expected.entrySet()) {
            TensorData t = tensors.get(e.getKey());
            if (t == null) {
                throw new InputError(where + " lacks tensor " + e.getKey() + " of architecture " + spec.name()
                        + "; it was not written by this version of lightspeed train");
            }
            if (!t.hasShape(e.getValue())) {
                throw new InputError(where + " tensor " + e.getKey() + " has shape " + Arrays.toString(t.shape())
                        + ", architecture " + spec.name() + " expects " + Arrays.toString(e.getValue()));
            }
        }
        for (String name : tensors.keySet()) {
            if (!expected.containsKey(name)) {
                throw new InputError(where + " holds tensor " + name + " that architecture " + spec.name()
                        + " does not have");
            }
        }
    }

    public Map<String, String> metadata() {
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("format", FORMAT);
        meta.put("architecture", json(architecture));
        meta.put("preset", recipe.preset());
        meta.put("recipe", json(recipe));
        meta.put("classes", json(classes));
        meta.put("normalization", json(normalization));
        meta.put("seed", Long.toString(seed));
        meta.put("epoch", Integer.toString(epoch));
        meta.put("accuracy", Double.toString(accuracy));
        meta.put("tta_level", Integer.toString(ttaLevel));
        return meta;
    }

    public void save(Path path) throws IOException {
        SafeTensors.write(path, tensors, metadata());
    }

    public static Checkpoint load(Path path) {
        SafeTensors.Contents contents = SafeTensors.read(path);
        return fromContents(path, contents.metadata(), contents.tensors());
    }

    /** Builds a checkpoint from a file's metadata and tensors, naming the file in every error. */
    public static Checkpoint fromContents(Path path, Map<String, String> meta, Map<String, TensorData> tensors) {
        if (!FORMAT.equals(meta.get("format"))) {
            throw new InputError(path + " is not a lightspeed checkpoint (format '" + meta.get("format")
                    + "', expected '" + FORMAT + "'); pass the model.safetensors written by train");
        }
        try {
            ArchitectureSpec spec = RecipeJson.architecture(storedFields(path, meta, "architecture"),
                    path + " architecture");
            if (!ArchitectureSpec.AIRBENCH94.equals(spec.name())) {
                throw new InputError(path + " holds unknown architecture '" + spec.name() + "'; known: "
                        + ArchitectureSpec.AIRBENCH94);
            }
            Recipe recipe = RecipeJson.recipe(storedFields(path, meta, "recipe"), path + " recipe");
            List<String> classes = JSON.readValue(meta.get("classes"), new TypeReference<List<String>>() { });
            Normalization normalization = JSON.readValue(meta.get("normalization"), Normalization.class);
            Map<String, TensorData> model = new LinkedHashMap<>();
            spec.tensorShapes().keySet().forEach(name -> {
                if (tensors.containsKey(name)) {
                    model.put(name, tensors.get(name));
                }
            });
            tensors.keySet().stream().filter(n -> !model.containsKey(n) && !n.startsWith(TRAINING_STATE_PREFIX))
                    .forEach(n -> model.put(n, tensors.get(n)));
            return new Checkpoint(spec, recipe, classes, normalization, Long.parseLong(meta.get("seed")),
                    Integer.parseInt(meta.get("epoch")), Double.parseDouble(meta.get("accuracy")),
                    Integer.parseInt(meta.get("tta_level")), model);
        } catch (IOException | RuntimeException e) {
            if (e instanceof InputError ie) {
                throw ie;
            }
            throw new InputError(path + " has unreadable lightspeed metadata (" + e.getClass().getSimpleName()
                    + "); it was not written by this version of lightspeed train");
        }
    }

    /**
     * A recipe or architecture entry of the metadata as a JSON tree. Checkpoints written before the fields were
     * named in kebab case spell them in camelCase ({@code batchSize}); both read the same.
     */
    private static JsonNode storedFields(Path path, Map<String, String> meta, String key) {
        return RecipeJson.kebabKeys(RecipeJson.parse(meta.get(key), path + " metadata '" + key + "'"));
    }

    /** Tensors under this prefix (optimizer state for --resume) may sit beside the model's own. */
    public static final String TRAINING_STATE_PREFIX = "train_state.";

    static String json(Object value) {
        try {
            return JSON.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
