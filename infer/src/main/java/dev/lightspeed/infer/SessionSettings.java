package dev.lightspeed.infer;

import dev.lightspeed.models.InputError;

/**
 * How to run a model.
 *
 * @param provider where the graph runs
 * @param threads  intra-op threads of the CPU provider; 0 means one per available processor. (ONNX Runtime's own
 *                 default counts physical cores from the CPU's topology, which virtual machines often hide, so
 *                 that it can leave processors idle.)
 */
public record SessionSettings(ExecutionProvider provider, int threads) {

    public SessionSettings {
        if (threads < 0) {
            throw InputError.in("threads", "threads must be 0 (one per processor) or more, got " + threads);
        }
        if (threads == 0) {
            threads = Runtime.getRuntime().availableProcessors();
        }
    }

    public static SessionSettings cpu() {
        return new SessionSettings(ExecutionProvider.CPU, 0);
    }
}
