package dev.lightspeed.models.report;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ClassTallyTest {

    @Test
    void countsEachImageUnderItsLabel() {
        ClassTally tally = new ClassTally(3);
        tally.add(0, 0);
        tally.add(0, 2);
        tally.add(2, 2);
        tally.add(2, 2);
        tally.add(2, 1);

        List<ClassAccuracy> perClass = tally.perClass(List.of("a", "b", "c"));

        assertEquals(5, tally.images());
        assertEquals(3, tally.correct());
        assertEquals(new ClassAccuracy("a", 1, 2), perClass.get(0));
        assertEquals(new ClassAccuracy("b", 0, 0), perClass.get(1), "a wrong prediction of b counts under its label");
        assertEquals(new ClassAccuracy("c", 2, 3), perClass.get(2));
        assertTrue(Double.isNaN(perClass.get(1).accuracy()));
    }

    @Test
    void refusesLabelsOutsideTheClassesAndNamesOfAnotherCount() {
        ClassTally tally = new ClassTally(2);

        assertThrows(IllegalArgumentException.class, () -> tally.add(2, 0));
        assertThrows(IllegalArgumentException.class, () -> tally.add(-1, 0));
        assertThrows(IllegalArgumentException.class, () -> tally.perClass(List.of("only one")));
    }
}
