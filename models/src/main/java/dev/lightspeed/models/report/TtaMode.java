package dev.lightspeed.models.report;

import com.fasterxml.jackson.annotation.JsonValue;

/** Whether and how an evaluation scored test-time augmentation. */
public enum TtaMode {
    /** Each image scored once. */
    NONE("none", 0),
    /** The model's graph averages the views itself (exported with --tta). */
    IN_GRAPH("graph", Level.AUGMENTED),
    /** The six views fed to a plain model and averaged here. */
    VIEWS("views", Level.AUGMENTED);

    /** Enum constants cannot read a static field of their own enum, hence the holder. */
    private static final class Level {
        /** The trainer's level 2 (mirror and 1-pixel shifts), which the TTA graph and the fed views compute. */
        static final int AUGMENTED = 2;
    }

    private final String label;
    private final int level;

    TtaMode(String label, int level) {
        this.label = label;
        this.level = level;
    }

    @JsonValue
    public String label() {
        return label;
    }

    public int level() {
        return level;
    }
}
