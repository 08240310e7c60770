package dev.lightspeed.infer;

import org.junit.jupiter.api.Test;

import java.nio.ByteOrder;
import java.nio.FloatBuffer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

class InputBuffersTest {

    @Test
    void buffersAreNativeMemoryThatOnnxRuntimeReadsInPlace() {
        FloatBuffer buffer = new InputBuffers().borrow(100);

        assertTrue(buffer.isDirect());
        assertEquals(ByteOrder.nativeOrder(), buffer.order());
        assertTrue(buffer.capacity() >= 100);
        assertEquals(0, buffer.position());
    }

    @Test
    void callsHoldingBuffersAtOnceGetDistinctOnes() {
        InputBuffers buffers = new InputBuffers();

        FloatBuffer first = buffers.borrow(10);
        FloatBuffer second = buffers.borrow(10);

        assertNotSame(first, second);
    }

    @Test
    void aReturnedBufferServesTheNextCallCleared() {
        InputBuffers buffers = new InputBuffers();
        FloatBuffer first = buffers.borrow(10);
        first.put(new float[7]).flip();
        buffers.giveBack(first);

        FloatBuffer again = buffers.borrow(8);

        assertSame(first, again);
        assertEquals(0, again.position());
        assertEquals(again.capacity(), again.limit());
    }

    @Test
    void aBufferTooSmallForTheCallIsReplaced() {
        InputBuffers buffers = new InputBuffers();
        FloatBuffer small = buffers.borrow(10);
        buffers.giveBack(small);

        FloatBuffer large = buffers.borrow(1000);

        assertNotSame(small, large);
        assertTrue(large.capacity() >= 1000);
    }
}
