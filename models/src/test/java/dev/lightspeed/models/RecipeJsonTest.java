package dev.lightspeed.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lightspeed.models.layers.Layer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecipeJsonTest {

    private static final Recipe AIRBENCH94 = Presets.named("airbench94");

    @Test
    void aRecipeFileWithABaseReplacesOnlyTheFieldsItNames(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("narrow.json"), """
                {"base": "airbench94", "epochs": 10, "filter-lr": 0.3, "architecture": {"name": "narrow-net"},
                 "width-scale": 0.125, "activation": "relu"}
                """);
        Recipe r = RecipeJson.readFile(file);
        assertEquals("narrow", r.preset(), "a file without a name of its own is named after the file");
        assertEquals(10, r.epochs());
        assertEquals(0.3, r.filterLr());
        assertEquals("narrow-net", r.architecture().name());
        assertEquals(AIRBENCH94.with("width-scale", "0.125").with("activation", "relu").architecture().layers(),
                r.architecture().layers(), "edits named in the file apply to the base's layers");
        assertArrayEquals(new long[] {8, 24, 3, 3}, r.architecture().tensorShapes().get("groups.0.conv1.weight"));
        assertEquals(AIRBENCH94.with("epochs", "10").with("filter-lr", "0.3").headLr(), r.headLr());
        assertEquals(AIRBENCH94.sgdMomentum(), r.sgdMomentum());
    }

    @Test
    void aRecipeFileWithoutABaseIsComplete(@TempDir Path dir) throws IOException {
        // The recipe a checkpoint stores is such a file: it runs again exactly as it was.
        Path whole = Files.writeString(dir.resolve("whole.json"), Checkpoint.json(AIRBENCH94.with("epochs", "3")));
        assertEquals(AIRBENCH94.with("epochs", "3"), RecipeJson.readFile(whole));

        ObjectNode partial = RecipeJson.tree(AIRBENCH94);
        partial.remove("head-lr");
        Path missing = Files.writeString(dir.resolve("missing.json"), partial.toString());
        assertMessage(assertThrows(InputError.class, () -> RecipeJson.readFile(missing)),
                "recipe file " + missing + " lacks field 'head-lr'");
        ((ObjectNode) partial.put("head-lr", 0.5).get("architecture")).remove("layers");
        Files.writeString(missing, partial.toString());
        assertMessage(assertThrows(InputError.class, () -> RecipeJson.readFile(missing)),
                "lacks field 'architecture.layers'");
    }

    @Test
    void badRecipeFilesAreOneLineErrorsNamingFileAndField(@TempDir Path dir) throws IOException {
        assertFileError(dir, "{\"base\": \"airbench94\", \"momentum\": 0.9}", "unknown field 'momentum'");
        assertFileError(dir, "{\"base\": \"airbench94\", \"architecture\": {\"depth\": 3}}",
                "unknown field 'architecture.depth'");
        assertFileError(dir, "{\"base\": \"airbench94\", \"epochs\": \"many\"}", "epochs expects an integer, got 'many'");
        assertFileError(dir, "{\"base\": \"airbench94\", \"epochs\": 2.5}", "epochs expects an integer");
        assertFileError(dir, "{\"base\": \"airbench94\", \"epochs\": null}", "epochs");
        assertFileError(dir, "{\"base\": \"airbench94\", \"epochs\": 0}", "epochs must be positive");
        assertFileError(dir, "{\"base\": \"airbench94\", \"architecture\": {\"layers\": []}}",
                "layers must list the network's layers");
        assertFileError(dir, "{\"base\": \"airbench94\", \"architecture\": {\"layers\": [{\"type\": \"dense\"}]}}",
                "architecture.layers[0]: unknown layer type 'dense' (known: whitening, conv");
        assertFileError(dir, "{\"base\": \"airbench94\", \"architecture\": {\"layers\": [{\"type\": \"conv\","
                + " \"name\": \"c\", \"width\": \"wide\"}]}}", "width expects an integer");
        assertFileError(dir, "{\"base\": \"airbench94\", \"activation\": \"tanh\"}",
                "activation must be one of gelu, relu, celu, silu, identity, got 'tanh'");
        assertFileError(dir, "{\"base\": \"resnet\"}", "field 'base': unknown preset 'resnet'");
        assertFileError(dir, "{\"base\": 3}", "field 'base' names a preset");
        assertFileError(dir, "{\"base\": \"airbench94\", ", "is not valid JSON (line");
        assertFileError(dir, "[1, 2]", "must hold one JSON object");
        // Which of two values was meant is anyone's guess, and so is a second object after the first.
        assertFileError(dir, "{\"base\": \"airbench94\", \"epochs\": 10, \"epochs\": 20}",
                "is not valid JSON (line 1, column 46): Duplicate field 'epochs'");
        assertFileError(dir, "{\"base\": \"airbench94\"}\n{\"epochs\": 3}",
                "is not valid JSON (line 2, column 1): more text follows the first JSON value");
        assertMessage(assertThrows(InputError.class, () -> RecipeJson.readFile(dir.resolve("absent.json"))),
                "recipe file " + dir.resolve("absent.json") + " cannot be read");
    }

    private static void assertFileError(Path dir, String text, String fragment) throws IOException {
        Path file = Files.writeString(dir.resolve("bad.json"), text);
        InputError error = assertThrows(InputError.class, () -> RecipeJson.readFile(file));
        assertMessage(error, "recipe file " + file);
        assertMessage(error, fragment);
    }

    @Test
    void aFieldAddedLaterTakesItsDocumentedDefaultWhereAnOlderFileLacksIt() {
        // As if tta-level and num-classes had been added after the file was written, with these defaults.
        ObjectNode defaults = (ObjectNode) RecipeJson.parse(
                "{\"tta-level\": 1, \"architecture\": {\"num-classes\": 5}}", "defaults");
        ObjectNode older = RecipeJson.tree(AIRBENCH94);
        older.remove("tta-level");
        ((ObjectNode) older.get("architecture")).remove("num-classes");

        Recipe read = RecipeJson.read(older, Recipe.class, defaults, "older file");
        assertEquals(1, read.ttaLevel());
        assertEquals(5, read.architecture().numClasses());
        assertEquals(AIRBENCH94.headLr(), read.headLr());
        // A file that has the field keeps its own value.
        assertEquals(AIRBENCH94, RecipeJson.read(RecipeJson.tree(AIRBENCH94), Recipe.class, defaults, "newer file"));
        // Without a documented default the missing field is an error, not a silent zero.
        assertMessage(assertThrows(InputError.class, () -> RecipeJson.read(older, Recipe.class,
                Json.STRICT.createObjectNode(), "older file")), "older file lacks field 'tta-level'");
    }

    @Test
    void aRecipeWrittenBeforeTtaFractionExistedScoresEveryImageOnEveryView(@TempDir Path dir) throws IOException {
        ObjectNode older = RecipeJson.tree(AIRBENCH94.with("epochs", "3"));
        older.remove("tta-fraction");
        Path file = Files.writeString(dir.resolve("older.json"), older.toString());
        Recipe read = RecipeJson.readFile(file);
        assertEquals(1.0, read.ttaFraction());
        assertEquals(AIRBENCH94.with("epochs", "3"), read, "the file names its preset, airbench94");
        assertEquals(1.0, RecipeJson.recipe(older, "older metadata").ttaFraction());
        // A file that names it keeps its value; a bad value is a one-line error naming the file.
        Path quarter = Files.writeString(dir.resolve("quarter.json"),
                "{\"base\": \"airbench94\", \"tta-fraction\": 0.25}");
        assertEquals(0.25, RecipeJson.readFile(quarter).ttaFraction());
        assertFileError(dir, "{\"base\": \"airbench94\", \"tta-fraction\": 0}", "tta-fraction must be in (0, 1]");
        assertFileError(dir, "{\"base\": \"airbench94\", \"tta-fraction\": \"most\"}",
                "tta-fraction expects a number, got 'most'");
    }

    /**
     * Recipes written before networks were layer lists (block widths, a final pool, the whitening stem's settings
     * among the recipe's fields, a boolean alternating flip) read as the same network and training.
     */
    @Test
    void aRecipeOfTheFormBeforeLayerListsReadsAsTheSameNetwork() {
        ObjectNode old = (ObjectNode) RecipeJson.parse("""
                {"preset": "old", "architecture": {"name": "airbench94", "input-channels": 3, "image-size": 32,
                  "num-classes": 10, "whitening-kernel": 2, "block-widths": [8, 16, 16], "final-pool": 3,
                  "logit-divisor": 256.0, "batch-norm-eps": 1e-12, "batch-norm-momentum": 0.4},
                 "epochs": 1, "batch-size": 100, "lr-scale": 1.0, "label-smoothing": 0.2, "filter-lr": 0.24,
                 "muon-momentum": 0.6, "newton-schulz-steps": 3, "bias-lr": 0.053, "head-lr": 0.67,
                 "sgd-momentum": 0.85, "weight-decay": 2e-6, "whiten-bias-epochs": 1, "whitening-samples": 200,
                 "whitening-eps": 5e-4, "translate": 2, "alternating-flip": false, "tta-level": 2}
                """, "old recipe");
        Recipe read = RecipeJson.recipe(old, "old recipe");
        assertEquals(new Layer.Whitening("whiten", 2, 5e-4, 200, 1), read.architecture().whitening().orElseThrow());
        assertEquals("none", read.flip());
        assertEquals(List.of(new LrKnot(0, 1), new LrKnot(1, 0)), read.lrSchedule());
        assertEquals("muon", read.filterOptimizer());
        assertEquals(List.of("whiten.weight", "whiten.bias", "groups.0.conv1.weight", "groups.0.norm1.bias",
                "groups.0.norm1.running_mean", "groups.0.norm1.running_var", "groups.0.conv2.weight",
                "groups.0.norm2.bias", "groups.0.norm2.running_mean", "groups.0.norm2.running_var",
                "groups.1.conv1.weight", "groups.1.norm1.bias", "groups.1.norm1.running_mean",
                "groups.1.norm1.running_var", "groups.1.conv2.weight", "groups.1.norm2.bias",
                "groups.1.norm2.running_mean", "groups.1.norm2.running_var", "groups.2.conv1.weight",
                "groups.2.norm1.bias", "groups.2.norm1.running_mean", "groups.2.norm1.running_var",
                "groups.2.conv2.weight", "groups.2.norm2.bias", "groups.2.norm2.running_mean",
                "groups.2.norm2.running_var", "head.weight"),
                List.copyOf(read.architecture().tensorShapes().keySet()));
        ((ObjectNode) old.get("architecture")).remove("final-pool");
        assertMessage(assertThrows(InputError.class, () -> RecipeJson.recipe(old, "old recipe")),
                "old recipe lacks field 'architecture.final-pool'");
    }

    @Test
    void theDocumentedDefaultsNameOnlyFieldsThatExist() throws IOException {
        JsonNode defaults;
        try (InputStream in = RecipeJson.class.getResourceAsStream("recipe-defaults.json")) {
            defaults = Json.STRICT.readTree(in);
        }
        List<String> recipeFields = RecipeJson.fieldNames(Recipe.class);
        List<String> architectureFields = RecipeJson.fieldNames(ArchitectureSpec.class);
        defaults.fieldNames().forEachRemaining(name -> assertTrue(recipeFields.contains(name), name));
        defaults.get("architecture").fieldNames()
                .forEachRemaining(name -> assertTrue(architectureFields.contains(name), name));
    }

    @Test
    void recipesAreWrittenWithEveryFieldNamedInKebabCase() {
        JsonNode tree = RecipeJson.tree(AIRBENCH94);
        assertEquals(2000, tree.get("batch-size").asInt());
        assertEquals(0.85, tree.get("sgd-momentum").asDouble());
        assertEquals("batchnorm", tree.get("architecture").get("layers").get(2).get("layers").get(2).get("type").asText());
        assertEquals(0.4, tree.get("architecture").get("layers").get(2).get("layers").get(2).get("momentum").asDouble());
        assertEquals(RecipeJson.fieldNames(Recipe.class), iterable(tree));
    }

    @Test
    void camelCaseNamesOfOlderCheckpointsReadAsKebabCase() {
        JsonNode camel = RecipeJson.parse("{\"batchSize\": 1, \"architecture\": {\"blockWidths\": [2]}}", "old");
        JsonNode kebab = RecipeJson.kebabKeys(camel);
        assertEquals(1, kebab.get("batch-size").asInt());
        assertEquals(2, kebab.get("architecture").get("block-widths").get(0).asInt());
    }

    private static List<String> iterable(JsonNode tree) {
        List<String> names = new java.util.ArrayList<>();
        tree.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static void assertMessage(InputError error, String fragment) {
        assertTrue(error.getMessage().contains(fragment), error.getMessage());
        assertTrue(!error.getMessage().contains("\n"), error.getMessage());
    }
}
