package dev.lightspeed.train;

import java.nio.file.Path;

/** Where to write a run's trace, and which of its steps to profile. */
public record TraceRequest(Path file, ProfileSteps steps) {
}
