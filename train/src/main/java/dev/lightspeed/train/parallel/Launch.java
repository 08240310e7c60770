package dev.lightspeed.train.parallel;

import dev.lightspeed.models.InputError;

import java.util.Map;
import java.util.Optional;

/**
 * Where this process stands in a data-parallel run, as the launcher that started it says: torchrun's environment
 * ({@code RANK}, {@code WORLD_SIZE}, {@code LOCAL_RANK}, {@code MASTER_ADDR}, {@code MASTER_PORT}; Kubeflow's
 * PyTorchJob sets the same), else Slurm's ({@code SLURM_PROCID}, {@code SLURM_NTASKS}, {@code SLURM_LOCALID}, the
 * allocation's first host as master, {@code MASTER_PORT} or 29500). Neither: a single process.
 *
 * @param rank          this process's place among all, 0 the first, which alone writes the run's files
 * @param worldSize     how many processes train together
 * @param localRank     its place among the processes on its machine (which GPU it takes on CUDA)
 * @param masterAddress the host where rank 0 serves the rendezvous store
 * @param masterPort    that store's port
 */
public record Launch(int rank, int worldSize, int localRank, String masterAddress, int masterPort) {

    /** torchrun's default port, which Slurm launches take too when they name none. */
    public static final int DEFAULT_PORT = 29500;

    public static final Launch SINGLE = new Launch(0, 1, 0, "127.0.0.1", DEFAULT_PORT);

    public Launch {
        if (worldSize < 1 || rank < 0 || rank >= worldSize) {
            throw new InputError("rank " + rank + " is not within a world of " + worldSize
                    + " processes; the launcher must give each process a rank from 0 to the world size - 1");
        }
        if (masterPort < 1 || masterPort > 65535) {
            throw new InputError("master port " + masterPort + " is not a TCP port; use one from 1 to 65535");
        }
    }

    /** The launch the environment describes, or empty when no launcher set one. */
    public static Optional<Launch> fromEnvironment(Map<String, String> env) {
        if (env.containsKey("RANK") || env.containsKey("WORLD_SIZE")) {
            int worldSize = number(env, "WORLD_SIZE");
            int rank = number(env, "RANK");
            String master = required(env, "MASTER_ADDR");
            int port = number(env, "MASTER_PORT");
            int localRank = env.containsKey("LOCAL_RANK") ? number(env, "LOCAL_RANK") : rank;
            return Optional.of(new Launch(rank, worldSize, localRank, master, port));
        }
        if (env.containsKey("SLURM_PROCID") && env.containsKey("SLURM_NTASKS")) {
            int worldSize = number(env, "SLURM_NTASKS");
            if (worldSize == 1) {
                // One task of an allocation (a job array's run, an interactive shell): nothing to join.
                return Optional.empty();
            }
            String nodes = env.getOrDefault("SLURM_JOB_NODELIST", env.get("SLURM_NODELIST"));
            if (nodes == null) {
                throw new InputError("SLURM_NTASKS is " + worldSize + " but neither SLURM_JOB_NODELIST nor"
                        + " SLURM_NODELIST names the hosts; launch with srun inside an allocation");
            }
            String master = env.getOrDefault("MASTER_ADDR", SlurmHosts.first(nodes));
            int port = env.containsKey("MASTER_PORT") ? number(env, "MASTER_PORT") : DEFAULT_PORT;
            int localRank = env.containsKey("SLURM_LOCALID") ? number(env, "SLURM_LOCALID") : 0;
            return Optional.of(new Launch(number(env, "SLURM_PROCID"), worldSize, localRank, master, port));
        }
        return Optional.empty();
    }

    /** Whether more than one process trains. */
    public boolean parallel() {
        return worldSize > 1;
    }

    /** Whether this process writes the run's files and prints its progress. */
    public boolean leads() {
        return rank == 0;
    }

    private static String required(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            throw new InputError(name + " is not set, but RANK or WORLD_SIZE is: a torchrun-style launch sets RANK,"
                    + " WORLD_SIZE, MASTER_ADDR and MASTER_PORT together");
        }
        return value.trim();
    }

    private static int number(Map<String, String> env, String name) {
        String value = required(env, name);
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            throw new InputError(name + " is '" + value + "', not a whole number; the launcher must set it to one");
        }
    }
}
