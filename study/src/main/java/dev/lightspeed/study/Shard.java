package dev.lightspeed.study;

import dev.lightspeed.models.InputError;

import java.util.Map;

/**
 * The part of a sweep one process runs: the runs whose index is {@code index} modulo {@code count}. Job arrays
 * of existing schedulers give each task its index in the environment, so a sweep is spread over machines by
 * starting the same command once per task.
 */
public record Shard(int index, int count) {

    public static final Shard ALL = new Shard(0, 1);

    static final String SLURM_TASK_ID = "SLURM_ARRAY_TASK_ID";
    static final String SLURM_TASK_COUNT = "SLURM_ARRAY_TASK_COUNT";
    static final String SLURM_TASK_MIN = "SLURM_ARRAY_TASK_MIN";
    static final String KUBERNETES_INDEX = "JOB_COMPLETION_INDEX";

    public Shard {
        if (count < 1) {
            throw new InputError("a sweep needs at least one shard, got " + count + "; use a shard count of 1 or more");
        }
        if (index < 0 || index >= count) {
            throw new InputError("shard " + index + " of " + count + " does not exist; use an index from 0 to "
                    + (count - 1));
        }
    }

    public boolean runs(int runIndex) {
        return runIndex % count == index;
    }

    /**
     * The shard this process runs: {@code shard} (K/N) when given; else a Slurm job array's task (its id counted
     * from the array's first id, so an array of 1-4 works as well as 0-3); else a Kubernetes Indexed Job's
     * completion index, with the count from {@code shards}; else the whole sweep.
     *
     * @param shard  the shard as K/N, or null
     * @param shards the shard count of a Kubernetes Indexed Job (its completions), or null
     */
    public static Shard resolve(String shard, Integer shards, Map<String, String> environment) {
        if (shard != null) {
            if (shards != null) {
                throw InputError.in("shards", "shards " + shards + " repeats the count that shard " + shard.trim()
                        + " names; leave it out");
            }
            return parse(shard);
        }
        String slurmId = environment.get(SLURM_TASK_ID);
        if (slurmId != null) {
            String count = environment.get(SLURM_TASK_COUNT);
            if (count == null) {
                throw new InputError(SLURM_TASK_ID + " is set without " + SLURM_TASK_COUNT + "; run under a Slurm job"
                        + " array or name the shard as K/N");
            }
            int first = environment.containsKey(SLURM_TASK_MIN)
                    ? integer(environment.get(SLURM_TASK_MIN), SLURM_TASK_MIN) : 0;
            int id = integer(slurmId, SLURM_TASK_ID);
            int n = integer(count, SLURM_TASK_COUNT);
            return fromEnvironment(id - first, n, SLURM_TASK_ID + "=" + slurmId
                    + (first != 0 ? " (array from " + first + ")" : "") + " with " + SLURM_TASK_COUNT + "=" + count,
                    "use a contiguous array such as 0-" + (n - 1));
        }
        String kubernetesIndex = environment.get(KUBERNETES_INDEX);
        if (kubernetesIndex != null) {
            if (shards == null) {
                throw InputError.in("shards", "shards is missing: " + KUBERNETES_INDEX + " is set (a Kubernetes"
                        + " Indexed Job), whose shard count is the Job's completions; give that count");
            }
            int index = integer(kubernetesIndex, KUBERNETES_INDEX);
            if (shards < 1 || index >= shards) {
                throw InputError.in("shards", "shards " + shards + " does not fit " + KUBERNETES_INDEX + "="
                        + kubernetesIndex + " (index " + index + " of " + shards + "); set it to the Indexed Job's"
                        + " completions");
            }
            return fromEnvironment(index, shards, KUBERNETES_INDEX + "=" + kubernetesIndex,
                    "run the sweep as a Kubernetes Indexed Job");
        }
        if (shards != null) {
            throw InputError.in("shards", "shards " + shards + " needs " + KUBERNETES_INDEX + " (a Kubernetes Indexed"
                    + " Job); elsewhere name the shard as K/N");
        }
        return ALL;
    }

    /** Parses {@code K/N}. */
    public static Shard parse(String text) {
        String[] parts = text.trim().split("/", -1);
        if (parts.length != 2) {
            throw InputError.in("shard", "shard expects K/N (this process runs the runs whose index is K modulo N),"
                    + " got '" + text + "'");
        }
        int count = shardNumber(text, parts[1], "N");
        int index = shardNumber(text, parts[0], "K");
        if (count < 1) {
            throw InputError.in("shard", "shard " + text + ": N must be at least 1");
        }
        if (index < 0 || index >= count) {
            throw InputError.in("shard", "shard " + text + ": K must be from 0 to " + (count - 1));
        }
        return new Shard(index, count);
    }

    private static int shardNumber(String shard, String text, String part) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw InputError.in("shard", "shard " + shard + ": " + part + " must be an integer, got '" + text + "'");
        }
    }

    private static Shard fromEnvironment(int index, int count, String source, String remedy) {
        if (count < 1 || index < 0 || index >= count) {
            throw new InputError(source + " is not a shard of a sweep (index " + index + " of " + count + "); "
                    + remedy);
        }
        return new Shard(index, count);
    }

    private static int integer(String text, String what) {
        try {
            return Integer.parseInt(text.trim());
        } catch (NumberFormatException e) {
            throw new InputError(what + " must be an integer, got '" + text + "'");
        }
    }

    @Override
    public String toString() {
        return index + "/" + count;
    }
}
