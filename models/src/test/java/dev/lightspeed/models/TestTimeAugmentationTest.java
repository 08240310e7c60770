package dev.lightspeed.models;

import dev.lightspeed.models.TestTimeAugmentation.View;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class TestTimeAugmentationTest {

    @Test
    void eachLevelHasThePublishedViewsAndWeights() {
        assertEquals(List.of(new View(0, false, 1)), TestTimeAugmentation.views(0));
        assertEquals(List.of(new View(0, false, 0.5), new View(0, true, 0.5)), TestTimeAugmentation.views(1));
        // m(x)/2 + m(a)/4 + m(b)/4 with m the mean of a view and its mirror image.
        assertEquals(List.of(new View(0, false, 0.25), new View(-1, false, 0.125), new View(1, false, 0.125),
                        new View(0, true, 0.25), new View(-1, true, 0.125), new View(1, true, 0.125)),
                TestTimeAugmentation.views(2));
    }

    @Test
    void weightsSumToOneAndMirrorImagesFollowTheirViewsInOrder() {
        for (int level = 0; level <= TestTimeAugmentation.MAX_LEVEL; level++) {
            List<View> views = TestTimeAugmentation.views(level);
            assertEquals(1.0, views.stream().mapToDouble(View::weight).sum(), 0.0);
            List<View> plain = views.stream().filter(v -> !v.mirrored()).toList();
            List<View> mirrored = views.stream().filter(View::mirrored).toList();
            assertEquals(plain, views.subList(0, plain.size()));
            for (int i = 0; i < mirrored.size(); i++) {
                assertEquals(plain.get(i).offset(), mirrored.get(i).offset());
            }
        }
    }

    @Test
    void paddingCoversTheLargestShift() {
        assertEquals(0, TestTimeAugmentation.padding(0));
        assertEquals(0, TestTimeAugmentation.padding(1));
        assertEquals(1, TestTimeAugmentation.padding(2));
    }

    @Test
    void unknownLevelIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> TestTimeAugmentation.views(3));
    }
}
