package dev.lightspeed.models;

import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DatasetInfoTest {

    private static final Normalization RGB = new Normalization(List.of(0.5, 0.5, 0.5), List.of(0.2, 0.2, 0.2));

    @Test
    void describesItsImagesAndClasses() {
        List<String> classes = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            classes.add("class " + i);
        }
        DatasetInfo info = new DatasetInfo("many", classes, 3, 64, RGB);

        assertEquals(120, info.numClasses());
        assertEquals("class 119", info.classes().get(119));
        assertEquals(3 * 64 * 64, info.imageBytes());
        assertEquals("3×64×64", info.imageShape());
        classes.add("late");
        assertEquals(120, info.numClasses(), "the class list is copied");
    }

    @Test
    void refusesInconsistentDescriptions() {
        assertThrows(IllegalArgumentException.class, () -> new DatasetInfo("x", List.of(), 3, 8, RGB));
        assertThrows(IllegalArgumentException.class, () -> new DatasetInfo(" ", List.of("a"), 3, 8, RGB));
        assertThrows(IllegalArgumentException.class, () -> new DatasetInfo("x", List.of("a"), 3, 0, RGB));
        assertThrows(IllegalArgumentException.class, () -> new DatasetInfo("x", List.of("a"), 1, 8, RGB),
                "a normalization of another channel count");
    }
}
