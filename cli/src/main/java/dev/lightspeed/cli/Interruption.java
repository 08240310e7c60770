package dev.lightspeed.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Ctrl-C during training: the JVM's shutdown hook asks the training loop to stop at the next step and waits
 * (bounded) until the loop has left its files in a clean state, instead of dying mid-write.
 */
final class Interruption implements AutoCloseable {

    private static final long GRACE_SECONDS = 60;

    private volatile boolean requested;
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

    static Interruption install() {
        Interruption interruption = new Interruption();
        Runtime.getRuntime().addShutdownHook(interruption.hook);
        return interruption;
    }

    boolean requested() {
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
