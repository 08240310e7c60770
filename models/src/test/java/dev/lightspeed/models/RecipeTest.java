package dev.lightspeed.models;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RecipeTest {

    @Test
    void defaultPresetIsTheAirbench94Record() {
        Recipe r = Presets.named(Presets.DEFAULT);
        assertEquals(8, r.epochs());
        assertEquals(2000, r.batchSize());
        assertEquals(0.24, r.filterLr());
        assertEquals(0.053, r.biasLr());
        assertEquals(0.67, r.headLr());
        assertEquals(0.2, r.labelSmoothing());
        assertEquals(25, r.stepsPerEpoch(50_000));
        assertEquals(24, r.architecture().whiteningWidth());
        assertEquals(1, r.architecture().headInputSize());
    }

    @Test
    void overridesByKebabCaseNameReplaceOneValue() {
        Recipe r = Presets.named("airbench94").with("batch-size", "500").with("alternating-flip", "false")
                .with("label-smoothing", "0.1");
        assertEquals(500, r.batchSize());
        assertEquals(false, r.alternatingFlip());
        assertEquals(0.1, r.labelSmoothing());
        assertEquals(8, r.epochs());
    }

    @Test
    void badOverridesSayWhatIsWrong() {
        Recipe r = Presets.named("airbench94");
        assertTrue(assertThrows(InputError.class, () -> r.with("epochs", "-1")).getMessage()
                .contains("epochs must be positive"));
        assertTrue(assertThrows(InputError.class, () -> r.with("epochs", "eight")).getMessage()
                .contains("expects an integer"));
        assertTrue(assertThrows(InputError.class, () -> r.with("lr-scale", "NaN")).getMessage()
                .contains("expects a number"));
        assertTrue(assertThrows(InputError.class, () -> r.with("momentum", "1")).getMessage()
                .contains("unknown hyperparameter 'momentum'"));
        assertThrows(InputError.class, () -> Presets.named("nope"));
    }
}
