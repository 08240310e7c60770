package dev.lightspeed.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;

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
 * takes its documented default, a field this version does not know is refused. A run that averaged its weights
 * ({@link Recipe#emaDecay}) also stores the average, every tensor under {@link #EMA_PREFIX}; {@link #withWeights}
 * chooses which set a consumer sees.
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
        Map<String, TensorData> tensors,
        Map<String, TensorData> emaTensors) {

    public static final String FORMAT = "lightspeed-checkpoint-v1";

    /** The weights of an averaged run are stored again under this prefix. */
    public static final String EMA_PREFIX = "ema.";

    public Checkpoint {
        classes = List.copyOf(classes);
        tensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(tensors));
        emaTensors = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(emaTensors));
        checkTensors(architecture, tensors, "checkpoint");
        if (!emaTensors.isEmpty()) {
            checkTensors(architecture, emaTensors, "checkpoint's averaged weights:");
        }
    }

    /** A checkpoint of live weights only. */
    public Checkpoint(ArchitectureSpec architecture, Recipe recipe, List<String> classes, Normalization normalization,
            long seed, int epoch, double accuracy, int ttaLevel, Map<String, TensorData> tensors) {
        this(architecture, recipe, classes, normalization, seed, epoch, accuracy, ttaLevel, tensors, Map.of());
    }

    /** Which stored weights a consumer uses. */
    public enum Weights {
        /** The weights as training left them. */
        LIVE,
        /** The exponential moving average of the weights. */
        EMA;

        public static Weights parse(String text) {
            return switch (text.trim().toLowerCase(java.util.Locale.ROOT)) {
                case "live" -> LIVE;
                case "ema" -> EMA;
                default -> throw InputError.in("weights", "weights expects live or ema, got '" + text + "'");
            };
        }
    }

    public boolean hasAverage() {
        return !emaTensors.isEmpty();
    }

    /** The weights a consumer uses when it does not choose: the average when the run kept one. */
    public Weights defaultWeights() {
        return hasAverage() ? Weights.EMA : Weights.LIVE;
    }

    /** This checkpoint with its {@link #defaultWeights}, what export and eval use unless told otherwise. */
    public Checkpoint withDefaultWeights() {
        return withWeights(defaultWeights());
    }

    /**
     * This checkpoint with {@code weights} as its {@link #tensors()}, so that exporters and scorers need not know
     * about averages. Refuses {@link Weights#EMA} on a checkpoint without an average.
     */
    public Checkpoint withWeights(Weights weights) {
        if (weights == Weights.LIVE) {
            return hasAverage() ? new Checkpoint(architecture, recipe, classes, normalization, seed, epoch, accuracy,
                    ttaLevel, tensors) : this;
        }
        if (!hasAverage()) {
            throw InputError.in("weights", "weights ema: this checkpoint holds no averaged weights (its run had"
                    + " ema-decay 0); choose live");
        }
        return new Checkpoint(architecture, recipe, classes, normalization, seed, epoch, accuracy, ttaLevel,
                emaTensors);
    }

    /** Every tensor the file holds: the live weights, then the average under {@link #EMA_PREFIX}. */
    public Map<String, TensorData> storedTensors() {
        Map<String, TensorData> all = new LinkedHashMap<>(tensors);
        emaTensors.forEach((name, t) -> all.put(EMA_PREFIX + name, t));
        return all;
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
        SafeTensors.write(path, storedTensors(), metadata());
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
                    storedFields(path, meta, "recipe"), path + " architecture");
            Recipe recipe = RecipeJson.recipe(storedFields(path, meta, "recipe"), path + " recipe");
            List<String> classes = Json.STRICT.readValue(meta.get("classes"), new TypeReference<List<String>>() { });
            Normalization normalization = Json.STRICT.readValue(meta.get("normalization"), Normalization.class);
            Map<String, TensorData> model = new LinkedHashMap<>();
            Map<String, TensorData> average = new LinkedHashMap<>();
            spec.tensorShapes().keySet().forEach(name -> {
                if (tensors.containsKey(name)) {
                    model.put(name, tensors.get(name));
                }
                if (tensors.containsKey(EMA_PREFIX + name)) {
                    average.put(name, tensors.get(EMA_PREFIX + name));
                }
            });
            tensors.keySet().stream().filter(n -> !model.containsKey(n) && !n.startsWith(TRAINING_STATE_PREFIX)
                            && !(n.startsWith(EMA_PREFIX) && average.containsKey(n.substring(EMA_PREFIX.length()))))
                    .forEach(n -> model.put(n, tensors.get(n)));
            return new Checkpoint(spec, recipe, classes, normalization, Long.parseLong(meta.get("seed")),
                    Integer.parseInt(meta.get("epoch")), Double.parseDouble(meta.get("accuracy")),
                    Integer.parseInt(meta.get("tta_level")), model, average);
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
            return Json.STRICT.writeValueAsString(value);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
