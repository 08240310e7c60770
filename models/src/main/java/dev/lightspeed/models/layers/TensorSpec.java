package dev.lightspeed.models.layers;

/**
 * One tensor of a network: its name, shape, what trains it and how it starts.
 *
 * @param bound for {@link Init#UNIFORM}, {@link Init#DIRAC} and {@link Init#UNIT_STD}: values start uniform in
 *              ±bound (1/√fan-in, PyTorch's default)
 */
public record TensorSpec(String name, long[] shape, Role role, Init init, double bound) {

    /** Which optimizer group a tensor belongs to, or that none trains it. */
    public enum Role {
        /** Conv filters: the recipe's filter optimizer (Muon or SGD) at the filter learning rate. */
        FILTER,
        /** Batchnorm scales and shifts and conv biases: SGD at the bias learning rate. */
        NORM,
        /** The head's weight and bias: SGD at the head learning rate. */
        HEAD,
        /** The whitening bias: SGD at the bias learning rate, over the whitening layer's bias epochs only. */
        WHITENING_BIAS,
        /** The whitening filters: fitted to the training images, never trained. */
        WHITENING_FILTER,
        /** Batchnorm running statistics: moved by the forward pass, not by an optimizer. */
        STATISTIC;

        public boolean trainable() {
            return this != WHITENING_FILTER && this != STATISTIC;
        }
    }

    /** How a tensor's values start. */
    public enum Init {
        ZEROS,
        ONES,
        /** Uniform in ±bound. */
        UNIFORM,
        /** Uniform in ±bound, then the first min(out, in) filters pass their input channel through. */
        DIRAC,
        /** Uniform in ±bound, then rescaled to unit standard deviation. */
        UNIT_STD
    }
}
