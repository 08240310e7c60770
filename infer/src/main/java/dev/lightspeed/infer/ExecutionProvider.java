package dev.lightspeed.infer;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.lightspeed.models.InputError;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;

/** Where ONNX Runtime runs the graph; {@link #optionName} is how settings and reports name it. */
public enum ExecutionProvider {
    CPU("cpu", OrtProvider.CPU),
    CUDA("cuda", OrtProvider.CUDA),
    TENSORRT("tensorrt", OrtProvider.TENSOR_RT);

    private final String optionName;
    private final OrtProvider ortProvider;

    ExecutionProvider(String optionName, OrtProvider ortProvider) {
        this.optionName = optionName;
        this.ortProvider = ortProvider;
    }

    public String optionName() {
        return optionName;
    }

    public static ExecutionProvider parse(String name) {
        for (ExecutionProvider provider : values()) {
            if (provider.optionName.equalsIgnoreCase(name.strip())) {
                return provider;
            }
        }
        throw new InputError("unknown provider '" + name + "'; choose one of " + names(EnumSet.allOf(
                ExecutionProvider.class)));
    }

    /** The providers that this ONNX Runtime build was compiled with, in our names. */
    public static Set<ExecutionProvider> available() {
        EnumSet<OrtProvider> compiledIn = OrtEnvironment.getAvailableProviders();
        return Arrays.stream(values()).filter(p -> compiledIn.contains(p.ortProvider))
                .collect(Collectors.toCollection(() -> EnumSet.noneOf(ExecutionProvider.class)));
    }

    /**
     * Puts this provider first in the session's list; the CPU provider is always there behind it for any
     * operator a GPU provider does not take.
     */
    void addTo(OrtSession.SessionOptions options) {
        if (this == CPU) {
            return;
        }
        Set<ExecutionProvider> available = available();
        if (!available.contains(this)) {
            throw InputError.in("provider", "provider " + optionName + " is not available in this build; "
                    + "available: " + names(available) + " (GPU providers need the build made with the Maven "
                    + "profile cuda, which uses onnxruntime_gpu, on a machine with an NVIDIA GPU)");
        }
        try {
            if (this == TENSORRT) {
                options.addTensorrt(0);
                // TensorRT hands the nodes it cannot build back to the next provider; CUDA keeps them on the GPU.
                if (available.contains(CUDA)) {
                    options.addCUDA(0);
                }
            } else {
                options.addCUDA(0);
            }
        } catch (OrtException e) {
            throw new InputError("provider " + optionName + " could not start on this machine ("
                    + OrtMessages.firstLine(e) + "); check the NVIDIA driver and CUDA libraries, or use "
                    + "the cpu provider", e);
        }
    }

    private static String names(Set<ExecutionProvider> providers) {
        return providers.stream().map(p -> p.optionName).collect(Collectors.joining(", "));
    }
}
