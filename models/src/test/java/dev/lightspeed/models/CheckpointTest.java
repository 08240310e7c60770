package dev.lightspeed.models;

import dev.lightspeed.models.layers.Layer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {

    static Checkpoint sample() {
        ArchitectureSpec spec = ArchitectureSpec.airbench94();
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        int k = 0;
        for (Map.Entry<String, long[]> e : spec.tensorShapes().entrySet()) {
            float[] v = new float[(int) TensorData.elementCount(e.getValue())];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) Math.sin(++k);
            }
            tensors.put(e.getKey(), new TensorData(e.getValue(), v));
        }
        List<String> classes = new ArrayList<>();
        List<Double> means = new ArrayList<>();
        List<Double> stds = new ArrayList<>();
        for (int c = 0; c < spec.numClasses(); c++) {
            classes.add("class " + c);
        }
        for (int channel = 0; channel < spec.inputChannels(); channel++) {
            means.add(0.4 + 0.01 * channel);
            stds.add(0.2 + 0.02 * channel);
        }
        return new Checkpoint(spec, Presets.named("airbench94"), classes, new Normalization(means, stds), 17, 8,
                0.9412, 2, tensors);
    }

    @Test
    void anAveragedRunKeepsBothWeightSetsAndConsumersChooseOne(@TempDir Path dir) throws IOException {
        Checkpoint live = sample();
        Map<String, TensorData> halved = new LinkedHashMap<>();
        live.tensors().forEach((name, t) -> {
            float[] v = t.values().clone();
            for (int i = 0; i < v.length; i++) {
                v[i] /= 2;
            }
            halved.put(name, new TensorData(t.shape(), v));
        });
        Checkpoint both = new Checkpoint(live.architecture(), live.recipe(), live.classes(), live.normalization(),
                live.seed(), live.epoch(), live.accuracy(), live.ttaLevel(), live.tensors(), halved);
        Path file = dir.resolve("model.safetensors");
        both.save(file);
        Checkpoint loaded = Checkpoint.load(file);
        assertTrue(loaded.hasAverage());
        assertEquals(live.tensors(), loaded.tensors());
        assertEquals(halved, loaded.emaTensors());
        assertEquals(Checkpoint.Weights.EMA, loaded.defaultWeights());
        assertEquals(halved, loaded.withWeights(Checkpoint.Weights.EMA).tensors());
        assertFalse(loaded.withWeights(Checkpoint.Weights.EMA).hasAverage());
        assertEquals(live.tensors(), loaded.withWeights(Checkpoint.Weights.LIVE).tensors());

        assertEquals(Checkpoint.Weights.LIVE, live.defaultWeights());
        InputError refused = assertThrows(InputError.class, () -> live.withWeights(Checkpoint.Weights.EMA));
        assertTrue(refused.getMessage().contains("no averaged weights"), refused.getMessage());
        assertEquals("weights", refused.parameter().orElse(null));
        InputError unknown = assertThrows(InputError.class, () -> Checkpoint.Weights.parse("mean"));
        assertEquals("weights expects live or ema, got 'mean'", unknown.getMessage());
        assertEquals("weights", unknown.parameter().orElse(null));
    }

    @Test
    void roundTripKeepsEveryTensorAndTheMetadata(@TempDir Path dir) throws IOException {
        Checkpoint original = sample();
        Path file = dir.resolve("model.safetensors");
        original.save(file);
        Checkpoint loaded = Checkpoint.load(file);
        assertEquals(original.tensors(), loaded.tensors());
        assertEquals(original.architecture(), loaded.architecture());
        assertEquals(original.recipe(), loaded.recipe());
        assertEquals(original.classes(), loaded.classes());
        assertEquals(original.normalization(), loaded.normalization());
        assertEquals(17, loaded.seed());
        assertEquals(0.9412, loaded.accuracy());
        try (var files = Files.list(dir)) {
            assertEquals(1, files.count(), "no temporary file may be left behind");
        }
    }

    @Test
    void fileFollowsTheSafetensorsLayout(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("m.safetensors");
        SafeTensors.write(file, Map.of("t", new TensorData(new long[] {2}, new float[] {1.5f, -2f})),
                Map.of("k", "v"));
        byte[] bytes = Files.readAllBytes(file);
        long headerLength = java.nio.ByteBuffer.wrap(bytes, 0, 8).order(java.nio.ByteOrder.LITTLE_ENDIAN).getLong();
        assertEquals(0, (8 + headerLength) % 8, "data must start 8-byte aligned");
        String header = new String(bytes, 8, (int) headerLength, java.nio.charset.StandardCharsets.UTF_8);
        assertTrue(header.contains("\"dtype\":\"F32\"") && header.contains("\"data_offsets\":[0,8]"), header);
        assertEquals(8 + headerLength + 8, bytes.length);
        float first = java.nio.ByteBuffer.wrap(bytes, (int) (8 + headerLength), 4)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN).getFloat();
        assertEquals(1.5f, first);
    }

    @Test
    void corruptOrForeignFilesAreOneLineInputErrors(@TempDir Path dir) throws IOException {
        Path truncated = dir.resolve("t.safetensors");
        sample().save(truncated);
        byte[] bytes = Files.readAllBytes(truncated);
        Files.write(truncated, java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertOneLine(assertThrows(InputError.class, () -> Checkpoint.load(truncated)));

        Path text = dir.resolve("x.safetensors");
        Files.writeString(text, "hello, not a checkpoint");
        assertOneLine(assertThrows(InputError.class, () -> Checkpoint.load(text)));

        Path foreign = dir.resolve("f.safetensors");
        SafeTensors.write(foreign, Map.of("w", new TensorData(new long[] {1}, new float[] {1f})), Map.of());
        assertOneLine(assertThrows(InputError.class, () -> Checkpoint.load(foreign)));

        assertOneLine(assertThrows(InputError.class, () -> Checkpoint.load(dir.resolve("missing.safetensors"))));
    }

    @Test
    void wrongShapesAndUnknownArchitecturesAreRefused(@TempDir Path dir) throws IOException {
        Checkpoint good = sample();
        Map<String, TensorData> tensors = new LinkedHashMap<>(good.tensors());
        tensors.put("head.weight", new TensorData(new long[] {2, 2}, new float[4]));
        InputError shape = assertThrows(InputError.class, () -> new Checkpoint(good.architecture(), good.recipe(),
                good.classes(), good.normalization(), 1, 1, 0.5, 0, tensors));
        assertTrue(shape.getMessage().contains("head.weight"));

        // A network of any name loads, as long as its layers build; one of a layer kind this version lacks does not.
        Map<String, String> meta = new LinkedHashMap<>(good.metadata());
        meta.put("architecture", meta.get("architecture").replace("airbench94", "my-net"));
        Path renamed = dir.resolve("r.safetensors");
        SafeTensors.write(renamed, good.tensors(), meta);
        assertEquals("my-net", Checkpoint.load(renamed).architecture().name());
        meta.put("architecture", meta.get("architecture").replace("\"global-pool\"", "\"spatial-pyramid-pool\""));
        Path file = dir.resolve("u.safetensors");
        SafeTensors.write(file, good.tensors(), meta);
        InputError unknown = assertThrows(InputError.class, () -> Checkpoint.load(file));
        assertTrue(unknown.getMessage().contains("unknown layer type 'spatial-pyramid-pool'"), unknown.getMessage());
        assertOneLine(unknown);
    }

    /** The fixture written by the trainer when checkpoints were first made (see CheckpointV1Fixture in train). */
    static Path v1Fixture() throws URISyntaxException {
        return Path.of(CheckpointTest.class.getResource("checkpoint-v1.safetensors").toURI());
    }

    @Test
    void theFirstCheckpointFormatStillLoadsWithTheFieldsAsWritten() throws Exception {
        Checkpoint v1 = Checkpoint.load(v1Fixture());
        // The stem's settings were recipe fields then (200 whitening samples, bias trained for 1 epoch).
        ArchitectureSpec narrow = new ArchitectureSpec("airbench94", 3, 32, 10, AirbenchLayout.layers(
                new Layer.Whitening("whiten", 2, 5e-4, 200, 1), List.of(8, 16, 16), 256.0, 1e-12, 0.4));
        assertEquals(narrow, v1.architecture());
        Recipe preset = Presets.named("airbench94");
        // Every image got every TTA view then (tta-fraction 1).
        assertEquals(new Recipe("airbench94", narrow, 1, 100, 1.0, preset.lrSchedule(), 0.2, "sum", "muon", 0.24, 0.6,
                3, 0.053, 0.67, 0.85, 2e-6, "per-sample", 2, "reflect", "alternating", 0, 2, 1.0, 0, 0, 1),
                v1.recipe());
        assertFalse(v1.hasAverage(), "the first format predates weight averages");
        assertEquals(preset.filterLr(), v1.recipe().filterLr());
        // As the fixture's writer stored them: the names and statistics of the dataset it stood in for.
        assertEquals(List.of("airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship",
                "truck"), v1.classes());
        assertEquals(new Normalization(List.of(0.4914, 0.4822, 0.4465), List.of(0.2470, 0.2435, 0.2616)),
                v1.normalization());
        assertEquals(5, v1.seed());
        assertEquals(1, v1.epoch());
        assertEquals(0.15, v1.accuracy());
        assertEquals(2, v1.ttaLevel());
        assertEquals(narrow.tensorShapes().keySet(), v1.tensors().keySet());
    }

    @Test
    void aCheckpointWithAFieldThisVersionDoesNotKnowIsRefused(@TempDir Path dir) throws IOException {
        Checkpoint good = sample();
        Map<String, String> meta = new LinkedHashMap<>(good.metadata());
        meta.put("recipe", meta.get("recipe").replace("{\"preset\"", "{\"lookahead-steps\":5,\"preset\""));
        Path file = dir.resolve("newer.safetensors");
        SafeTensors.write(file, good.tensors(), meta);
        InputError error = assertThrows(InputError.class, () -> Checkpoint.load(file));
        assertTrue(error.getMessage().contains("unknown field 'lookahead-steps'"), error.getMessage());
        assertTrue(error.getMessage().contains(file.toString()), error.getMessage());
        assertOneLine(error);
    }

    @Test
    void aCheckpointThatGivesAFieldTwiceIsRefused(@TempDir Path dir) throws IOException {
        Checkpoint good = sample();
        Map<String, String> meta = new LinkedHashMap<>(good.metadata());
        meta.put("recipe", meta.get("recipe").replace("{\"preset\"", "{\"epochs\":1,\"preset\""));
        Path file = dir.resolve("twice.safetensors");
        SafeTensors.write(file, good.tensors(), meta);
        InputError recipe = assertThrows(InputError.class, () -> Checkpoint.load(file));
        assertTrue(recipe.getMessage().contains(file + " metadata 'recipe' is not valid JSON"), recipe.getMessage());
        assertTrue(recipe.getMessage().contains("Duplicate field 'epochs'"), recipe.getMessage());
        assertOneLine(recipe);

        meta = new LinkedHashMap<>(good.metadata());
        meta.put("normalization", meta.get("normalization").replace("{\"mean\"", "{\"std\":[1,1,1],\"mean\""));
        SafeTensors.write(file, good.tensors(), meta);
        InputError normalization = assertThrows(InputError.class, () -> Checkpoint.load(file));
        assertTrue(normalization.getMessage().contains("unreadable lightspeed metadata"), normalization.getMessage());
    }

    @Test
    void checkpointsStoreTheRecipeAsARecipeFile() {
        String recipe = sample().metadata().get("recipe");
        assertTrue(recipe.contains("\"batch-size\":2000"), recipe);
        assertEquals(sample().recipe(), RecipeJson.recipe(RecipeJson.parse(recipe, "metadata"), "metadata"));
    }

    private static void assertOneLine(InputError error) {
        assertTrue(!error.getMessage().contains("\n"), error.getMessage());
    }
}
