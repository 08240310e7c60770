package dev.lightspeed.models;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class OnnxContractTest {

    @Test
    void classNamesSurviveEncoding() {
        List<String> names = List.of("airplane", "sea \"lion\"", "naïve, café");

        assertEquals(names, OnnxContract.parseClasses(OnnxContract.encodeClasses(names)));
        assertThrows(IllegalArgumentException.class, () -> OnnxContract.parseClasses("{\"not\": \"a list\"}"));
        assertThrows(IllegalArgumentException.class, () -> OnnxContract.parseClasses("null"));
    }

    @Test
    void geometryIsTheFixedSquareImageOfAFreeBatch() {
        assertEquals(new ImageGeometry(3, 32), OnnxContract.geometry(new long[] {-1, 3, 32, 32}));
        assertEquals(new ImageGeometry(1, 28), OnnxContract.geometry(new long[] {-1, 1, 28, 28}));
        assertEquals(3 * 32 * 32, new ImageGeometry(3, 32).values());
    }

    @Test
    void geometryRefusesWhatItCannotFeed() {
        assertRefused(new long[] {-1, 3, 32}, "not a batch of images");
        assertRefused(new long[] {8, 3, 32, 32}, "fixes the batch at 8");
        assertRefused(new long[] {-1, -1, 32, 32}, "leaves channels, height or width open");
        assertRefused(new long[] {-1, 3, -1, -1}, "leaves channels, height or width open");
        assertRefused(new long[] {-1, 3, 32, 16}, "its images are 32×16; lightspeed needs square ones");
    }

    private static void assertRefused(long[] shape, String expected) {
        IllegalArgumentException error = assertThrows(IllegalArgumentException.class,
                () -> OnnxContract.geometry(shape));
        assertTrue(error.getMessage().contains(expected), error.getMessage());
    }
}
