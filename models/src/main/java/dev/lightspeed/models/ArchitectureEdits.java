package dev.lightspeed.models;

import dev.lightspeed.models.layers.Layer;
import dev.lightspeed.models.layers.NetworkLayout;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * The questions a study asks of a network, each one named edit of its layer list that {@code --set} and a sweep's
 * grid take like any hyperparameter ({@code activation=relu}, {@code whitening=off}): an ablation is then one axis.
 * Each edit applies to every layer of its kind; an edit that finds no layer to change is refused rather than ignored,
 * so that a study never compares a network with itself.
 */
public final class ArchitectureEdits {

    private interface Edit {
        List<Layer> apply(List<Layer> layers, int inputChannels, String value);
    }

    private static final Map<String, Edit> EDITS = new LinkedHashMap<>();

    static {
        EDITS.put("activation", (layers, channels, value) -> {
            String function = choice("activation", value, Layer.Activation.FUNCTIONS);
            return map(layers, "activation", l -> l instanceof Layer.Activation ? Layer.Activation.of(function) : l);
        });
        EDITS.put("whitening", (layers, channels, value) -> {
            boolean on = onOff("whitening", value);
            if (!(layers.get(0) instanceof Layer.Whitening w)) {
                throw InputError.in("whitening", "whitening: this network has no whitening stem to turn "
                        + (on ? "on" : "off"));
            }
            if (on) {
                return layers;
            }
            List<Layer> edited = new ArrayList<>(layers);
            // As wide as the stem for the recipe's images; fitting it to data of other channels keeps this width.
            edited.set(0, new Layer.Conv(w.name(), w.width(channels), w.kernel(), 1, 0, true, Layer.Conv.FAN_IN));
            return edited;
        });
        EDITS.put("batchnorm-scale", (layers, channels, value) -> {
            String scale = choice("batchnorm-scale", value, List.of(Layer.BatchNorm.LEARNED, Layer.BatchNorm.FROZEN));
            return map(layers, "batchnorm", l -> l instanceof Layer.BatchNorm b ? b.with(null, null, scale) : l);
        });
        EDITS.put("batchnorm-momentum", (layers, channels, value) -> {
            double momentum = number("batchnorm-momentum", value);
            return map(layers, "batchnorm", l -> l instanceof Layer.BatchNorm b ? b.with(null, momentum, null) : l);
        });
        EDITS.put("batchnorm-eps", (layers, channels, value) -> {
            double eps = number("batchnorm-eps", value);
            return map(layers, "batchnorm", l -> l instanceof Layer.BatchNorm b ? b.with(eps, null, null) : l);
        });
        EDITS.put("width-scale", (layers, channels, value) -> {
            double scale = number("width-scale", value);
            if (!(scale > 0 && Double.isFinite(scale))) {
                throw InputError.in("width-scale", "width-scale must be a positive number, got " + value);
            }
            return map(layers, "conv", l -> l instanceof Layer.Conv c
                    ? c.withWidth((int) Math.max(1, Math.round(c.width() * scale))) : l);
        });
        EDITS.put("block-widths", (layers, channels, value) -> {
            String[] parts = value.replace('[', ' ').replace(']', ' ').trim().split("\\s*[,/]\\s*");
            List<Integer> blocks = new ArrayList<>();
            for (int i = 0; i < layers.size(); i++) {
                if (layers.get(i) instanceof Layer.Block b && NetworkLayout.flattened(b.layers()).stream()
                        .anyMatch(l -> l instanceof Layer.Conv)) {
                    blocks.add(i);
                }
            }
            if (parts.length != blocks.size()) {
                throw InputError.in("block-widths", "block-widths needs one width per block of convs, "
                        + blocks.size() + " here (separated by commas or slashes), got '" + value + "'");
            }
            List<Layer> edited = new ArrayList<>(layers);
            for (int b = 0; b < blocks.size(); b++) {
                int width = integer("block-widths", parts[b]);
                if (width < 1) {
                    throw InputError.in("block-widths", "block-widths must be positive, got '" + value + "'");
                }
                Layer.Block block = (Layer.Block) layers.get(blocks.get(b));
                edited.set(blocks.get(b), new Layer.Block(block.name(), mapAll(block.layers(),
                        l -> l instanceof Layer.Conv c ? c.withWidth(width) : l)));
            }
            return edited;
        });
        EDITS.put("residual", (layers, channels, value) -> {
            boolean on = onOff("residual", value);
            return map(layers, "residual", l -> l instanceof Layer.Residual r && !on
                    ? new Layer.Block(r.name(), r.body()) : l);
        });
        EDITS.put("whitening-eps", (layers, channels, value) -> whitening(layers, "whitening-eps",
                w -> new Layer.Whitening(w.name(), w.kernel(), number("whitening-eps", value), w.samples(),
                        w.biasEpochs())));
        EDITS.put("whitening-samples", (layers, channels, value) -> whitening(layers, "whitening-samples",
                w -> new Layer.Whitening(w.name(), w.kernel(), w.eps(), integer("whitening-samples", value),
                        w.biasEpochs())));
        EDITS.put("whiten-bias-epochs", (layers, channels, value) -> whitening(layers, "whiten-bias-epochs",
                w -> new Layer.Whitening(w.name(), w.kernel(), w.eps(), w.samples(),
                        integer("whiten-bias-epochs", value))));
    }

    private ArchitectureEdits() {
    }

    /** The edits' names. */
    public static List<String> names() {
        return List.copyOf(EDITS.keySet());
    }

    /** {@code spec} with the edit {@code name} applied with {@code value}. */
    static ArchitectureSpec apply(ArchitectureSpec spec, String name, String value) {
        return spec.withLayers(EDITS.get(name).apply(spec.layers(), spec.inputChannels(), value));
    }

    private static List<Layer> whitening(List<Layer> layers, String name, UnaryOperator<Layer.Whitening> change) {
        if (!(layers.get(0) instanceof Layer.Whitening w)) {
            throw InputError.in(name, name + ": this network has no whitening stem");
        }
        List<Layer> edited = new ArrayList<>(layers);
        edited.set(0, change.apply(w));
        return edited;
    }

    /** Every layer through {@code change}, blocks and residual bodies included; refuses when no layer is of kind. */
    private static List<Layer> map(List<Layer> layers, String kind, UnaryOperator<Layer> change) {
        boolean found = NetworkLayout.flattened(layers).stream().anyMatch(l -> kind.equals(kindOf(l)));
        if (!found) {
            throw new InputError("this network has no " + kind + " layer to change");
        }
        return mapAll(layers, change);
    }

    private static List<Layer> mapAll(List<Layer> layers, UnaryOperator<Layer> change) {
        List<Layer> out = new ArrayList<>();
        for (Layer layer : layers) {
            Layer inner = layer;
            if (layer instanceof Layer.Block b) {
                inner = new Layer.Block(b.name(), mapAll(b.layers(), change));
            } else if (layer instanceof Layer.Residual r) {
                inner = new Layer.Residual(r.name(), mapAll(r.body(), change));
            }
            out.add(change.apply(inner));
        }
        return out;
    }

    private static String kindOf(Layer layer) {
        if (layer instanceof Layer.Activation) {
            return "activation";
        } else if (layer instanceof Layer.BatchNorm) {
            return "batchnorm";
        } else if (layer instanceof Layer.Conv) {
            return "conv";
        } else if (layer instanceof Layer.Residual) {
            return "residual";
        }
        return "other";
    }

    private static String choice(String name, String value, List<String> allowed) {
        String v = value.toLowerCase(Locale.ROOT);
        if (!allowed.contains(v)) {
            throw InputError.in(name, name + " must be one of " + String.join(", ", allowed) + ", got '" + value + "'");
        }
        return v;
    }

    private static boolean onOff(String name, String value) {
        return choice(name, value, List.of("on", "off")).equals("on");
    }

    private static double number(String name, String value) {
        try {
            return Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw InputError.in(name, name + " expects a number, got '" + value + "'");
        }
    }

    private static int integer(String name, String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw InputError.in(name, name + " expects an integer, got '" + value + "'");
        }
    }
}
