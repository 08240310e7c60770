package dev.lightspeed.train;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Peak resident memory of this process per interval, from Linux's VmHWM, which writing "5" to
 * /proc/self/clear_refs resets. Elsewhere it reports 0 (unknown).
 */
final class ResidentMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ResidentMemory() {
    }

    static void resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
        } catch (IOException | RuntimeException e) {
            // Not Linux, or not allowed: the peak then covers the process lifetime.
        }
    }

    static long peakBytes() {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }
}
