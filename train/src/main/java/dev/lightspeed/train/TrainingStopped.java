package dev.lightspeed.train;

import dev.lightspeed.models.InputError;

/** A run that stopped early (Ctrl-C, non-finite loss): one line, like bad input, saying where and what was kept. */
public final class TrainingStopped extends InputError {

    private static final long serialVersionUID = 1L;

    public TrainingStopped(String message) {
        super(message);
    }
}
