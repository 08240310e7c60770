package dev.lightspeed.models.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Locale;

/** How a run ended, as summary.json says it. */
public enum RunStatus {
    /** Every epoch trained and was evaluated. */
    FINISHED,
    /** The loss stopped being a finite number; the run stopped at that step. A result, not a crash. */
    DIVERGED;

    @JsonValue
    public String label() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** Reads the label; a summary written before runs had a status finished (it had no other way to end). */
    @JsonCreator
    public static RunStatus of(String label) {
        return label == null ? FINISHED : valueOf(label.toUpperCase(Locale.ROOT));
    }
}
