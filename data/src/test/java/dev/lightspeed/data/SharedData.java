package dev.lightspeed.data;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Real data kept beside the project (never in it): the folder named by the system property
 * {@code lightspeed.shared}, which the build sets to {@code ../shared}.
 */
final class SharedData {

    private SharedData() {
    }

    /** {@code shared/<name>}, or null when this machine does not have it. */
    static Path folder(String name) {
        String shared = System.getProperty("lightspeed.shared");
        if (shared == null || shared.isBlank()) {
            return null;
        }
        Path folder = Path.of(shared, name);
        return Files.isDirectory(folder) ? folder : null;
    }
}
