package dev.lightspeed.train;

import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;

/**
 * A scope for the intermediate tensors of a one-time computation (uploading a split, fitting the whitening,
 * preparing the augmentation): they are freed when it closes, while the results it {@link #keep}s live on in the
 * enclosing scope (the run's). Without it, the intermediates of the run's setup, several times the size of the
 * training images, would belong to the run's scope and stay allocated until the run ends (measured: about
 * 4 GiB of a run's peak; BENCHMARKS.md).
 */
final class Temporaries implements AutoCloseable {

    private final PointerScope enclosing = PointerScope.getInnerScope();
    private final PointerScope own = new PointerScope();

    /** {@code result} survives this scope: it is released with the enclosing scope, or by the garbage collector. */
    <T extends Pointer> T keep(T result) {
        if (enclosing != null) {
            enclosing.attach(result);
        } else {
            result.retainReference();
        }
        return result;
    }

    @Override
    public void close() {
        own.close();
    }
}
