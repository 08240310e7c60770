package dev.lightspeed.cli;

import java.util.ArrayList;
import java.util.List;

/**
 * The string literals of a Java source, each with the line it starts on: enough of a lexer to step over comments,
 * character literals and escapes, so that a quote inside any of them does not start or end a literal. Text blocks
 * count as one literal. Escapes are kept as written.
 */
final class JavaStringLiterals {

    /** One literal: its text between the quotes and the line (from 1) where it starts. */
    record Literal(int line, String text) {
    }

    private JavaStringLiterals() {
    }

    static List<Literal> of(String source) {
        List<Literal> literals = new ArrayList<>();
        int line = 1;
        int i = 0;
        while (i < source.length()) {
            char c = source.charAt(i);
            if (c == '\n') {
                line++;
                i++;
            } else if (source.startsWith("//", i)) {
                i = endOfLine(source, i);
            } else if (source.startsWith("/*", i)) {
                int end = source.indexOf("*/", i + 2);
                end = end < 0 ? source.length() : end + 2;
                line += newlines(source, i, end);
                i = end;
            } else if (source.startsWith("\"\"\"", i)) {
                int end = source.indexOf("\"\"\"", i + 3);
                while (end > 0 && escaped(source, end)) {
                    end = source.indexOf("\"\"\"", end + 1);
                }
                end = end < 0 ? source.length() : end;
                literals.add(new Literal(line, source.substring(i + 3, end)));
                line += newlines(source, i, end);
                i = Math.min(source.length(), end + 3);
            } else if (c == '"' || c == '\'') {
                int end = closingQuote(source, i + 1, c);
                if (c == '"') {
                    literals.add(new Literal(line, source.substring(i + 1, end)));
                }
                i = Math.min(source.length(), end + 1);
            } else {
                i++;
            }
        }
        return literals;
    }

    /** The index of the quote that closes a one-line literal opened just before {@code from}. */
    private static int closingQuote(String source, int from, char quote) {
        int i = from;
        while (i < source.length() && source.charAt(i) != quote && source.charAt(i) != '\n') {
            i += source.charAt(i) == '\\' ? 2 : 1;
        }
        return Math.min(i, source.length());
    }

    /** True when the character at {@code index} follows an odd number of backslashes. */
    private static boolean escaped(String source, int index) {
        int backslashes = 0;
        for (int i = index - 1; i >= 0 && source.charAt(i) == '\\'; i--) {
            backslashes++;
        }
        return backslashes % 2 == 1;
    }

    private static int endOfLine(String source, int from) {
        int end = source.indexOf('\n', from);
        return end < 0 ? source.length() : end;
    }

    private static int newlines(String source, int from, int to) {
        int count = 0;
        for (int i = from; i < to; i++) {
            count += source.charAt(i) == '\n' ? 1 : 0;
        }
        return count;
    }
}
