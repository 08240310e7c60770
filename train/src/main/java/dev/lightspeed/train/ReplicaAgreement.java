package dev.lightspeed.train;

import dev.lightspeed.models.layers.TensorSpec;
import dev.lightspeed.train.parallel.ReplicaFailure;
import dev.lightspeed.train.parallel.Replicas;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.List;

/**
 * Checks that the replicas of a data-parallel run still hold the same trained weights: they must, since every one
 * steps from the same summed gradients, and a run whose replicas drifted apart (a nondeterministic kernel, a rank
 * fed other data) would go on silently as several different runs. Compares a fingerprint per tensor, its sum and
 * sum of squares in fp64, with rank 0's: one small broadcast, cheap enough to do after every epoch. Batchnorm
 * statistics are each replica's own and are not compared.
 */
final class ReplicaAgreement {

    private ReplicaAgreement() {
    }

    /** @throws ReplicaFailure on every rank when any rank's weights differ from rank 0's */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    static void requireSameWeights(Replicas replicas, Network network, int epoch) {
        if (replicas.size() == 1) {
            return;
        }
        try (NoGradGuard noGrad = new NoGradGuard()) {
            List<Tensor> parts = new ArrayList<>();
            for (TensorSpec.Role role : TensorSpec.Role.values()) {
                if (!role.trainable()) {
                    continue;
                }
                for (Tensor t : network.tensors(role)) {
                    Tensor values = t.to(ScalarType.Double);
                    parts.add(values.sum().reshape(1));
                    parts.add(values.mul(values).sum().reshape(1));
                }
            }
            Tensor mine = torch.cat(new org.bytedeco.pytorch.TensorVector(parts.toArray(new Tensor[0])), 0);
            Tensor first = mine.clone();
            replicas.broadcast(List.of(first));
            boolean differs = !torch.equal(mine, first);
            if (replicas.any(differs)) {
                throw new ReplicaFailure("the data-parallel replicas' weights differ after epoch " + epoch
                        + (differs ? " (rank " + replicas.rank() + "'s from rank 0's)" : "")
                        + ": they no longer train in step; report this with the command line and the machines",
                        null);
            }
        }
    }
}
