package dev.lightspeed.infer;

/** Whether and how an evaluation scored test-time augmentation. */
public enum TtaMode {
    /** Each image scored once. */
    NONE("none", 0),
    /** The model's graph averages the views itself (exported with --tta). */
    IN_GRAPH("graph", TtaViews.LEVEL),
    /** The six views fed to a plain model and averaged here. */
    VIEWS("views", TtaViews.LEVEL);

    private final String label;
    private final int level;

    TtaMode(String label, int level) {
        this.label = label;
        this.level = level;
    }

    public String label() {
        return label;
    }

    public int level() {
        return level;
    }
}
