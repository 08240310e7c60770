package dev.lightspeed.study.profile;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Two profiles side by side, operator by operator: self time in each, the change from the first (A) to the second
 * (B) and their ratio, largest changes first.
 */
public record ProfileComparison(OperatorTable a, OperatorTable b, List<Row> rows) {

    /** A self time that changed by less than this fraction is reported as unchanged. */
    static final double UNCHANGED = 0.05;

    /** One operator's self time in A and B, in microseconds (0 where it does not occur). */
    public record Row(String operator, int callsA, double selfMicrosA, int callsB, double selfMicrosB) {

        public double deltaMicros() {
            return selfMicrosB - selfMicrosA;
        }

        /** B over A; infinite for an operator only B has. */
        public double ratio() {
            return selfMicrosB / selfMicrosA;
        }

        public String verdict() {
            if (callsA == 0) {
                return "only in B";
            }
            if (callsB == 0) {
                return "only in A";
            }
            if (Math.abs(deltaMicros()) <= UNCHANGED * selfMicrosA) {
                return "unchanged";
            }
            return deltaMicros() < 0 ? "faster" : "slower";
        }
    }

    public static ProfileComparison of(OperatorTable a, OperatorTable b) {
        Map<String, OperatorTable.Row> inA = a.byOperator();
        Map<String, OperatorTable.Row> inB = b.byOperator();
        Set<String> operators = new LinkedHashSet<>(inA.keySet());
        operators.addAll(inB.keySet());
        List<Row> rows = new ArrayList<>();
        for (String operator : operators) {
            OperatorTable.Row ra = inA.get(operator);
            OperatorTable.Row rb = inB.get(operator);
            rows.add(new Row(operator, ra == null ? 0 : ra.calls(), ra == null ? 0 : ra.selfMicros(),
                    rb == null ? 0 : rb.calls(), rb == null ? 0 : rb.selfMicros()));
        }
        rows.sort(Comparator.comparingDouble((Row r) -> Math.abs(r.deltaMicros())).reversed()
                .thenComparing(Row::operator));
        return new ProfileComparison(a, b, List.copyOf(rows));
    }

    /** The comparison as text: the two windows, then the {@code top} operators by size of change. */
    public List<String> lines(int top) {
        List<String> lines = new ArrayList<>();
        lines.add(String.format(Locale.ROOT, "window A %.3f ms, B %.3f ms (B/A %.3f); self times A %.3f ms,"
                + " B %.3f ms", a.windowMicros() / 1e3, b.windowMicros() / 1e3, b.windowMicros() / a.windowMicros(),
                a.selfSumMicros() / 1e3, b.selfSumMicros() / 1e3));
        lines.add("");
        lines.add(String.format(Locale.ROOT, "%8s %12s %8s %12s %12s %8s  %-10s %s", "calls A", "self A ms",
                "calls B", "self B ms", "B-A ms", "B/A", "", "operator"));
        for (Row row : rows.subList(0, Math.min(top, rows.size()))) {
            lines.add(String.format(Locale.ROOT, "%8d %12.3f %8d %12.3f %+12.3f %8s  %-10s %s", row.callsA(),
                    row.selfMicrosA() / 1e3, row.callsB(), row.selfMicrosB() / 1e3, row.deltaMicros() / 1e3,
                    row.callsA() == 0 || row.callsB() == 0 ? "-" : String.format(Locale.ROOT, "%.3f", row.ratio()),
                    row.verdict(), row.operator()));
        }
        if (rows.size() > top) {
            lines.add(String.format(Locale.ROOT, "(%d more operators below the top %d)", rows.size() - top, top));
        }
        return lines;
    }
}
