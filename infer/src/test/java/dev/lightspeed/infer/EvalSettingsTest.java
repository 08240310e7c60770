package dev.lightspeed.infer;

import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class EvalSettingsTest {

    @Test
    void defaultBatchHoldsAboutAThousandViewsForPlainAndTtaGraphs() {
        assertEquals(1000, EvalSettings.defaultBatchSize(model(0, 32)));
        assertEquals(166, EvalSettings.defaultBatchSize(model(2, 32)));
    }

    @Test
    void defaultBatchShrinksWithTheModelsImageArea() {
        assertEquals(250, EvalSettings.defaultBatchSize(model(0, 64)));
        assertEquals(41, EvalSettings.defaultBatchSize(model(2, 64)));
    }

    @Test
    void batchSizeBelowOneIsInputErrorNamingTheSetting() {
        InputError error = assertThrows(InputError.class, () -> new EvalSettings(0, 1, false));

        assertEquals("batch-size", error.parameter().orElseThrow());
        assertEquals("batch-size must be at least 1, got 0", error.getMessage());
    }

    @Test
    void negativeWarmupIsInputErrorNamingTheSetting() {
        InputError error = assertThrows(InputError.class, () -> new EvalSettings(8, -1, false));

        assertEquals("warmup-batches", error.parameter().orElseThrow());
    }

    private static ModelInfo model(int ttaLevel, int imageSize) {
        return new ModelInfo(Path.of("m.onnx"), "image", "logits", new ImageGeometry(3, imageSize), List.of("a", "b", "c"), true,
                ttaLevel, "", "fp32");
    }
}
