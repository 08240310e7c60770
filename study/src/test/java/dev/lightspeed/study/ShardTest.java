package dev.lightspeed.study;

import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardTest {

    @Test
    void everyRunLandsInExactlyOneShard() {
        for (int count = 1; count <= 5; count++) {
            for (int run = 0; run < 23; run++) {
                int owners = 0;
                for (int index = 0; index < count; index++) {
                    owners += new Shard(index, count).runs(run) ? 1 : 0;
                }
                assertEquals(1, owners, "run " + run + " with " + count + " shards");
            }
        }
    }

    @Test
    void theFlagNamesTheShard() {
        assertEquals(new Shard(2, 5), Shard.resolve("2/5", null, Map.of()));
        assertEquals(Shard.ALL, Shard.resolve(null, null, Map.of()));
    }

    @Test
    void theFlagWinsOverTheEnvironment() {
        assertEquals(new Shard(1, 2), Shard.resolve("1/2", null,
                Map.of("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "4")));
    }

    @Test
    void aSlurmArrayTaskIsAShard() {
        assertEquals(new Shard(3, 4), Shard.resolve(null, null,
                Map.of("SLURM_ARRAY_TASK_ID", "3", "SLURM_ARRAY_TASK_COUNT", "4")));
        // --array=1-4: ids count from the array's first.
        assertEquals(new Shard(0, 4), Shard.resolve(null, null,
                Map.of("SLURM_ARRAY_TASK_ID", "1", "SLURM_ARRAY_TASK_COUNT", "4", "SLURM_ARRAY_TASK_MIN", "1")));
    }

    @Test
    void aKubernetesIndexedJobCompletionIsAShard() {
        assertEquals(new Shard(2, 3), Shard.resolve(null, 3, Map.of("JOB_COMPLETION_INDEX", "2")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"3/3", "0/0", "-1/2", "1", "a/2", "1/2/3"})
    void badShardsAreRefused(String shard) {
        InputError error = assertThrows(InputError.class, () -> Shard.resolve(shard, null, Map.of()));
        assertEquals("shard", error.parameter().orElse(null), error.getMessage());
    }

    @Test
    void environmentIndicesOutOfRangeAreRefused() {
        String slurm = assertThrows(InputError.class, () -> Shard.resolve(null, null,
                Map.of("SLURM_ARRAY_TASK_ID", "4", "SLURM_ARRAY_TASK_COUNT", "4"))).getMessage();
        assertTrue(slurm.contains("SLURM_ARRAY_TASK_ID=4"), slurm);
        String kubernetes = assertThrows(InputError.class, () -> Shard.resolve(null, 2,
                Map.of("JOB_COMPLETION_INDEX", "2"))).getMessage();
        assertTrue(kubernetes.contains("JOB_COMPLETION_INDEX=2"), kubernetes);
        String noCount = assertThrows(InputError.class, () -> Shard.resolve(null, null,
                Map.of("JOB_COMPLETION_INDEX", "0"))).getMessage();
        assertTrue(noCount.startsWith("shards is missing: JOB_COMPLETION_INDEX is set"), noCount);
        assertThrows(InputError.class, () -> Shard.resolve(null, 2, Map.of()));
        assertThrows(InputError.class, () -> Shard.resolve(null, null, Map.of("SLURM_ARRAY_TASK_ID", "x",
                "SLURM_ARRAY_TASK_COUNT", "2")));
    }
}
