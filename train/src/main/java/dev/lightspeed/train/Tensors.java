package dev.lightspeed.train;

import dev.lightspeed.models.TensorData;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.nio.FloatBuffer;

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
        // create() copies the array into a tensor of its own, so no further copy is needed on the CPU.
        return host.to(device.device(), ScalarType.Float);
    }

    static Tensor fromHost(long[] values, ComputeDevice device) {
        return Tensor.create(values, values.length).to(device.device(), ScalarType.Long);
    }

    /** Copies a tensor of any dtype or device back to the host as float32. */
    static TensorData toHost(Tensor tensor) {
        Tensor host = tensor.detach().to(new Device("cpu"), ScalarType.Float).contiguous();
        long[] shape = host.shape();
        float[] values = new float[(int) host.numel()];
        ((FloatBuffer) host.createBuffer()).get(values);
        return new TensorData(shape, values);
    }
}
