package dev.lightspeed.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SweepSpecTest {

    private static final Recipe PRESET = Presets.named(Presets.DEFAULT);

    private static SweepSpec grid(int repeats) {
        return SweepSpec.of(PRESET, List.<String[]>of(new String[] {"epochs", "2"}),
                List.of(Axis.parse("batch-size=500,1000"), Axis.parse("lr-scale=0.5:2:x2")), repeats, 10, 5000);
    }

    @Test
    void theGridExpandsPointByPointWithRepeatsInnermost() {
        List<PlannedRun> runs = grid(2).plan();
        assertEquals(2 * 3 * 2, runs.size());
        assertEquals(Map.of("batch-size", "500", "lr-scale", "0.5"), runs.get(0).point());
        assertEquals(Map.of("batch-size", "500", "lr-scale", "0.5"), runs.get(1).point());
        assertEquals(Map.of("batch-size", "500", "lr-scale", "1"), runs.get(2).point());
        assertEquals(Map.of("batch-size", "1000", "lr-scale", "2"), runs.get(11).point());
        assertEquals(List.of(10L, 11L), List.of(runs.get(0).seed(), runs.get(1).seed()));
        assertEquals(10L, runs.get(2).seed());
        for (int i = 0; i < runs.size(); i++) {
            assertEquals(i, runs.get(i).index());
        }
        PlannedRun last = runs.get(11);
        assertEquals(1000, last.recipe().batchSize());
        assertEquals(2.0, last.recipe().lrScale());
        assertEquals(2, last.recipe().epochs(), "--set applies to every point");
        assertEquals("batch-size=1000_lr-scale=2/seed-11", last.folder());
        assertEquals(runs.size(), runs.stream().map(PlannedRun::folder).distinct().count());
    }

    @Test
    void ttaFractionIsAnAxisWhosePointsScoreThatShareOnTheViews() {
        List<PlannedRun> runs = SweepSpec.of(PRESET, List.of(), List.of(Axis.parse("tta-fraction=0.25:1:x2")), 1, 0,
                0).plan();
        assertEquals(List.of(0.25, 0.5, 1.0), runs.stream().map(r -> r.recipe().ttaFraction()).toList());
        assertEquals("tta-fraction=0.25/seed-0", runs.get(0).folder());
        assertEquals(PRESET, runs.get(2).recipe(), "1 is the preset's own value");
        InputError zero = assertThrows(InputError.class, () -> SweepSpec.of(PRESET, List.of(),
                List.of(Axis.parse("tta-fraction=0,0.5")), 1, 0, 0).plan());
        assertTrue(zero.getMessage().contains("tta-fraction must be in (0, 1]"), zero.getMessage());
    }

    private static SweepSpec ablation(int repeats, String... ablations) {
        return SweepSpec.of(PRESET, List.<String[]>of(new String[] {"epochs", "2"}),
                List.of(Axis.ablation(List.of(ablations))), repeats, 10, 5000);
    }

    @Test
    void anAblationStudyRunsTheFullRecipeThenEachAssignmentAloneOnTheSameSeeds() {
        List<PlannedRun> runs = ablation(2, "whitening=off", "label-smoothing=0", "filter-optimizer=sgd").plan();
        assertEquals(4 * 2, runs.size());
        assertEquals(List.of("ablation=none/seed-10", "ablation=none/seed-11", "ablation=whitening-off/seed-10",
                "ablation=whitening-off/seed-11", "ablation=label-smoothing-0/seed-10",
                "ablation=label-smoothing-0/seed-11", "ablation=filter-optimizer-sgd/seed-10",
                "ablation=filter-optimizer-sgd/seed-11"), runs.stream().map(PlannedRun::folder).toList());
        for (int i = 0; i < runs.size(); i++) {
            assertEquals(i, runs.get(i).index());
            assertEquals(10L + i % 2, runs.get(i).seed(), "the same seeds at every point");
        }
        Recipe base = PRESET.with("epochs", "2");
        assertEquals(Map.of("ablation", "none"), runs.get(0).point());
        assertEquals(base, runs.get(0).recipe(), "none is the base recipe, --set applied, nothing else");
        assertEquals(base, runs.get(1).recipe());
        assertEquals(Map.of("ablation", "whitening=off"), runs.get(2).point());
        assertEquals("ablation whitening=off", runs.get(2).describePoint());
        assertEquals(base.with("whitening", "off"), runs.get(2).recipe());
        assertNotEquals(base.architecture(), runs.get(2).recipe().architecture());
        assertEquals(base.with("label-smoothing", "0"), runs.get(4).recipe(), "one field changed, the others kept");
        assertEquals(0.0, runs.get(4).recipe().labelSmoothing());
        assertEquals(base.architecture(), runs.get(4).recipe().architecture());
        assertEquals(2, runs.get(4).recipe().epochs());
        assertEquals(Recipe.SGD, runs.get(6).recipe().filterOptimizer());
        assertEquals(PRESET.labelSmoothing(), runs.get(6).recipe().labelSmoothing(), "ablations do not add up");
    }

    @Test
    void anAblationsFolderIsOneReadablePathComponent() {
        List<PlannedRun> runs = ablation(1, "lr-schedule=[{\"at\": 0, \"lr\": 1}, {\"at\": 1, \"lr\": 1}]",
                "activation=relu", "width-scale=0.5").plan();
        assertEquals(List.of("ablation=none/seed-10", "ablation=lr-schedule-at-0-lr-1-at-1-lr-1/seed-10",
                "ablation=activation-relu/seed-10", "ablation=width-scale-0.5/seed-10"),
                runs.stream().map(PlannedRun::folder).toList());
        for (PlannedRun run : runs) {
            assertEquals(2, Path.of(run.folder()).getNameCount(), run.folder());
        }
        // Long values are cut, and two that would then share a folder are refused.
        StringBuilder knots = new StringBuilder("[");
        for (int i = 0; i < 10; i++) {
            knots.append("{\"at\": 0.").append(i).append(", \"lr\": 1}, ");
        }
        String decay = "lr-schedule=" + knots + "{\"at\": 1, \"lr\": 0}]";
        String half = "lr-schedule=" + knots + "{\"at\": 1, \"lr\": 0.5}]";
        String cut = ablation(1, decay).plan().get(1).folder();
        assertEquals("ablation=".length() + 120 + "/seed-10".length(), cut.length(), cut);
        InputError shared = assertThrows(InputError.class, () -> ablation(1, decay, half).plan());
        assertTrue(shared.getMessage().startsWith("ablate " + half + " and " + decay + " would share the run folder"),
                shared.getMessage());
    }

    @Test
    void anAblationThatRemovesNothingOrThatTheRecipeRefusesStopsThePlan() {
        for (String nothing : List.of("flip=alternating", "label-smoothing=0.2", "label-smoothing=0.20",
                "whitening=on", "activation=gelu", "epochs=2")) {
            InputError error = assertThrows(InputError.class, () -> ablation(1, "tta-level=0", nothing).plan(),
                    nothing);
            assertEquals("ablate " + nothing + " leaves the base recipe unchanged, so it removes nothing; give a"
                    + " value the base recipe does not already have", error.getMessage());
            assertEquals("ablate", error.parameter().orElse(null));
        }
        // The base recipe is the recipe with the sets applied.
        SweepSpec flipped = SweepSpec.of(PRESET, List.<String[]>of(new String[] {"flip", "none"}),
                List.of(Axis.ablation(List.of("flip=none"))), 1, 0, 0);
        assertTrue(assertThrows(InputError.class, flipped::plan).getMessage().contains("removes nothing"));

        InputError value = assertThrows(InputError.class, () -> ablation(1, "whitening=maybe").plan());
        assertTrue(value.getMessage().startsWith("ablate whitening=maybe: whitening must be one of on, off"),
                value.getMessage());
        assertEquals("ablate", value.parameter().orElse(null));
        InputError residual = assertThrows(InputError.class, () -> ablation(1, "residual=off").plan());
        assertTrue(residual.getMessage().startsWith("ablate residual=off: this network has no residual layer"),
                residual.getMessage());
        assertTrue(assertThrows(InputError.class, () -> ablation(1, "batch-size=0").plan()).getMessage()
                .startsWith("ablate batch-size=0: "));
        InputError twice = assertThrows(InputError.class, () -> ablation(1, "activation=relu", "activation=RELU")
                .plan());
        assertEquals("ablate activation=RELU makes the same recipe as activation=relu; give each ablation"
                + " once", twice.getMessage());
        for (InputError error : List.of(value, residual, twice)) {
            assertFalse(error.getMessage().contains("\n"), error.getMessage());
        }
    }

    @Test
    void aRefusedAblationWritesNothing(@TempDir Path dir) {
        Path out = dir.resolve("study");
        assertThrows(InputError.class, () -> ablation(1, "flip=alternating").claim(out));
        assertFalse(Files.exists(out));
    }

    @Test
    void anAblationCannotBeCombinedWithGridAxes() {
        for (List<Axis> axes : List.of(List.of(Axis.parse("epochs=1,2"), Axis.ablation(List.of("flip=none"))),
                List.of(Axis.ablation(List.of("flip=none")), Axis.parse("epochs=1,2")))) {
            InputError error = assertThrows(InputError.class, () -> new SweepSpec(PRESET, axes, 1, 0, 0));
            assertEquals("ablate", error.parameter().orElse(null));
            assertTrue(error.getMessage().startsWith("ablate cannot be combined with grid axes"), error.getMessage());
        }
    }

    @Test
    void sweepJsonRecordsAnAblationStudySoThatTheSameCommandContinuesIt(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("study");
        ablation(2, "whitening=off", "flip=random").claim(out);
        byte[] first = Files.readAllBytes(out.resolve(SweepSpec.FILE));
        JsonNode stored = new ObjectMapper().readTree(first);
        assertEquals(1, stored.get("axes").size());
        assertEquals("ablation", stored.get("axes").get(0).get("name").asText());
        List<String> values = new java.util.ArrayList<>();
        stored.get("axes").get(0).get("values").forEach(v -> values.add(v.asText()));
        assertEquals(List.of("none", "whitening=off", "flip=random"), values);
        assertEquals(2, stored.get("axes").get(0).size(), "name and values only");
        assertEquals(6, stored.get("runs").size());
        JsonNode third = stored.get("runs").get(2);
        assertEquals("ablation=whitening-off/seed-10", third.get("folder").asText());
        assertEquals("whitening=off", third.get("point").get("ablation").asText());
        assertEquals(10, third.get("seed").asInt());
        assertEquals("flip=random", stored.get("runs").get(5).get("point").get("ablation").asText());

        ablation(2, "whitening=off", "flip=random").claim(out);
        assertArrayEquals(first, Files.readAllBytes(out.resolve(SweepSpec.FILE)));
        for (SweepSpec other : List.of(ablation(2, "flip=random", "whitening=off"), ablation(2, "whitening=off"),
                new SweepSpec(PRESET.with("epochs", "2"), List.of(Axis.parse("flip=random,none")), 2, 10, 5000))) {
            String message = assertThrows(InputError.class, () -> other.claim(out)).getMessage();
            assertTrue(message.contains("holds another sweep (its axes differ"), message);
        }
        assertArrayEquals(first, Files.readAllBytes(out.resolve(SweepSpec.FILE)));
    }

    @Test
    void withoutAxesTheSweepRepeatsTheBaseRecipe() {
        List<PlannedRun> runs = new SweepSpec(PRESET, List.of(), 3, 0, 0).plan();
        assertEquals(List.of("base/seed-0", "base/seed-1", "base/seed-2"),
                runs.stream().map(PlannedRun::folder).toList());
        assertEquals(PRESET, runs.get(0).recipe());
    }

    @Test
    void aValueTheRecipeRefusesStopsThePlan() {
        SweepSpec spec = new SweepSpec(PRESET, List.of(Axis.parse("batch-size=500,-1")), 1, 0, 0);
        String message = assertThrows(InputError.class, spec::plan).getMessage();
        assertTrue(message.startsWith("grid batch-size=-1: "), message);
        SweepSpec text = new SweepSpec(PRESET, List.of(Axis.parse("epochs=2,many")), 1, 0, 0);
        assertThrows(InputError.class, text::plan);
    }

    @Test
    void aSetThatNamesAnAxisOrARepeatedAxisIsRefused() {
        InputError contradiction = assertThrows(InputError.class, () -> SweepSpec.of(PRESET,
                List.<String[]>of(new String[] {"lr-scale", "2"}), List.of(Axis.parse("lr-scale=1,2")), 1, 0, 0));
        assertEquals("set lr-scale=2 contradicts grid lr-scale=1,2; drop one of them", contradiction.getMessage());
        assertEquals("set", contradiction.parameter().orElse(null));
        assertThrows(InputError.class, () -> new SweepSpec(PRESET,
                List.of(Axis.parse("epochs=1,2"), Axis.parse("epochs=3")), 1, 0, 0));
        assertThrows(InputError.class, () -> new SweepSpec(PRESET, List.of(), 0, 0, 0));
    }

    @Test
    void sweepJsonRecordsTheSpecAndItsRuns(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("study");
        grid(2).claim(out);
        JsonNode stored = new ObjectMapper().readTree(out.resolve(SweepSpec.FILE).toFile());
        assertEquals(SweepSpec.FORMAT, stored.get("format").asText());
        assertEquals(12, stored.get("runs").size());
        assertEquals("batch-size=500_lr-scale=1/seed-10", stored.get("runs").get(2).get("folder").asText());
        assertEquals("1", stored.get("runs").get(2).get("point").get("lr-scale").asText());
        assertEquals(2, stored.get("recipe").get("epochs").asInt());
        assertEquals("lr-scale", stored.get("axes").get(1).get("name").asText());
    }

    @Test
    void theSameSpecClaimsItsFolderAgainAndAnotherIsRefused(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("study");
        grid(2).claim(out);
        byte[] first = Files.readAllBytes(out.resolve(SweepSpec.FILE));
        grid(2).claim(out);
        assertArrayEquals(first, Files.readAllBytes(out.resolve(SweepSpec.FILE)));
        String message = assertThrows(InputError.class, () -> grid(3).claim(out)).getMessage();
        assertTrue(message.contains("holds another sweep (its repeats differs)"), message);
        assertArrayEquals(first, Files.readAllBytes(out.resolve(SweepSpec.FILE)));
    }

    @Test
    void aSweepStartedBeforeARecipeFieldExistedIsStillTheSameSweep(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("study");
        grid(1).claim(out);
        ObjectMapper json = new ObjectMapper();
        com.fasterxml.jackson.databind.node.ObjectNode stored =
                (com.fasterxml.jackson.databind.node.ObjectNode) json.readTree(out.resolve(SweepSpec.FILE).toFile());
        // As an earlier version wrote it: without the fields that have documented defaults.
        ((com.fasterxml.jackson.databind.node.ObjectNode) stored.get("recipe")).remove(List.of("ema-decay",
                "ema-start-step", "ema-every", "tta-fraction"));
        Files.write(out.resolve(SweepSpec.FILE), json.writeValueAsBytes(stored));
        grid(1).claim(out);
        Files.writeString(out.resolve(SweepSpec.FILE), "[1, 2]");
        assertTrue(assertThrows(InputError.class, () -> grid(1).claim(out)).getMessage().contains("not a sweep file"));
    }

    @Test
    void aSweepJsonThatGivesAFieldTwiceIsNotTakenAtItsWord(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("study");
        grid(1).claim(out);
        Path file = out.resolve(SweepSpec.FILE);
        // Read the lenient way the second value would win and the folder would pass as this sweep's.
        Files.writeString(file, Files.readString(file).replaceFirst("\\{", "{\"repeats\": 7,"));
        String message = assertThrows(InputError.class, () -> grid(1).claim(out)).getMessage();
        assertTrue(message.contains(file + " is not a readable sweep file"), message);
        assertTrue(message.contains("Duplicate field 'repeats'"), message);
    }

    @Test
    void aFolderWithOtherFilesIsNotClaimed(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("notes.txt"), "mine");
        assertThrows(InputError.class, () -> grid(1).claim(dir));
        assertFalse(Files.exists(dir.resolve(SweepSpec.FILE)));
        Path file = dir.resolve("notes.txt");
        assertThrows(InputError.class, () -> grid(1).claim(file));
    }
}
