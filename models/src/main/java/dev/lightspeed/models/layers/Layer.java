package dev.lightspeed.models.layers;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.lightspeed.models.InputError;

import java.util.List;
import java.util.Locale;

/**
 * One layer of a network as a recipe writes it, in JSON an object whose {@code type} names the kind and whose other
 * fields (kebab case) its settings; optional settings take the defaults documented on each kind. The network is the
 * list of these, read in forward order ({@link dev.lightspeed.models.ArchitectureSpec#layers()}); {@link Block} and
 * {@link Residual} hold lists of their own. Layers that hold tensors have a {@code name}; a tensor is named by the
 * names of the blocks around it and its layer, joined by dots ({@code groups.0.conv1.weight}).
 */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "type")
@JsonSubTypes({
        @JsonSubTypes.Type(value = Layer.Whitening.class, name = "whitening"),
        @JsonSubTypes.Type(value = Layer.Conv.class, name = "conv"),
        @JsonSubTypes.Type(value = Layer.BatchNorm.class, name = "batchnorm"),
        @JsonSubTypes.Type(value = Layer.Activation.class, name = "activation"),
        @JsonSubTypes.Type(value = Layer.Pool.class, name = "pool"),
        @JsonSubTypes.Type(value = Layer.Residual.class, name = "residual"),
        @JsonSubTypes.Type(value = Layer.Block.class, name = "block"),
        @JsonSubTypes.Type(value = Layer.GlobalPool.class, name = "global-pool"),
        @JsonSubTypes.Type(value = Layer.Linear.class, name = "linear")})
public sealed interface Layer {

    /** The kinds' names in JSON, for messages. */
    List<String> TYPES = List.of("whitening", "conv", "batchnorm", "activation", "pool", "residual", "block",
            "global-pool", "linear");

    /**
     * The input stem of airbench: a k×k conv, without padding, whose filters are fitted to the training images
     * rather than learned (each eigenvector of the k×k patch covariance scaled by 1/√(eigenvalue + eps), and its
     * negation: 2·channels·k² outputs), with a learned bias that trains for the first {@code biasEpochs} epochs.
     *
     * @param samples training images whose patches give the covariance (default 5000)
     */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    record Whitening(String name, Integer kernel, Double eps, Integer samples, Integer biasEpochs) implements Layer {

        public Whitening {
            name = named(name, "whitening");
            kernel = positive(kernel, 2, "whitening " + name + ": kernel");
            eps = eps == null ? 5e-4 : eps;
            require(eps > 0 && Double.isFinite(eps), "whitening " + name + ": eps must be a positive number");
            samples = positive(samples, 5000, "whitening " + name + ": samples");
            biasEpochs = biasEpochs == null ? 3 : biasEpochs;
            require(biasEpochs >= 0, "whitening " + name + ": bias-epochs must not be negative");
        }

        /** Filters of images with {@code channels} planes: every principal component and its negation. */
        public int width(int channels) {
            return 2 * channels * kernel * kernel;
        }
    }

    /**
     * A 2-D convolution.
     *
     * @param kernel  side of the filters (default 3)
     * @param stride  default 1
     * @param padding zero padding on each side (default kernel / 2, which keeps the map's size at stride 1)
     * @param bias    whether it adds a learned bias (default false: a batchnorm usually follows)
     * @param init    {@code fan-in} (default: PyTorch's uniform ±1/√fan-in) or {@code dirac} (as fan-in, then the
     *                first filters pass their input channel through unchanged, as airbench starts its convs)
     */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    record Conv(String name, int width, Integer kernel, Integer stride, Integer padding, Boolean bias, String init)
            implements Layer {

        public static final String FAN_IN = "fan-in";
        public static final String DIRAC = "dirac";

        public Conv {
            name = named(name, "conv");
            require(width > 0, "conv " + name + ": width must be positive, got " + width);
            kernel = positive(kernel, 3, "conv " + name + ": kernel");
            stride = positive(stride, 1, "conv " + name + ": stride");
            padding = padding == null ? kernel / 2 : padding;
            require(padding >= 0, "conv " + name + ": padding must not be negative");
            bias = bias != null && bias;
            init = oneOf(init == null ? FAN_IN : init, List.of(FAN_IN, DIRAC), "conv " + name + ": init");
        }

        public Conv withWidth(int newWidth) {
            return new Conv(name, newWidth, kernel, stride, padding, bias, init);
        }
    }

    /**
     * Batch normalization over each channel: batch statistics in training, running averages in evaluation.
     *
     * @param momentum weight of each batch in the running averages, PyTorch's convention (default 0.1)
     * @param scale    {@code learned} (default: a per-channel scale, initialised to 1) or {@code frozen} (fixed at 1,
     *                 as airbench has it); the shift is always learned
     */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    record BatchNorm(String name, Double eps, Double momentum, String scale) implements Layer {

        public static final String LEARNED = "learned";
        public static final String FROZEN = "frozen";

        public BatchNorm {
            name = named(name, "batchnorm");
            eps = eps == null ? 1e-5 : eps;
            require(eps > 0 && Double.isFinite(eps), "batchnorm " + name + ": eps must be a positive number");
            momentum = momentum == null ? 0.1 : momentum;
            require(momentum >= 0 && momentum <= 1, "batchnorm " + name + ": momentum must be in [0, 1], got "
                    + momentum);
            scale = oneOf(scale == null ? LEARNED : scale, List.of(LEARNED, FROZEN), "batchnorm " + name + ": scale");
        }

        public boolean learnsScale() {
            return LEARNED.equals(scale);
        }

        public BatchNorm with(Double newEps, Double newMomentum, String newScale) {
            return new BatchNorm(name, newEps == null ? eps : newEps, newMomentum == null ? momentum : newMomentum,
                    newScale == null ? scale : newScale);
        }
    }

    /**
     * An elementwise function.
     *
     * @param function {@code gelu} (exact, erf form), {@code relu}, {@code celu}, {@code silu} or {@code identity}
     * @param alpha    CELU's α (default 1); other functions take none
     */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Activation(String function, Double alpha) implements Layer {

        public static final List<String> FUNCTIONS = List.of("gelu", "relu", "celu", "silu", "identity");

        public Activation {
            function = oneOf(function, FUNCTIONS, "activation: function");
            require(alpha == null || "celu".equals(function), "activation " + function + " takes no alpha");
            alpha = "celu".equals(function) ? (alpha == null ? 1.0 : alpha) : null;
            require(alpha == null || (alpha > 0 && Double.isFinite(alpha)), "activation celu: alpha must be positive");
        }

        public static Activation of(String function) {
            return new Activation(function, null);
        }
    }

    /**
     * A pooling window of {@code size}×{@code size} moved by its own size.
     *
     * @param mode {@code max} or {@code average}
     */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    record Pool(String mode, int size) implements Layer {

        public Pool {
            mode = oneOf(mode, List.of("max", "average"), "pool: mode");
            require(size >= 1, "pool: size must be positive, got " + size);
        }

        public boolean max() {
            return "max".equals(mode);
        }
    }

    /** {@code x + body(x)}: the body must leave the channels and the map's size as they were. */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    record Residual(String name, List<Layer> body) implements Layer {

        public Residual {
            name = named(name, "residual");
            require(body != null && !body.isEmpty(), "residual " + name + ": body needs at least one layer");
            body = List.copyOf(body);
        }
    }

    /** A named run of layers: it only prefixes the names of the tensors inside it. */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    record Block(String name, List<Layer> layers) implements Layer {

        public Block {
            name = named(name, "block");
            require(layers != null && !layers.isEmpty(), "block " + name + ": layers needs at least one layer");
            layers = List.copyOf(layers);
        }
    }

    /**
     * Pools the whole feature map to one value per channel, whatever its size.
     *
     * @param mode {@code max} or {@code average}
     */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    record GlobalPool(String mode) implements Layer {

        public GlobalPool {
            mode = oneOf(mode, List.of("max", "average"), "global-pool: mode");
        }

        public boolean max() {
            return "max".equals(mode);
        }
    }

    /**
     * The classifier: one logit per class from a 1×1 feature map, multiplied by {@code scale}.
     *
     * @param bias  default false
     * @param scale the logits' multiplier, a fixed temperature (default 1)
     * @param init  {@code fan-in} (default) or {@code unit-std} (fan-in, then rescaled to unit standard deviation, as
     *              airbench starts its head)
     */
    @JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
    record Linear(String name, Boolean bias, Double scale, String init) implements Layer {

        public static final String UNIT_STD = "unit-std";

        public Linear {
            name = named(name, "linear");
            bias = bias != null && bias;
            scale = scale == null ? 1.0 : scale;
            require(scale > 0 && Double.isFinite(scale), "linear " + name + ": scale must be a positive number");
            init = oneOf(init == null ? Conv.FAN_IN : init, List.of(Conv.FAN_IN, UNIT_STD), "linear " + name
                    + ": init");
        }
    }

    private static String named(String name, String kind) {
        require(name != null && !name.isBlank(), "a " + kind + " layer needs a name");
        require(!name.startsWith(".") && !name.endsWith(".") && !name.contains(".."),
                kind + " '" + name + "': a name is words joined by single dots");
        return name;
    }

    private static Integer positive(Integer value, int fallback, String what) {
        int v = value == null ? fallback : value;
        require(v > 0, what + " must be positive, got " + v);
        return v;
    }

    private static String oneOf(String value, List<String> allowed, String what) {
        String v = value == null ? null : value.toLowerCase(Locale.ROOT);
        require(v != null && allowed.contains(v), what + " must be one of " + String.join(", ", allowed)
                + ", got " + (value == null ? "nothing" : "'" + value + "'"));
        return v;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new InputError(message);
        }
    }
}
