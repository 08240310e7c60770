package dev.lightspeed.data;

import dev.lightspeed.models.DatasetInfo;
import dev.lightspeed.models.Normalization;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;

class DatasetTest {

    private static final DatasetInfo GRAY_THREE_CLASSES = new DatasetInfo("shapes", List.of("a", "b", "c"), 1, 5,
            new Normalization(List.of(0.5), List.of(0.25)));

    @Test
    void acceptsSplitsOfTheDeclaredShapeAndClasses() {
        assertDoesNotThrow(() -> new Dataset(GRAY_THREE_CLASSES, split(1, 5, 0, 2), split(1, 5, 1)));
    }

    @Test
    void refusesASplitOfAnotherShape() {
        assertThrows(IllegalArgumentException.class,
                () -> new Dataset(GRAY_THREE_CLASSES, split(3, 5, 0), split(1, 5, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> new Dataset(GRAY_THREE_CLASSES, split(1, 5, 0), split(1, 6, 0)));
    }

    @Test
    void refusesALabelBeyondTheClasses() {
        assertThrows(IllegalArgumentException.class,
                () -> new Dataset(GRAY_THREE_CLASSES, split(1, 5, 0, 3), split(1, 5, 0)));
        assertThrows(IllegalArgumentException.class,
                () -> new Dataset(GRAY_THREE_CLASSES, split(1, 5, 0), split(1, 5, 3)));
    }

    private static ImageSplit split(int channels, int size, int... labels) {
        return new ImageSplit(new byte[labels.length * channels * size * size], labels, channels, size);
    }
}
