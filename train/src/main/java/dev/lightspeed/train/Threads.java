package dev.lightspeed.train;

import dev.lightspeed.models.InputError;
import org.bytedeco.pytorch.global.torch;

/** libtorch's intra-op thread pool; it starts with one thread unless told otherwise. */
public final class Threads {

    private Threads() {
    }

    /** Uses {@code requested} threads, or every available processor when it is 0. */
    public static int configure(int requested) {
        if (requested < 0) {
            throw InputError.in("threads", "threads must be positive (or 0 for all " + available()
                    + " processors), got " + requested);
        }
        int threads = requested == 0 ? available() : requested;
        // This may be the first call into libtorch, before any ComputeDevice exists.
        NativeLibraries.extractAll();
        torch.set_num_threads(threads);
        return threads;
    }

    public static int available() {
        return Runtime.getRuntime().availableProcessors();
    }
}
