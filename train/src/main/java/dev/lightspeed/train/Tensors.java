package dev.lightspeed.train;

import dev.lightspeed.models.TensorData;
import java.nio.FloatBuffer;
import org.bytedeco.pytorch.MemoryFormatOptional;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

/** Small conversions between host arrays and libtorch tensors. */
final class Tensors {

    private Tensors() {
    }

    static Scalar scalar(double value) {
        return new Scalar(value);
    }

    /** A float32 tensor on {@code device} holding a copy of {@code data}. */
    static Tensor fromHost(TensorData data, ComputeDevice device) {
        Tensor host = Tensor.create(data.values(), data.shape());
        // create() may share the Java array's copy; clone so that the device tensor owns its memory.
        return host.to(device.device(), ScalarType.Float).clone(new MemoryFormatOptional());
    }

    static Tensor fromHost(long[] values, ComputeDevice device) {
        return Tensor.create(values, values.length).to(device.device(), ScalarType.Long)
                .clone(new MemoryFormatOptional());
    }

    /** Copies a tensor of any dtype or device back to the host as float32. */
    static TensorData toHost(Tensor tensor) {
        Tensor host = tensor.detach().to(new org.bytedeco.pytorch.Device("cpu"), ScalarType.Float).contiguous();
        long[] shape = host.shape();
        float[] values = new float[(int) host.numel()];
        ((FloatBuffer) host.createBuffer()).get(values);
        return new TensorData(shape, values);
    }

    static double item(Tensor tensor) {
        return tensor.item().toDouble();
    }
}
