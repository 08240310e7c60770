package dev.lightspeed.models;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ModelFitTest {

    private static final List<String> ABC = List.of("a", "b", "c");
    private static final ImageGeometry RGB16 = new ImageGeometry(3, 16);

    @Test
    void aModelOfTheDatasClassesAndImagesFits() {
        assertDoesNotThrow(() -> ModelFit.require("m", 3, ABC, RGB16, ABC, RGB16));
        assertDoesNotThrow(() -> ModelFit.require("m", 3, null, RGB16, ABC, RGB16), "unnamed classes: count only");
    }

    @Test
    void otherClassesOrImagesAreRefusedNamingWhatDiffers() {
        assertTrue(assertThrows(InputError.class, () -> ModelFit.require("m", 10, null, RGB16, ABC, RGB16))
                .getMessage().contains("outputs 10 classes but the data has 3"));
        assertTrue(assertThrows(InputError.class, () -> ModelFit.require("m", 3, List.of("a", "c", "b"), RGB16, ABC,
                RGB16)).getMessage().contains("names its classes [a, c, b]"));
        assertTrue(assertThrows(InputError.class, () -> ModelFit.require("m", 3, ABC, new ImageGeometry(3, 32), ABC,
                RGB16)).getMessage().contains("takes 3×32×32 images but the data's are 3×16×16"));
    }
}
