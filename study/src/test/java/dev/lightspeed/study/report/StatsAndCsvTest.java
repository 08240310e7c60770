package dev.lightspeed.study.report;

import dev.lightspeed.study.Stats;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class StatsAndCsvTest {

    @Test
    void stdIsTheSampleStdAndUndefinedForOneValue() {
        Stats four = Stats.of(List.of(1.0, 2.0, 3.0, 4.0));
        assertEquals(2.5, four.mean(), 1e-15);
        // Squares about the mean sum to 5; divided by n - 1 = 3.
        assertEquals(Math.sqrt(5.0 / 3), four.std(), 1e-15);
        Stats one = Stats.of(List.of(0.9));
        assertEquals(0.9, one.mean());
        assertTrue(Double.isNaN(one.std()));
        assertTrue(Double.isNaN(Stats.of(List.of()).mean()));
    }

    @Test
    void cellsAreQuotedOnlyWhereRfc4180NeedsIt() {
        assertEquals("batch-size=500_lr-scale=0.5/seed-0", Csv.quote("batch-size=500_lr-scale=0.5/seed-0"));
        assertEquals("\"[64,256,256]\"", Csv.quote("[64,256,256]"));
        assertEquals("\"say \"\"hi\"\"\"", Csv.quote("say \"hi\""));
        assertEquals("\"two\nlines\"", Csv.quote("two\nlines"));
        assertEquals("a,\"b,c\"\n", new String(new Csv(List.of("a", "b,c")).bytes()));
    }

    @Test
    void numbersKeepTheirDigitsWithoutExponents() {
        assertEquals("0.9341", Csv.number(0.9341));
        assertEquals("30", Csv.number(30.0));
        assertEquals("0.00012", Csv.number(1.2e-4));
        assertEquals("", Csv.number(Double.NaN));
        assertEquals("", Csv.number((Double) null));
    }
}
