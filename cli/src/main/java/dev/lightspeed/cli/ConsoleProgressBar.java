package dev.lightspeed.cli;

import dev.lightspeed.data.ProgressListener;

import java.io.PrintStream;
import java.util.Locale;
import java.util.function.LongSupplier;

/**
 * A one-line progress bar such as {@code CIFAR-10 [#######.............]  35%  59.7/170.5 MB  11.2 MB/s}.
 *
 * <p>On a terminal it redraws in place with '\r' (at most ten times a second, since every redraw costs a write).
 * When output goes to a file or pipe, where '\r' would leave a mess, it prints a plain line at each 10 % instead.
 * The caller calls {@link #finish()} once the work is over, which ends the line.
 */
public final class ConsoleProgressBar implements ProgressListener {

    /** What the numbers count: bytes are shown as MB and MB/s, items (such as batches) as plain counts per second. */
    public enum Unit { BYTES, ITEMS }

    private static final int BAR_WIDTH = 20;
    private static final long REDRAW_INTERVAL_NANOS = 100_000_000L;
    private static final double BYTES_PER_MB = 1_000_000.0;
    private static final int NOTHING_PRINTED = -1;

    private final String label;
    private final PrintStream out;
    private final boolean interactive;
    private final Unit unit;
    private final LongSupplier nanoClock;

    private boolean started;
    private boolean finished;
    private long startNanos;
    private long lastRedrawNanos;
    private long done;
    private long total;
    private int lastTenthPrinted = NOTHING_PRINTED;
    private int lastLineLength;

    /** A bar counting bytes. */
    public ConsoleProgressBar(String label, PrintStream out, boolean interactive) {
        this(label, out, interactive, Unit.BYTES);
    }

    public ConsoleProgressBar(String label, PrintStream out, boolean interactive, Unit unit) {
        this(label, out, interactive, unit, System::nanoTime);
    }

    /** With a supplied clock, so tests can check speeds and redraw throttling without sleeping. */
    ConsoleProgressBar(String label, PrintStream out, boolean interactive, Unit unit, LongSupplier nanoClock) {
        this.label = label;
        this.out = out;
        this.interactive = interactive;
        this.unit = unit;
        this.nanoClock = nanoClock;
    }

    /** A byte-counting bar that redraws in place on a terminal and prints a line per 10 % otherwise. */
    public static ConsoleProgressBar forOutput(String label, PrintStream out) {
        return forOutput(label, out, Unit.BYTES);
    }

    /** A bar that redraws in place when a terminal is attached and prints a line per 10 % otherwise. */
    public static ConsoleProgressBar forOutput(String label, PrintStream out, Unit unit) {
        return new ConsoleProgressBar(label, out, System.console() != null, unit);
    }

    @Override
    public synchronized void update(long done, long total) {
        if (finished) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (!started) {
            started = true;
            startNanos = now;
            lastRedrawNanos = now - REDRAW_INTERVAL_NANOS;
        }
        this.done = done;
        this.total = total;
        if (interactive) {
            boolean complete = total > 0 && done >= total;
            if (complete || now - lastRedrawNanos >= REDRAW_INTERVAL_NANOS) {
                redraw(now);
            }
        } else if (total > 0) {
            int tenth = (int) Math.min(10, Math.max(0, done) * 10 / total);
            if (tenth > 0 && tenth > lastTenthPrinted) {
                lastTenthPrinted = tenth;
                out.println(line(now));
            }
        }
    }

    /** Ends the bar's line, showing the final state; later updates are ignored. Safe to call more than once. */
    public synchronized void finish() {
        if (finished) {
            return;
        }
        finished = true;
        if (!started) {
            return;
        }
        long now = nanoClock.getAsLong();
        if (interactive) {
            redraw(now);
            out.println();
        } else if (lastTenthPrinted < 10) {
            out.println(line(now));
        }
        out.flush();
    }

    private void redraw(long now) {
        lastRedrawNanos = now;
        String line = line(now);
        // Pad over the tail of a longer previous line, which '\r' alone would leave on screen.
        String padding = " ".repeat(Math.max(0, lastLineLength - line.length()));
        lastLineLength = line.length();
        out.print("\r" + line + padding);
        out.flush();
    }

    private String line(long now) {
        StringBuilder line = new StringBuilder(label);
        if (total > 0) {
            double fraction = Math.min(1.0, Math.max(0.0, (double) done / total));
            int filled = (int) Math.round(fraction * BAR_WIDTH);
            line.append(" [").append("#".repeat(filled)).append(".".repeat(BAR_WIDTH - filled)).append(']')
                    .append(String.format(Locale.ROOT, " %3d%%", (int) Math.floor(fraction * 100)))
                    .append("  ").append(amount(done)).append('/').append(amount(total)).append(unitSuffix());
        } else {
            line.append("  ").append(amount(done)).append(unitSuffix());
        }
        double seconds = (now - startNanos) / 1e9;
        if (seconds > 0) {
            double perSecond = unit == Unit.BYTES ? done / seconds / BYTES_PER_MB : done / seconds;
            line.append(String.format(Locale.ROOT, "  %.1f%s/s", perSecond, unitSuffix()));
        }
        return line.toString();
    }

    private String amount(long value) {
        return unit == Unit.BYTES
                ? String.format(Locale.ROOT, "%.1f", value / BYTES_PER_MB)
                : Long.toString(value);
    }

    private String unitSuffix() {
        return unit == Unit.BYTES ? " MB" : "";
    }
}
