package dev.lightspeed.train;

import dev.lightspeed.data.Cifar10;
import dev.lightspeed.data.Dataset;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.run.RunSummary;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.SafeTensors;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.TensorSpec;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.train.parallel.C10dReplicas;
import dev.lightspeed.train.parallel.Launch;
import dev.lightspeed.train.parallel.ReplicaFailure;
import dev.lightspeed.train.parallel.Replicas;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static dev.lightspeed.train.Tensors.scalar;

/**
 * One rank of a data-parallel probe that {@code DataParallelTest} starts as a process of its own:
 * {@code MODE PORT RANK WORLD OUT_DIR [ARG]}. Prints one line, "ok" or the failure's message, and exits 0, 1 (a
 * lost replica) or 2 (bad input), as the command line would.
 */
public final class ReplicaProbe {

    static final int GLOBAL_BATCH = 16;

    private ReplicaProbe() {
    }

    public static void main(String[] args) throws Exception {
        String mode = args[0];
        int port = Integer.parseInt(args[1]);
        int rank = Integer.parseInt(args[2]);
        int world = Integer.parseInt(args[3]);
        Path out = Path.of(args[4]);
        String arg = args.length > 5 ? args[5] : "";
        Threads.configure(1);
        Launch launch = new Launch(rank, world, rank, "127.0.0.1", port);
        Duration timeout = Duration.ofSeconds(mode.equals("hang") || mode.equals("alone") ? 4 : 60);
        try {
            Replicas replicas = C10dReplicas.join(launch, FP32, timeout,
                    Map.of("recipe", mode.equals("identity") ? arg : "tiny"));
            run(mode, replicas, out, arg);
            replicas.close();
            System.out.println("ok");
            System.exit(0);
        } catch (ReplicaFailure e) {
            System.out.println(e.getMessage());
            System.exit(1);
        } catch (InputError e) {
            System.out.println(e.getMessage());
            System.exit(2);
        }
    }

    static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");

    private static void run(String mode, Replicas replicas, Path out, String arg) throws Exception {
        switch (mode) {
            case "gradient" -> gradient(replicas, out, arg);
            case "train" -> train(replicas, out);
            case "real" -> real(replicas, out, arg);
            case "drift" -> drift(replicas);
            case "lose" -> {
                for (int i = 0; ; i++) {
                    if (replicas.rank() == 1 && i == 3) {
                        Runtime.getRuntime().halt(9);
                    }
                    replicas.sum(List.of(Tensor.create(new float[] {1f}, 1)));
                }
            }
            case "hang" -> {
                if (replicas.rank() == 1) {
                    Thread.sleep(600_000);
                }
                replicas.sum(List.of(Tensor.create(new float[] {1f}, 1)));
            }
            default -> {
                // "identity" and "alone": joining was the probe.
            }
        }
    }

    static Recipe recipe(String reduction) {
        return Training.fit(TinyRun.recipe().with("loss-reduction", reduction), TinyRun.data());
    }

    /** The first {@link #GLOBAL_BATCH} training images of the tiny run, as the device holds them. */
    static DeviceImages batch() {
        Dataset data = TinyRun.data();
        return DeviceImages.upload(data.train(), data.info().normalization(), FP32);
    }

    /**
     * Each rank starts from its own seed (so that only the broadcast can make them equal), takes rank 0's network,
     * and computes the loss of its half of a batch with batchnorm in eval mode (each image's loss then depends on
     * no other image); the replicas' gradients are then combined. Writes rank 0's network and this rank's
     * combined gradients.
     */
    private static void gradient(Replicas replicas, Path out, String reduction) throws Exception {
        Recipe recipe = recipe(reduction);
        DeviceImages train = batch();
        RunStart start = RunStart.fresh(recipe, FP32, 10 + replicas.rank(), train, 4);
        Network network = start.network();
        replicas.broadcast(network.tensors());
        if (replicas.leads()) {
            SafeTensors.write(out.resolve("initial.safetensors"), network.snapshot(), Map.of());
        }
        int share = GLOBAL_BATCH / replicas.size();
        Tensor images = train.images().narrow(0, (long) replicas.rank() * share, share);
        Tensor labels = train.labels().narrow(0, (long) replicas.rank() * share, share);
        Trainer.trainingLoss(network.forward(images, false, true), labels, recipe).backward();
        new GradientAllreduce(replicas, start.optimization().parameters(), reduction.equals(Recipe.MEAN)).run();
        SafeTensors.write(out.resolve("gradient-" + replicas.rank() + ".safetensors"), gradients(network),
                Map.of());
    }

    static Map<String, TensorData> gradients(Network network) {
        Map<String, TensorData> grads = new LinkedHashMap<>();
        for (TensorSpec t : network.spec().tensors()) {
            Tensor g = network.tensor(t.name()).grad();
            if (g.defined()) {
                grads.put(t.name(), Tensors.toHost(g));
            }
        }
        return grads;
    }

    /** The real training loop, 2 epochs of the tiny run: rank 0 writes the run folder, the others nothing. */
    private static void train(Replicas replicas, Path out) throws Exception {
        Path folder = out.resolve(replicas.leads() ? "run" : "run-" + replicas.rank());
        Training training = Training.of(TinyRun.recipe(), TinyRun.data()).withDevice(FP32).withSeed(1)
                .withReplicas(replicas);
        training.start(replicas.leads() ? RunFolder.create(folder) : RunFolder.at(folder));
    }

    /** The short real-data run of {@code TrainingTest}, trained by the replicas; rank 0 prints its accuracy. */
    private static void real(Replicas replicas, Path out, String cifar10) throws Exception {
        Dataset full = Cifar10.load(Path.of(cifar10));
        Dataset data = new Dataset(full.info(), full.train().head(10_000), full.test().head(2_000));
        Recipe recipe = Presets.named("airbench94").with("epochs", "2").with("batch-size", "500");
        Training training = Training.of(recipe, data).withDevice(FP32).withReplicas(replicas);
        RunSummary summary = training.start(replicas.leads() ? RunFolder.create(out.resolve("real"))
                : RunFolder.at(out.resolve("real"))).summary();
        if (replicas.leads()) {
            System.out.printf("tta_test_acc %.4f train_seconds %.1f%n", summary.ttaTestAcc(), summary.trainSeconds());
        }
    }

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    private static void drift(Replicas replicas) {
        Network network = RunStart.fresh(recipe(Recipe.SUM), FP32, 1, batch(), 4).network();
        if (replicas.rank() == 1) {
            try (NoGradGuard noGrad = new NoGradGuard()) {
                network.tensors(TensorSpec.Role.HEAD).get(0).add_(scalar(1e-6));
            }
        }
        ReplicaAgreement.requireSameWeights(replicas, network, 1);
    }
}
