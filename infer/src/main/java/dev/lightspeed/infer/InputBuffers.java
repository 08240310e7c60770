package dev.lightspeed.infer;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;

/**
 * Native input memory for session calls, lent to one call at a time. ONNX Runtime reads a direct buffer in native
 * order in place; from a heap array it would copy every batch into a freshly allocated direct buffer, a cost that
 * shows against a fast (int8) model. Buffers come back after their call and serve the next one, so as many live as
 * calls have run at the same time, each as large as the largest batch it has held.
 */
final class InputBuffers {

    /** Most recently returned first, so that the buffers in use stay few and warm. */
    private final ConcurrentLinkedDeque<FloatBuffer> idle = new ConcurrentLinkedDeque<>();

    /** A cleared buffer of at least {@code floats} floats that no other call holds until {@link #giveBack}. */
    FloatBuffer borrow(int floats) {
        FloatBuffer buffer = idle.pollFirst();
        if (buffer == null || buffer.capacity() < floats) {
            // A buffer too small is dropped; the collector frees its native memory with it.
            buffer = ByteBuffer.allocateDirect(Math.multiplyExact(Float.BYTES, floats))
                    .order(ByteOrder.nativeOrder()).asFloatBuffer();
        }
        buffer.clear();
        return buffer;
    }

    void giveBack(FloatBuffer buffer) {
        idle.offerFirst(buffer);
    }
}
