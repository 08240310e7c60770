package dev.lightspeed.models.layers;

import dev.lightspeed.models.InputError;
import dev.lightspeed.models.layers.TensorSpec.Init;
import dev.lightspeed.models.layers.TensorSpec.Role;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A layer list resolved against images of {@code channels} planes of {@code size}² pixels and a number of classes:
 * the nodes an engine walks and every tensor in forward order. Building it checks that the list fits: every map stays
 * at least 1×1, every residual body keeps its input's shape, a whitening stem comes first if at all, and the list ends
 * in a linear head on a 1×1 map. A list that does not fit is an {@link InputError} naming the layer.
 */
public final class NetworkLayout {

    private final List<Node> nodes;
    private final Map<String, TensorSpec> tensors = new LinkedHashMap<>();

    private int channels;
    private int size;

    private NetworkLayout(List<Layer> layers, int channels, int size, int classes) {
        this.channels = channels;
        this.size = size;
        if (layers == null || layers.isEmpty()) {
            throw new InputError("layers must list the network's layers, ending with a linear head");
        }
        List<Node> top = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String where = "layers[" + i + "] (" + describe(layer) + ")";
            if (layer instanceof Layer.Whitening && i > 0) {
                throw new InputError(where + ": a whitening stem must be the first layer");
            }
            if (layer instanceof Layer.Linear linear) {
                if (i != layers.size() - 1) {
                    throw new InputError(where + ": the linear head must be the last layer");
                }
                top.add(head(linear, classes, where));
            } else if (layer instanceof Layer.Block block) {
                resolveAll(block.layers(), block.name() + ".", block.name(), top);
            } else {
                top.add(resolve(layer, "", where));
            }
        }
        if (!(layers.get(layers.size() - 1) instanceof Layer.Linear)) {
            throw new InputError("layers must end with a linear head (type linear), after a global-pool");
        }
        this.nodes = List.copyOf(top);
    }

    /** Resolves {@code layers} for images of {@code channels}×{@code size}×{@code size} in {@code classes} classes. */
    public static NetworkLayout of(List<Layer> layers, int channels, int size, int classes) {
        return new NetworkLayout(layers, channels, size, classes);
    }

    public List<Node> nodes() {
        return nodes;
    }

    /** Every tensor, in forward order. */
    public List<TensorSpec> tensors() {
        return List.copyOf(tensors.values());
    }

    private Node resolve(Layer layer, String prefix, String where) {
        if (layer instanceof Layer.Whitening w) {
            return whiten(w, prefix + w.name(), where);
        } else if (layer instanceof Layer.Conv c) {
            return conv(c, prefix + c.name(), where);
        } else if (layer instanceof Layer.BatchNorm b) {
            return norm(b, prefix + b.name());
        } else if (layer instanceof Layer.Activation a) {
            return new Node.Activation(a);
        } else if (layer instanceof Layer.Pool p) {
            return pool(p, where);
        } else if (layer instanceof Layer.GlobalPool g) {
            size = 1;
            return new Node.GlobalPool(g);
        } else if (layer instanceof Layer.Residual r) {
            return residual(r, prefix + r.name() + ".");
        }
        throw new InputError(where + ": the linear head must be the last layer");
    }

    /** Resolves a list inside a block or residual, flattening blocks into the list. */
    private void resolveAll(List<Layer> layers, String prefix, String parent, List<Node> into) {
        for (int i = 0; i < layers.size(); i++) {
            Layer layer = layers.get(i);
            String where = parent + "[" + i + "] (" + describe(layer) + ")";
            if (layer instanceof Layer.Whitening) {
                throw new InputError(where + ": a whitening stem must be the first layer of the network");
            }
            if (layer instanceof Layer.Block block) {
                resolveAll(block.layers(), prefix + block.name() + ".", prefix + block.name(), into);
            } else {
                into.add(resolve(layer, prefix, where));
            }
        }
    }

    private Node whiten(Layer.Whitening w, String name, String where) {
        int k = w.kernel();
        if (size - k + 1 < 1) {
            throw new InputError(where + ": its " + k + "×" + k + " kernel does not fit " + size + "×" + size
                    + " images");
        }
        int width = w.width(channels);
        String weight = add(name + ".weight", new long[] {width, channels, k, k}, Role.WHITENING_FILTER, Init.ZEROS, 0);
        String bias = add(name + ".bias", new long[] {width}, Role.WHITENING_BIAS, Init.UNIFORM,
                1 / Math.sqrt((double) channels * k * k));
        Node node = new Node.Whiten(w, weight, bias, channels, width);
        channels = width;
        size = size - k + 1;
        return node;
    }

    private Node conv(Layer.Conv c, String name, String where) {
        int k = c.kernel();
        int out = (size + 2 * c.padding() - k) / c.stride() + 1;
        if (size + 2 * c.padding() < k || out < 1) {
            throw new InputError(where + ": its " + k + "×" + k + " kernel does not fit the " + size + "×" + size
                    + " map it gets; use larger images or fewer pools before it");
        }
        double bound = 1 / Math.sqrt((double) channels * k * k);
        String weight = add(name + ".weight", new long[] {c.width(), channels, k, k}, Role.FILTER,
                Layer.Conv.DIRAC.equals(c.init()) ? Init.DIRAC : Init.UNIFORM, bound);
        String bias = c.bias() ? add(name + ".bias", new long[] {c.width()}, Role.NORM, Init.UNIFORM, bound) : null;
        Node node = new Node.Conv(c, weight, bias, channels, c.width());
        channels = c.width();
        size = out;
        return node;
    }

    private Node norm(Layer.BatchNorm b, String name) {
        long[] shape = {channels};
        String scale = b.learnsScale() ? add(name + ".weight", shape, Role.NORM, Init.ONES, 0) : null;
        String shift = add(name + ".bias", shape, Role.NORM, Init.ZEROS, 0);
        String mean = add(name + ".running_mean", shape, Role.STATISTIC, Init.ZEROS, 0);
        String var = add(name + ".running_var", shape, Role.STATISTIC, Init.ONES, 0);
        return new Node.Norm(b, scale, shift, mean, var, channels);
    }

    private Node pool(Layer.Pool p, String where) {
        if (size / p.size() < 1) {
            throw new InputError(where + ": a " + p.size() + "×" + p.size() + " pool shrinks the " + size + "×" + size
                    + " map below 1×1; use larger images, a smaller pool or fewer pools");
        }
        size /= p.size();
        return new Node.Pool(p);
    }

    private Node residual(Layer.Residual r, String prefix) {
        int inChannels = channels;
        int inSize = size;
        List<Node> body = new ArrayList<>();
        resolveAll(r.body(), prefix, prefix.substring(0, prefix.length() - 1), body);
        if (channels != inChannels || size != inSize) {
            throw new InputError("residual " + r.name() + ": its body turns " + inChannels + " channels of "
                    + inSize + "×" + inSize + " into " + channels + " of " + size + "×" + size
                    + "; a residual body must keep its input's width and size");
        }
        return new Node.Residual(prefix.substring(0, prefix.length() - 1), List.copyOf(body));
    }

    private Node head(Layer.Linear l, int classes, String where) {
        if (size != 1) {
            throw new InputError(where + ": the head needs a 1×1 map, the layers before it leave " + size + "×"
                    + size + "; put a global-pool before it");
        }
        double bound = 1 / Math.sqrt(channels);
        String weight = add(l.name() + ".weight", new long[] {classes, channels}, Role.HEAD,
                Layer.Linear.UNIT_STD.equals(l.init()) ? Init.UNIT_STD : Init.UNIFORM, bound);
        String bias = l.bias() ? add(l.name() + ".bias", new long[] {classes}, Role.HEAD, Init.UNIFORM, bound) : null;
        return new Node.Head(l, weight, bias, channels, classes);
    }

    private String add(String name, long[] shape, Role role, Init init, double bound) {
        if (tensors.containsKey(name)) {
            throw new InputError("two layers name the tensor " + name + "; give each layer its own name");
        }
        tensors.put(name, new TensorSpec(name, shape, role, init, bound));
        return name;
    }

    /** The layer's kind and name, for messages. */
    static String describe(Layer layer) {
        if (layer instanceof Layer.Whitening w) {
            return "whitening " + w.name();
        } else if (layer instanceof Layer.Conv c) {
            return "conv " + c.name();
        } else if (layer instanceof Layer.BatchNorm b) {
            return "batchnorm " + b.name();
        } else if (layer instanceof Layer.Activation a) {
            return "activation " + a.function();
        } else if (layer instanceof Layer.Pool p) {
            return p.mode() + " pool " + p.size();
        } else if (layer instanceof Layer.GlobalPool g) {
            return "global " + g.mode() + " pool";
        } else if (layer instanceof Layer.Residual r) {
            return "residual " + r.name();
        } else if (layer instanceof Layer.Block b) {
            return "block " + b.name();
        }
        return "linear " + ((Layer.Linear) layer).name();
    }

    /** The layers in forward order with blocks and residual bodies opened, for edits that touch every layer. */
    public static List<Layer> flattened(List<Layer> layers) {
        List<Layer> all = new ArrayList<>();
        for (Layer layer : layers) {
            all.add(layer);
            if (layer instanceof Layer.Block b) {
                all.addAll(flattened(b.layers()));
            } else if (layer instanceof Layer.Residual r) {
                all.addAll(flattened(r.body()));
            }
        }
        return Collections.unmodifiableList(all);
    }
}
