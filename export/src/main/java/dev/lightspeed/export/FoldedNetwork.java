package dev.lightspeed.export;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.Node;

import java.util.ArrayList;
import java.util.List;

/**
 * A checkpoint's network rearranged for inference, computing exactly the trained network in eval mode with fewer
 * operations. One pass over {@link ArchitectureSpec#nodes()} carries each per-channel affine map (the input
 * normalization, every batchnorm) forward until it can be folded exactly:
 * <ul>
 * <li>into the conv whose output it maps, when only pools it commutes with sit between them (an average pool
 *     always, a max pool when every scale is positive); conv biases are folded through;</li>
 * <li>else into the next conv when that conv has no padding (the whitening stem, a plain 0-padded conv), or into
 *     the head;</li>
 * <li>else it is an explicit {@link FoldedStep.Affine} where it stands: before a pool it does not commute with, an
 *     activation, a padded conv (the input normalization of a network whose first conv pads), or a residual
 *     branch.</li>
 * </ul>
 * The head's output scale is folded into its weight and bias.
 *
 * @param steps the forward pass, first step first
 */
record FoldedNetwork(ArchitectureSpec spec, List<FoldedStep> steps) {

    /** The explicit form of the input normalization, when it cannot be folded. */
    static final String NORMALIZE = "normalize";

    FoldedNetwork {
        steps = List.copyOf(steps);
    }

    static FoldedNetwork of(Checkpoint checkpoint) {
        requireExportable(checkpoint);
        Folding folding = new Folding(checkpoint);
        Folding.Sequence top = folding.new Sequence(new Pending(ChannelAffine.ofNormalization(checkpoint.normalization()),
                NORMALIZE));
        top.addAll(checkpoint.architecture().nodes());
        return new FoldedNetwork(checkpoint.architecture(), top.steps);
    }

    int numClasses() {
        return spec.numClasses();
    }

    /** A map not yet applied to the current value, named for the node it becomes if it cannot be folded. */
    private record Pending(ChannelAffine affine, String name) {
    }

    private static final class Folding {

        private final Checkpoint checkpoint;

        Folding(Checkpoint checkpoint) {
            this.checkpoint = checkpoint;
        }

        /** The steps of one straight run: the network, or the body of a residual. */
        final class Sequence {

            final List<FoldedStep> steps = new ArrayList<>();
            private Pending pending;
            /** The last conv whose output may still take a map: only pools follow it. -1 when there is none. */
            private int openConv = -1;

            Sequence(Pending pending) {
                this.pending = pending;
            }

            void addAll(List<Node> nodes) {
                for (Node node : nodes) {
                    add(node);
                }
                flush();
            }

            private void add(Node node) {
                if (node instanceof Node.Whiten w) {
                    conv(prefix(w.weight()), new FoldedConv(tensor(w.weight()), tensor(w.bias()).values(), 1, 0));
                } else if (node instanceof Node.Conv c) {
                    conv(prefix(c.weight()), new FoldedConv(tensor(c.weight()),
                            c.bias() == null ? null : tensor(c.bias()).values(), c.layer().stride(),
                            c.layer().padding()));
                } else if (node instanceof Node.Norm n) {
                    ChannelAffine affine = batchNorm(n);
                    pending = pending == null ? new Pending(affine, prefix(n.shift()))
                            : new Pending(pending.affine().then(affine), prefix(n.shift()));
                } else if (node instanceof Node.Activation a) {
                    if (!"identity".equals(a.layer().function())) {
                        flush();
                        steps.add(new FoldedStep.Activation(a.layer()));
                        openConv = -1;
                    }
                } else if (node instanceof Node.Pool p) {
                    if (pending != null && !pending.affine().commutesWithPool(p.layer().max())) {
                        flush();
                    }
                    steps.add(new FoldedStep.Pool(p.layer()));
                } else if (node instanceof Node.GlobalPool g) {
                    if (pending != null && !pending.affine().commutesWithPool(g.layer().max())) {
                        flush();
                    }
                    steps.add(new FoldedStep.GlobalPool(g.layer()));
                } else if (node instanceof Node.Residual r) {
                    // The input feeds both branches, so it must be the true value.
                    flush();
                    Sequence body = new Sequence(null);
                    body.addAll(r.body());
                    steps.add(new FoldedStep.Residual(r.name(), body.steps));
                    openConv = -1;
                } else if (node instanceof Node.Head h) {
                    head(h);
                } else {
                    throw new IllegalStateException("no folding for " + node);
                }
            }

            private void conv(String name, FoldedConv conv) {
                FoldedConv folded = conv;
                if (pending != null) {
                    if (foldsIntoOpenConv()) {
                        flush();
                    } else if (conv.padding() == 0) {
                        folded = conv.precededBy(pending.affine());
                        pending = null;
                    } else {
                        flush();
                    }
                }
                steps.add(new FoldedStep.Conv(name, folded));
                openConv = steps.size() - 1;
            }

            private void head(Node.Head h) {
                TensorData weight = tensor(h.weight());
                float[] bias = h.bias() == null ? null : tensor(h.bias()).values();
                if (pending != null && foldsIntoOpenConv()) {
                    flush();
                }
                double[] w = new double[weight.values().length];
                double[] b = new double[h.classes()];
                for (int k = 0; k < h.classes(); k++) {
                    b[k] = bias == null ? 0 : bias[k];
                    for (int j = 0; j < h.inFeatures(); j++) {
                        int at = k * h.inFeatures() + j;
                        w[at] = weight.values()[at];
                        if (pending != null) {
                            b[k] += w[at] * pending.affine().shift()[j];
                            w[at] *= pending.affine().scale()[j];
                        }
                    }
                }
                boolean hasBias = bias != null || pending != null;
                pending = null;
                double scale = h.layer().scale();
                float[] scaledWeight = new float[w.length];
                for (int i = 0; i < w.length; i++) {
                    scaledWeight[i] = (float) (w[i] * scale);
                }
                float[] scaledBias = null;
                if (hasBias) {
                    scaledBias = new float[b.length];
                    for (int k = 0; k < b.length; k++) {
                        scaledBias[k] = (float) (b[k] * scale);
                    }
                }
                steps.add(new FoldedStep.Head(prefix(h.weight()), new TensorData(weight.shape(), scaledWeight),
                        scaledBias));
            }

            /** Applies the pending map: folded into the open conv where exact, else as an explicit step. */
            private void flush() {
                if (pending == null) {
                    return;
                }
                if (foldsIntoOpenConv()) {
                    FoldedStep.Conv open = (FoldedStep.Conv) steps.get(openConv);
                    steps.set(openConv, new FoldedStep.Conv(open.name(), open.conv().followedBy(pending.affine())));
                } else {
                    steps.add(new FoldedStep.Affine(pending.name(), pending.affine()));
                    openConv = -1;
                }
                pending = null;
            }

            /** Whether the pending map may move back to the open conv's output past every pool between them. */
            private boolean foldsIntoOpenConv() {
                if (openConv < 0) {
                    return false;
                }
                for (FoldedStep step : steps.subList(openConv + 1, steps.size())) {
                    boolean commutes = step instanceof FoldedStep.Pool p
                            ? pending.affine().commutesWithPool(p.layer().max())
                            : step instanceof FoldedStep.GlobalPool g && pending.affine().commutesWithPool(
                                    g.layer().max());
                    if (!commutes) {
                        return false;
                    }
                }
                return true;
            }
        }

        private ChannelAffine batchNorm(Node.Norm n) {
            float[] variance = tensor(n.runningVar()).values();
            for (float v : variance) {
                if (Float.isNaN(v) || v < 0) {
                    throw new InputError("checkpoint tensor " + n.runningVar()
                            + " holds a negative or NaN running variance (" + v
                            + "); the checkpoint is corrupt, export another one");
                }
            }
            return ChannelAffine.ofBatchNorm(tensor(n.runningMean()).values(), variance,
                    n.scale() == null ? null : tensor(n.scale()).values(), tensor(n.shift()).values(),
                    n.layer().eps());
        }

        private TensorData tensor(String name) {
            return checkpoint.tensors().get(name);
        }
    }

    /** {@code groups.0.conv1} of {@code groups.0.conv1.weight}: a layer's name with its blocks'. */
    private static String prefix(String tensorName) {
        return tensorName.substring(0, tensorName.lastIndexOf('.'));
    }

    /** Conditions the graph relies on that the checkpoint's own checks leave open. */
    private static void requireExportable(Checkpoint checkpoint) {
        ArchitectureSpec spec = checkpoint.architecture();
        if (checkpoint.normalization().channels() != spec.inputChannels()) {
            throw new InputError("checkpoint normalization has " + checkpoint.normalization().channels()
                    + " channels but the architecture takes " + spec.inputChannels()
                    + "; the checkpoint is inconsistent, export another one");
        }
        if (checkpoint.classes().size() != spec.numClasses()) {
            throw new InputError("checkpoint names " + checkpoint.classes().size() + " classes but its head has "
                    + spec.numClasses() + " outputs; the checkpoint is inconsistent, export another one");
        }
    }
}
