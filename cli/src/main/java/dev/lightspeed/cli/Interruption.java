package dev.lightspeed.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C during a command that stops on request (train, sweep): the JVM's shutdown hook asks the training loop to
 * stop at its next step and waits (bounded) until the command has ended, its files whole and its last line
 * printed, instead of dying mid-write. The process then exits with status 130, as one stopped by SIGINT does.
 */
final class Interruption implements AutoCloseable {

    private static final long GRACE_SECONDS = 60;

    /** Set by the hook of the command that is running; one command runs at a time in a process. */
    private static volatile boolean requested;

    private final CountDownLatch finished = new CountDownLatch(1);
    private final Thread hook;

    private Interruption() {
        hook = new Thread(() -> {
            requested = true;
            try {
                finished.await(GRACE_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "lightspeed-interrupt");
    }

    /** Installed by {@link Main} around a command; closing it lets a requested shutdown go on. */
    static Interruption install() {
        requested = false;
        Interruption interruption = new Interruption();
        Runtime.getRuntime().addShutdownHook(interruption.hook);
        return interruption;
    }

    /** Whether Ctrl-C asked the running command to stop; what a training run polls before each step. */
    static boolean requested() {
        return requested;
    }

    @Override
    public void close() {
        finished.countDown();
        if (!requested) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutdown already under way.
            }
        }
    }
}
