package dev.lightspeed.study.profile;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ProfileComparisonTest {

    @Test
    void operatorsAreMatchedByNameAndTheLargestChangesComeFirst(@TempDir Path dir) throws Exception {
        OperatorTable a = new HandMadeTraces()
                .event("opX", 1, 0, 4).event("opX", 1, 10, 6)
                .event("opY", 1, 20, 20)
                .event("opZ", 1, 50, 5)
                .table(dir.resolve("a.json"));
        OperatorTable b = new HandMadeTraces()
                .event("opX", 1, 0, 5)
                .event("opY", 1, 10, 30)
                .event("opZ", 1, 50, 5.1)
                .event("opW", 1, 60, 3)
                .table(dir.resolve("b.json"));
        ProfileComparison comparison = ProfileComparison.of(a, b);
        assertEquals(List.of("opY", "opX", "opW", "opZ"),
                comparison.rows().stream().map(ProfileComparison.Row::operator).toList());
        assertEquals(List.of("slower", "faster", "only in B", "unchanged"),
                comparison.rows().stream().map(ProfileComparison.Row::verdict).toList());
        ProfileComparison.Row x = comparison.rows().get(1);
        assertEquals(2, x.callsA());
        assertEquals(1, x.callsB());
        assertEquals(-5, x.deltaMicros(), 1e-9);
        assertEquals(0.5, x.ratio(), 1e-9);
        assertEquals(1.5, comparison.rows().get(0).ratio(), 1e-9);

        List<String> lines = comparison.lines(10);
        assertEquals("window A 0.055 ms, B 0.063 ms (B/A 1.145); self times A 0.035 ms, B 0.043 ms", lines.get(0));
        assertEquals("       1        0.020        1        0.030       +0.010    1.500  slower     opY", lines.get(3));
        assertEquals("       0        0.000        1        0.003       +0.003        -  only in B  opW", lines.get(5));
        assertTrue(ProfileComparison.of(b, a).rows().stream().anyMatch(r -> r.verdict().equals("only in A")));

        Path png = dir.resolve("compare.png");
        OperatorChart.write(png, comparison, 3, "a.json", "b.json");
        assertNotNull(ImageIO.read(png.toFile()));
    }
}
