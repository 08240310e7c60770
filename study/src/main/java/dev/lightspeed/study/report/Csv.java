package dev.lightspeed.study.report;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** A CSV table (RFC 4180 quoting, one header row), built row by row. */
final class Csv {

    private final StringBuilder text = new StringBuilder();

    Csv(List<String> header) {
        row(header);
    }

    Csv row(List<String> cells) {
        text.append(String.join(",", cells.stream().map(Csv::quote).toList())).append('\n');
        return this;
    }

    byte[] bytes() {
        return text.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String quote(String cell) {
        if (cell.contains(",") || cell.contains("\"") || cell.contains("\n") || cell.contains("\r")) {
            return "\"" + cell.replace("\"", "\"\"") + "\"";
        }
        return cell;
    }

    /** Every digit the double holds, never in exponent form; empty for a number that was not measured. */
    static String number(double value) {
        return Double.isNaN(value) ? "" : BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    static String number(Double value) {
        return value == null ? "" : number(value.doubleValue());
    }
}
