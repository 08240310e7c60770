package dev.lightspeed.models;

/**
 * A run stopped because its caller asked it to (Ctrl-C on the command line), between two training steps. Every
 * file its folder holds is whole: the last complete epoch, if any, can be continued. The command line exits with
 * status 130, as a process stopped by SIGINT does.
 */
public final class RunInterrupted extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int epochsSaved;

    /**
     * @param message     where the run stopped and what its folder keeps
     * @param epochsSaved complete epochs the run folder keeps (0: nothing to continue)
     */
    public RunInterrupted(String message, int epochsSaved) {
        super(message);
        this.epochsSaved = epochsSaved;
    }

    /** Complete epochs the run folder keeps; the run continues from there. 0 when nothing was saved. */
    public int epochsSaved() {
        return epochsSaved;
    }
}
