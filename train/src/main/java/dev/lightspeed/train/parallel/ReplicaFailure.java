package dev.lightspeed.train.parallel;

/**
 * Another replica of a data-parallel run stopped, hung or never joined, so this one cannot go on: the message is
 * one line naming the rank and the reason.
 */
public final class ReplicaFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public ReplicaFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
