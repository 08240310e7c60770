package dev.lightspeed.train.parallel;

import org.bytedeco.pytorch.Tensor;

import java.util.List;

/**
 * The processes that train one run together, each a replica of the network on its own share of every batch. One
 * process alone is {@link #SINGLE}, where every collective is the identity, so the training loop has one form.
 * Collectives block until every replica has called them, in the same order everywhere.
 */
public interface Replicas extends AutoCloseable {

    /** A run in one process. */
    Replicas SINGLE = new Replicas() {
        @Override
        public int rank() {
            return 0;
        }

        @Override
        public int size() {
            return 1;
        }

        @Override
        public void sum(List<Tensor> tensors) {
        }

        @Override
        public void broadcast(List<Tensor> tensors) {
        }

        @Override
        public boolean any(boolean local) {
            return local;
        }

        @Override
        public void close() {
        }

        @Override
        public String toString() {
            return "1 process";
        }
    };

    /** This process's place, 0 the first: the one that writes the run's files. */
    int rank();

    /** How many replicas train together. */
    int size();

    default boolean leads() {
        return rank() == 0;
    }

    /** Replaces each tensor by its sum over the replicas, in place. */
    void sum(List<Tensor> tensors);

    /** Replaces each tensor by rank 0's values, in place. */
    void broadcast(List<Tensor> tensors);

    /** Whether {@code local} is true on any replica. */
    boolean any(boolean local);

    /** Leaves the group; the first replica also stops serving the rendezvous. */
    @Override
    void close();
}
