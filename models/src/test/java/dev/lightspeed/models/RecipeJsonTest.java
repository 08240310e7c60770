package dev.lightspeed.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecipeJsonTest {

    private static final Recipe AIRBENCH94 = Presets.named("airbench94");

    @Test
    void aRecipeFileWithABaseReplacesOnlyTheFieldsItNames(@TempDir Path dir) throws IOException {
        Path file = Files.writeString(dir.resolve("narrow.json"), """
                {"base": "airbench94", "epochs": 10, "filter-lr": 0.3, "architecture": {"block-widths": [8, 16, 16]}}
                """);
        Recipe r = RecipeJson.readFile(file);
        assertEquals("narrow", r.preset(), "a file without a name of its own is named after the file");
        assertEquals(10, r.epochs());
        assertEquals(0.3, r.filterLr());
        assertEquals(List.of(8, 16, 16), r.architecture().blockWidths());
        assertEquals(AIRBENCH94.architecture().finalPool(), r.architecture().finalPool());
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
        ((ObjectNode) partial.put("head-lr", 0.5).get("architecture")).remove("final-pool");
        Files.writeString(missing, partial.toString());
        assertMessage(assertThrows(InputError.class, () -> RecipeJson.readFile(missing)),
                "lacks field 'architecture.final-pool'");
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
        assertFileError(dir, "{\"base\": \"airbench94\", \"architecture\": {\"block-widths\": [8, \"x\"]}}",
                "architecture.block-widths[1] expects an integer");
        assertFileError(dir, "{\"base\": \"airbench94\", \"architecture\": {\"block-widths\": []}}",
                "block-widths needs at least one conv group");
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
        // As if tta-level and final-pool had been added after the file was written, with these defaults.
        ObjectNode defaults = (ObjectNode) RecipeJson.parse(
                "{\"tta-level\": 1, \"architecture\": {\"final-pool\": 5}}", "defaults");
        ObjectNode older = RecipeJson.tree(AIRBENCH94);
        older.remove("tta-level");
        ((ObjectNode) older.get("architecture")).remove("final-pool");

        Recipe read = RecipeJson.read(older, Recipe.class, defaults, "older file");
        assertEquals(1, read.ttaLevel());
        assertEquals(5, read.architecture().finalPool());
        assertEquals(AIRBENCH94.headLr(), read.headLr());
        // A file that has the field keeps its own value.
        assertEquals(AIRBENCH94, RecipeJson.read(RecipeJson.tree(AIRBENCH94), Recipe.class, defaults, "newer file"));
        // Without a documented default the missing field is an error, not a silent zero.
        assertMessage(assertThrows(InputError.class, () -> RecipeJson.read(older, Recipe.class,
                Json.STRICT.createObjectNode(), "older file")), "older file lacks field 'tta-level'");
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
        assertEquals(0.4, tree.get("architecture").get("batch-norm-momentum").asDouble());
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
