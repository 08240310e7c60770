package dev.lightspeed.train;

import dev.lightspeed.models.InputError;
import org.bytedeco.pytorch.Device;
import org.bytedeco.pytorch.DeviceOptional;
import org.bytedeco.pytorch.ScalarTypeOptional;
import org.bytedeco.pytorch.TensorOptions;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * Where tensors live and in which precision the network computes. Mixed precision keeps fp32 master weights
 * (and fp32 optimizer state) and casts the weights to {@link #computeType()} at each use; the images are stored
 * in it, so the whole forward pass runs in it and only the logits come back as fp32. {@code auto} picks bfloat16
 * on CUDA and on CPUs with native bf16 arithmetic, fp32 elsewhere.
 */
public final class ComputeDevice {

    static {
        NativeLibraries.extractAll();
    }

    private final String kind;
    private final Device device;
    private final ScalarType computeType;

    private ComputeDevice(String kind, ScalarType computeType) {
        this(kind, new Device(kind), computeType);
    }

    private ComputeDevice(String kind, Device device, ScalarType computeType) {
        this.kind = kind;
        this.device = device;
        this.computeType = computeType;
    }

    /**
     * The device of the process that is {@code localRank}-th on its machine in a data-parallel run: on CUDA its own
     * GPU (as torchrun's convention gives each local rank one), on the CPU the one CPU.
     */
    public ComputeDevice forLocalRank(int localRank) {
        if (!device.is_cuda()) {
            return this;
        }
        int gpus = (int) torch.cuda_device_count();
        if (localRank >= gpus) {
            throw new InputError("local rank " + localRank + " has no GPU of its own: this machine has " + gpus
                    + "; start at most " + gpus + " processes per machine");
        }
        return new ComputeDevice(kind, new Device("cuda:" + localRank), computeType);
    }

    /** {@code null} or "auto" picks CUDA when present, else the CPU. */
    public static ComputeDevice resolve(String requested, String precision) {
        String kind = requested == null ? "auto" : requested.toLowerCase(Locale.ROOT);
        if (kind.equals("auto")) {
            kind = torch.hasCUDA() ? "cuda" : "cpu";
        }
        if (!kind.equals("cpu") && !kind.equals("cuda")) {
            throw InputError.in("device", "device '" + requested + "' is not known; use cpu, cuda or auto");
        }
        if (kind.equals("cuda") && !torch.hasCUDA()) {
            throw InputError.in("device", "device cuda: this build or machine has no CUDA (build with -Pcuda on a"
                    + " machine with an NVIDIA GPU and driver); use cpu");
        }
        ScalarType type = switch (precision == null ? "auto" : precision.toLowerCase(Locale.ROOT)) {
            case "auto" -> kind.equals("cuda") || cpuHasBf16() ? ScalarType.BFloat16 : ScalarType.Float;
            case "bf16" -> ScalarType.BFloat16;
            case "fp32" -> ScalarType.Float;
            default -> throw InputError.in("precision", "precision '" + precision
                    + "' is not known; use auto, bf16 or fp32");
        };
        return new ComputeDevice(kind, type);
    }

    /** The CPU's own word on native bf16 arithmetic (AVX512_BF16 or AMX); without it bf16 is emulated and slow. */
    static boolean cpuHasBf16() {
        try {
            String flags = Files.readString(Path.of("/proc/cpuinfo"));
            return flags.contains(" avx512_bf16") || flags.contains(" amx_bf16");
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    public String kind() {
        return kind;
    }

    public Device device() {
        return device;
    }

    public ScalarType computeType() {
        return computeType;
    }

    public String precisionName() {
        return computeType == ScalarType.BFloat16 ? "bf16" : "fp32";
    }

    public TensorOptions options(ScalarType type) {
        return new TensorOptions().dtype(new ScalarTypeOptional(type)).device(new DeviceOptional(device));
    }

    /** Waits for queued kernels, so that host timers measure the work and not its launch. */
    public void synchronize() {
        if (device.is_cuda()) {
            torch.cuda_synchronize();
        }
    }

    @Override
    public String toString() {
        return kind + " (" + precisionName() + ")";
    }
}
