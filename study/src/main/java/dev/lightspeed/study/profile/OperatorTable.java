package dev.lightspeed.study.profile;

import dev.lightspeed.models.trace.TraceEvent;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
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

    /** An open event while its thread's events are walked in time order. */
    private static final class Frame {
        final TraceEvent event;
        final String operator;
        final boolean outermost;
        double childMicros;

        Frame(TraceEvent event, String operator, boolean outermost) {
            this.event = event;
            this.operator = operator;
            this.outermost = outermost;
        }
    }

    /** Sums per operator, filled in as frames close. */
    private static final class Totals {
        int calls;
        double self;
        double cumulative;
    }

    public static OperatorTable of(List<TraceEvent> events) {
        Map<String, List<TraceEvent>> byThread = new TreeMap<>();
        events.forEach(e -> byThread.computeIfAbsent(e.thread(), t -> new ArrayList<>()).add(e));
        Map<String, Totals> totals = new LinkedHashMap<>();
        for (List<TraceEvent> thread : byThread.values()) {
            // A parent before its children: earlier start first, and of two that start together the longer.
            thread.sort(Comparator.comparingDouble(TraceEvent::startMicros)
                    .thenComparing(Comparator.comparingDouble(TraceEvent::durationMicros).reversed()));
            Deque<Frame> open = new ArrayDeque<>();
            for (TraceEvent event : thread) {
                while (!open.isEmpty() && open.peek().event.endMicros() <= event.startMicros()) {
                    close(open.pop(), totals);
                }
                String operator = operator(event);
                Frame parent = open.peek();
                if (parent != null) {
                    // A child that outlasts its parent (clocks that disagree slightly) is charged to it in part.
                    parent.childMicros += Math.min(event.endMicros(), parent.event.endMicros()) - event.startMicros();
                }
                boolean outermost = open.stream().noneMatch(f -> f.operator.equals(operator));
                open.push(new Frame(event, operator, outermost));
            }
            while (!open.isEmpty()) {
                close(open.pop(), totals);
            }
        }
        List<Row> rows = new ArrayList<>();
        totals.forEach((operator, t) -> rows.add(new Row(operator, t.calls, t.self, t.cumulative)));
        rows.sort(Comparator.comparingDouble(Row::selfMicros).reversed().thenComparing(Row::operator));
        double first = events.stream().mapToDouble(TraceEvent::startMicros).min().orElse(0);
        double last = events.stream().mapToDouble(TraceEvent::endMicros).max().orElse(0);
        return new OperatorTable(List.copyOf(rows), last - first, rows.stream().mapToDouble(Row::selfMicros).sum(),
                byThread.size(), events.size());
    }

    private static void close(Frame frame, Map<String, Totals> totals) {
        Totals t = totals.computeIfAbsent(frame.operator, k -> new Totals());
        t.calls++;
        t.self += Math.max(0, frame.event.durationMicros() - frame.childMicros);
        if (frame.outermost) {
            t.cumulative += frame.event.durationMicros();
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
            lines.add(String.format(Locale.ROOT, "(%d more operators; --top N shows more)", rows.size() - top));
        }
        return lines;
    }
}
