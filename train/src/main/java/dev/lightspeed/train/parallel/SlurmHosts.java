package dev.lightspeed.train.parallel;

import dev.lightspeed.models.InputError;

/**
 * Slurm's compressed host lists ({@code node[01-04,07],gpu3}), read as far as a launch needs: the first host, where
 * rank 0 runs, since Slurm gives task 0 to the allocation's first node.
 */
final class SlurmHosts {

    private SlurmHosts() {
    }

    static String first(String list) {
        String trimmed = list.trim();
        if (trimmed.isEmpty()) {
            throw new InputError("the Slurm host list is empty; launch with srun inside an allocation");
        }
        // The first entry ends at the first comma outside brackets.
        int depth = 0;
        int end = trimmed.length();
        for (int i = 0; i < trimmed.length(); i++) {
            char c = trimmed.charAt(i);
            if (c == '[') {
                depth++;
            } else if (c == ']') {
                depth--;
            } else if (c == ',' && depth == 0) {
                end = i;
                break;
            }
        }
        String entry = trimmed.substring(0, end);
        int open = entry.indexOf('[');
        if (open < 0) {
            return entry;
        }
        int close = entry.indexOf(']', open);
        if (close < 0) {
            throw new InputError("Slurm host list '" + list + "' has an unclosed '['");
        }
        String range = entry.substring(open + 1, close).split(",")[0];
        String start = range.split("-")[0];
        // Zero padding is kept as written: node[01-04] starts at node01.
        return entry.substring(0, open) + start + entry.substring(close + 1);
    }
}
