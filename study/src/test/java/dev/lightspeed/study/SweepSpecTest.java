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
                "ema-start-step", "ema-every"));
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
