package dev.lightspeed.models.report;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.lightspeed.models.TestTimeAugmentation;

/** Whether and how an evaluation scored test-time augmentation. */
public enum TtaMode {
    /** Each image scored once. */
    NONE("none", 0),
    /** The model's graph averages the views itself (exported with --tta). */
    IN_GRAPH("graph", TestTimeAugmentation.MAX_LEVEL),
    /** The views of the fullest level fed to a plain model and averaged by the scorer. */
    VIEWS("views", TestTimeAugmentation.MAX_LEVEL);

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
