package dev.lightspeed.study;

import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AxisTest {

    @Test
    void aListKeepsItsOrder() {
        assertEquals(new Axis("batch-size", List.of("2000", "500", "1000")), Axis.parse("batch-size=2000, 500,1000"));
    }

    @Test
    void aGeometricRangeMultipliesUpToItsEnd() {
        assertEquals(List.of("0.25", "0.5", "1", "2", "4"), Axis.parse("lr-scale=0.25:4:x2").values());
        assertEquals(List.of("1", "3", "9"), Axis.parse("lr-scale=1:10:x3").values());
    }

    @Test
    void anArithmeticRangeStepsExactlyOntoItsEnd() {
        assertEquals(List.of("2", "4", "6", "8"), Axis.parse("epochs=2:8:+2").values());
        assertEquals(List.of("0.1", "0.2", "0.3", "0.4", "0.5"), Axis.parse("label-smoothing=0.1:0.5:+0.1").values());
    }

    @ParameterizedTest
    @ValueSource(strings = {"learning-rate=1,2", "epochs=", "epochs=1,,2", "epochs", "=1", "epochs=1,1",
            "epochs=1:4", "epochs=1:4:*2", "epochs=a:4:+1", "epochs=4:1:+1", "lr-scale=0:4:x2", "lr-scale=1:4:x1",
            "epochs=1:4:+0", "epochs=1:100000:+1"})
    void malformedAxesAreRefusedInOneLine(String text) {
        InputError error = assertThrows(InputError.class, () -> Axis.parse(text));
        assertTrue(!error.getMessage().contains("\n") && !error.getMessage().isBlank(), error.getMessage());
        assertEquals("grid", error.parameter().orElse(null), error.getMessage());
    }

    @Test
    void anAblationAxisPutsTheFullRecipeFirstAndKeepsTheOrderGiven() {
        Axis axis = Axis.ablation(List.of("whitening=off", " label-smoothing = 0 ", "flip=random", "flip=none",
                "lr-schedule=[{\"at\": 0, \"lr\": 1}, {\"at\": 1, \"lr\": 1}]"));
        assertEquals(new Axis("ablation", List.of("none", "whitening=off", "label-smoothing=0", "flip=random",
                "flip=none", "lr-schedule=[{\"at\": 0, \"lr\": 1}, {\"at\": 1, \"lr\": 1}]")), axis);
        assertTrue(axis.ablates());
        assertFalse(Axis.parse("epochs=1,2").ablates());
    }

    @Test
    void anAblationMayChangeSeveralFieldsJoinedByPlus() {
        Axis axis = Axis.ablation(List.of("filter-optimizer=sgd + filter-lr=1e+3"));
        assertEquals(List.of("none", "filter-optimizer=sgd+filter-lr=1e+3"), axis.values());
        List<String[]> pairs = Axis.assignments(axis.values().get(1));
        assertEquals(2, pairs.size());
        assertArrayEquals(new String[] {"filter-lr", "1e+3"}, pairs.get(1), "a + inside a number stays in the value");
        assertTrue(assertThrows(InputError.class, () -> Axis.ablation(List.of("flip=random+momentum=1")))
                .getMessage().startsWith("ablate momentum: unknown hyperparameter"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"whitening", "=off", "momentum=0", "whitening=", "whitening=off|whitening = off", "none",
            "ablation=none"})
    void malformedAblationsAreRefusedInOneLine(String text) {
        InputError error = assertThrows(InputError.class, () -> Axis.ablation(List.of(text.split("\\|"))));
        assertTrue(!error.getMessage().contains("\n") && !error.getMessage().isBlank(), error.getMessage());
        assertEquals("ablate", error.parameter().orElse(null), error.getMessage());
        assertTrue(error.getMessage().startsWith("ablate "), error.getMessage());
    }

    @Test
    void anAblationNeedsAnAssignmentAndAGridCannotTakeTheAblationAxisName() {
        assertEquals("ablate", assertThrows(InputError.class, () -> Axis.ablation(List.of())).parameter()
                .orElse(null));
        assertTrue(assertThrows(InputError.class, () -> Axis.ablation(List.of("whitening=off", "whitening=off")))
                .getMessage().contains("whitening=off is given twice"));
        assertTrue(assertThrows(InputError.class, () -> Axis.parse("ablation=none,flip=random")).getMessage()
                .contains("unknown hyperparameter"));
    }

    @Test
    void anUnknownNameListsTheKnownOnes() {
        String message = assertThrows(InputError.class, () -> Axis.parse("learning-rate=1")).getMessage();
        assertTrue(message.contains("unknown hyperparameter") && message.contains("lr-scale"), message);
    }
}
