package dev.lightspeed.cli;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConsoleProgressBarTest {

    private static final long SECOND = 1_000_000_000L;

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    private final AtomicLong clock = new AtomicLong();

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void interactiveBarRedrawsInPlaceWithPercentSizeAndSpeed() {
        ConsoleProgressBar bar = new ConsoleProgressBar("CIFAR-10", out, true, ConsoleProgressBar.Unit.BYTES,
                clock::get);

        bar.update(0, 100_000_000);
        clock.set(2 * SECOND);
        bar.update(50_000_000, 100_000_000);
        String halfway = printed();
        bar.finish();

        assertTrue(halfway.startsWith("\rCIFAR-10 ["), halfway);
        assertTrue(halfway.contains("[##########..........]  50%  50.0/100.0 MB  25.0 MB/s"), halfway);
        assertFalse(halfway.contains("\n"), "no newline until finish");
        assertTrue(printed().endsWith("\n"));
    }

    @Test
    void interactiveBarThrottlesRedrawsButAlwaysShowsCompletion() {
        ConsoleProgressBar bar = new ConsoleProgressBar("x", out, true, ConsoleProgressBar.Unit.BYTES, clock::get);

        bar.update(1, 1_000);
        for (int i = 2; i < 1_000; i++) {
            clock.addAndGet(1_000); // a microsecond apart: far too fast to redraw each
            bar.update(i, 1_000);
        }
        bar.update(1_000, 1_000);

        long redraws = printed().chars().filter(c -> c == '\r').count();
        assertEquals(2, redraws, printed());
        assertTrue(printed().contains("100%"));
    }

    @Test
    void nonInteractiveBarPrintsALinePerTenPercent() {
        ConsoleProgressBar bar = new ConsoleProgressBar("epoch 1", out, false, ConsoleProgressBar.Unit.ITEMS,
                clock::get);

        for (int batch = 0; batch <= 97; batch++) {
            clock.addAndGet(SECOND / 10);
            bar.update(batch, 97);
        }
        bar.finish();

        String[] lines = printed().split("\n");
        assertEquals(10, lines.length, printed());
        assertFalse(printed().contains("\r"));
        assertTrue(lines[0].startsWith("epoch 1 [##"), lines[0]);
        assertTrue(lines[9].contains("100%  97/97  "), lines[9]);
        assertTrue(lines[9].endsWith("/s"), lines[9]);
    }

    @Test
    void finishPrintsTheFinalStateOnceWhenTheEndWasNotReached() {
        ConsoleProgressBar bar = new ConsoleProgressBar("dl", out, false, ConsoleProgressBar.Unit.BYTES, clock::get);

        bar.update(5_000_000, -1);
        bar.finish();
        bar.finish();
        bar.update(6_000_000, -1);

        assertEquals("dl  5.0 MB\n", printed());
    }

    @Test
    void finishWithoutUpdatesPrintsNothing() {
        new ConsoleProgressBar("quiet", out, true).finish();

        assertEquals("", printed());
    }
}
