package dev.lightspeed.infer;

import dev.lightspeed.models.InputError;

/**
 * How to run a model.
 *
 * @param provider where the graph runs
 * @param threads  intra-op threads of the CPU provider; 0 lets ONNX Runtime use one per physical core
 */
public record SessionSettings(ExecutionProvider provider, int threads) {

    public SessionSettings {
        if (threads < 0) {
            throw new InputError("--threads must be 0 (one per core) or more, got " + threads);
        }
    }

    public static SessionSettings cpu() {
        return new SessionSettings(ExecutionProvider.CPU, 0);
    }
}
