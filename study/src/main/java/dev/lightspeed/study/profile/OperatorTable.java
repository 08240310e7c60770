package dev.lightspeed.study.profile;

import dev.lightspeed.models.trace.TraceEvent;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The complete events of a trace aggregated by operator, as cProfile aggregates functions: calls, self time (an
 * event's duration less that of the events nested in it on its thread), cumulative time (its whole duration,
 * counted once when an operator nests in itself) and the share of the window (first start to last end) each
 * operator's self time takes. Rows are sorted by self time. An event is grouped by its name, or by the operator
 * type that ONNX Runtime puts in {@code args.op_name} of its node events.
 *
 * @param windowMicros  from the first event's start to the last event's end
 * @param selfSumMicros the self times of all events: the time some event covers, summed over threads
 */
public record OperatorTable(List<Row> rows, double windowMicros, double selfSumMicros, int threads, int events) {

    /** One operator: {@code calls} events, their self and cumulative time in microseconds. */
    public record Row(String operator, int calls, double selfMicros, double cumulativeMicros) {

        public double selfPerCallMicros() {
            return selfMicros / calls;
        }
    }

    /** An event between its start and its end while its thread's events are walked in time order. */
    private static final class Open {
        final TraceEvent event;
        final String operator;
        /** Whether no event of the same operator encloses it, so that its time counts in the cumulative column. */
        final boolean outermost;
        double selfMicros;

        Open(TraceEvent event, String operator, boolean outermost) {
            this.event = event;
            this.operator = operator;
            this.outermost = outermost;
        }
    }

    /** A start or an end of an event. */
    private record Boundary(double micros, boolean start, int event) {
    }

    /** Sums per operator, filled in as events end. */
    private static final class Totals {
        int calls;
        double self;
        double cumulative;

        void add(Open open) {
            calls++;
            self += open.selfMicros;
            if (open.outermost) {
                cumulative += open.event.durationMicros();
            }
        }
    }

    public static OperatorTable of(List<TraceEvent> events) {
        Map<String, List<TraceEvent>> byThread = new TreeMap<>();
        events.forEach(e -> byThread.computeIfAbsent(e.thread(), t -> new ArrayList<>()).add(e));
        Map<String, Totals> totals = new LinkedHashMap<>();
        byThread.values().forEach(thread -> walk(thread, totals));
        List<Row> rows = new ArrayList<>();
        totals.forEach((operator, t) -> rows.add(new Row(operator, t.calls, t.self, t.cumulative)));
        rows.sort(Comparator.comparingDouble(Row::selfMicros).reversed().thenComparing(Row::operator));
        double first = events.stream().mapToDouble(TraceEvent::startMicros).min().orElse(0);
        double last = events.stream().mapToDouble(TraceEvent::endMicros).max().orElse(0);
        return new OperatorTable(List.copyOf(rows), last - first, rows.stream().mapToDouble(Row::selfMicros).sum(),
                byThread.size(), events.size());
    }

    /**
     * Walks one thread's starts and ends in time order, giving each stretch of time to the innermost open event
     * (the latest started). For nested events that is each one's duration less its children's; it stays exact
     * when two events overlap without nesting (such as a span that ends, by rounding, a nanosecond after the next
     * one starts), and the self times always add up to the time some event covers.
     */
    private static void walk(List<TraceEvent> thread, Map<String, Totals> totals) {
        List<Boundary> boundaries = new ArrayList<>();
        for (int i = 0; i < thread.size(); i++) {
            TraceEvent event = thread.get(i);
            if (event.durationMicros() <= 0) {
                totals.computeIfAbsent(operator(event), k -> new Totals()).calls++;
                continue;
            }
            boundaries.add(new Boundary(event.startMicros(), true, i));
            boundaries.add(new Boundary(event.endMicros(), false, i));
        }
        // At one instant, ends before starts; of events starting together, the longer (the parent) first.
        boundaries.sort(Comparator.comparingDouble(Boundary::micros)
                .thenComparing(Boundary::start)
                .thenComparing(b -> b.start() ? -thread.get(b.event()).durationMicros() : 0.0));
        Open[] opened = new Open[thread.size()];
        List<Open> open = new ArrayList<>();
        double last = boundaries.isEmpty() ? 0 : boundaries.get(0).micros();
        for (Boundary boundary : boundaries) {
            if (!open.isEmpty()) {
                open.get(open.size() - 1).selfMicros += boundary.micros() - last;
            }
            last = boundary.micros();
            if (boundary.start()) {
                TraceEvent event = thread.get(boundary.event());
                String operator = operator(event);
                boolean outermost = open.stream().noneMatch(o -> o.operator.equals(operator));
                opened[boundary.event()] = new Open(event, operator, outermost);
                open.add(opened[boundary.event()]);
            } else {
                Open ended = opened[boundary.event()];
                open.remove(open.lastIndexOf(ended));
                totals.computeIfAbsent(ended.operator, k -> new Totals()).add(ended);
            }
        }
    }

    /** The name an event is grouped under. */
    static String operator(TraceEvent event) {
        String type = event.args().path("op_name").asText("");
        return type.isEmpty() ? event.name() : type;
    }

    /** The row of each operator, by name. */
    public Map<String, Row> byOperator() {
        Map<String, Row> map = new LinkedHashMap<>();
        rows.forEach(r -> map.put(r.operator(), r));
        return map;
    }

    /** The share of the window an operator's self time takes. */
    public double share(Row row) {
        return windowMicros > 0 ? row.selfMicros() / windowMicros : 0;
    }

    /** The table as text: a summary line, then the {@code top} operators by self time. */
    public List<String> lines(int top) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "%d events on %d %s; window %.3f ms (first start to last end); self"
                + " times sum to %.3f ms (%.1f %% of the window)", events, threads, threads == 1 ? "thread" : "threads",
                windowMicros / 1e3, selfSumMicros / 1e3, windowMicros > 0 ? 100 * selfSumMicros / windowMicros : 0));
        lines.add("");
        lines.add(String.format(Locale.ROOT, "%8s %12s %12s %12s %7s  %s", "calls", "self ms", "self/call µs",
                "cum ms", "share", "operator"));
        for (Row row : rows.subList(0, Math.min(top, rows.size()))) {
            lines.add(String.format(Locale.ROOT, "%8d %12.3f %12.1f %12.3f %6.1f%%  %s", row.calls(),
                    row.selfMicros() / 1e3, row.selfPerCallMicros(), row.cumulativeMicros() / 1e3,
                    100 * share(row), row.operator()));
        }
        if (rows.size() > top) {
            lines.add(String.format(Locale.ROOT, "(%d more operators below the top %d)", rows.size() - top, top));
        }
        return lines;
    }
}
