package dev.lightspeed.cli;

import dev.lightspeed.models.InputError;
import org.apache.commons.cli.CommandLine;

/** Typed flag values with one-line errors for malformed numbers. */
final class Arguments {

    private Arguments() {
    }

    static int intValue(CommandLine line, String name, int fallback, int minimum) {
        if (!line.hasOption(name)) {
            return fallback;
        }
        String raw = line.getOptionValue(name);
        int value;
        try {
            value = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new InputError("--" + name + " expects an integer, got '" + raw + "'");
        }
        if (value < minimum) {
            throw new InputError("--" + name + " must be at least " + minimum + ", got " + value);
        }
        return value;
    }

    static long longValue(CommandLine line, String name, long fallback) {
        if (!line.hasOption(name)) {
            return fallback;
        }
        String raw = line.getOptionValue(name);
        try {
            return Long.parseLong(raw.trim());
        } catch (NumberFormatException e) {
            throw new InputError("--" + name + " expects an integer, got '" + raw + "'");
        }
    }
}
