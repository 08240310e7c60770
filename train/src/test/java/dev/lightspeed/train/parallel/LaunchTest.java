package dev.lightspeed.train.parallel;

import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class LaunchTest {

    @Test
    void noLauncherMeansOneProcess() {
        assertEquals(Optional.empty(), Launch.fromEnvironment(Map.of("HOME", "/root")));
        // One Slurm task (a job array's run) trains alone.
        assertEquals(Optional.empty(), Launch.fromEnvironment(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "1",
                "SLURM_JOB_NODELIST", "node01")));
    }

    @Test
    void readsTorchrunsEnvironment() {
        Launch launch = Launch.fromEnvironment(Map.of("RANK", "3", "WORLD_SIZE", "8", "LOCAL_RANK", "1",
                "MASTER_ADDR", "10.0.0.7", "MASTER_PORT", "29400")).orElseThrow();
        assertEquals(new Launch(3, 8, 1, "10.0.0.7", 29400), launch);
        assertTrue(launch.parallel());
        assertFalse(launch.leads());
    }

    @Test
    void torchrunsVariablesWinOverSlurms() {
        Launch launch = Launch.fromEnvironment(Map.of("RANK", "0", "WORLD_SIZE", "2", "MASTER_ADDR", "127.0.0.1",
                "MASTER_PORT", "29500", "SLURM_PROCID", "5", "SLURM_NTASKS", "6",
                "SLURM_JOB_NODELIST", "gpu[1-3]")).orElseThrow();
        assertEquals(0, launch.rank());
        assertEquals(2, launch.worldSize());
        // Without LOCAL_RANK, a process is taken to be alone on its machine's count: its rank.
        assertEquals(0, launch.localRank());
    }

    @Test
    void readsSlurmsEnvironmentWithTheFirstHostAsMaster() {
        Launch launch = Launch.fromEnvironment(Map.of("SLURM_PROCID", "3", "SLURM_NTASKS", "4", "SLURM_LOCALID",
                "1", "SLURM_JOB_NODELIST", "node[07-08,11],login2")).orElseThrow();
        assertEquals(new Launch(3, 4, 1, "node07", Launch.DEFAULT_PORT), launch);
        Launch withPort = Launch.fromEnvironment(Map.of("SLURM_PROCID", "0", "SLURM_NTASKS", "2",
                "SLURM_NODELIST", "a1,b2", "MASTER_PORT", "40000")).orElseThrow();
        assertEquals("a1", withPort.masterAddress());
        assertEquals(40000, withPort.masterPort());
    }

    @Test
    void firstSlurmHost() {
        assertEquals("node01", SlurmHosts.first("node01"));
        assertEquals("node01", SlurmHosts.first("node[01-04]"));
        assertEquals("gpu3", SlurmHosts.first("gpu[3,5-6]"));
        assertEquals("rack1-node5-ib", SlurmHosts.first("rack1-node[5-9]-ib,rack2-node1"));
        assertEquals("x", SlurmHosts.first("x,y[1-2]"));
        assertThrows(InputError.class, () -> SlurmHosts.first("node[01-04"));
    }

    @Test
    void refusesIncompleteOrImpossibleLaunches() {
        InputError missing = assertThrows(InputError.class, () -> Launch.fromEnvironment(Map.of("RANK", "0",
                "WORLD_SIZE", "2", "MASTER_PORT", "29500")));
        assertTrue(missing.getMessage().startsWith("MASTER_ADDR is not set"), missing.getMessage());
        InputError word = assertThrows(InputError.class, () -> Launch.fromEnvironment(Map.of("RANK", "one",
                "WORLD_SIZE", "2", "MASTER_ADDR", "h", "MASTER_PORT", "29500")));
        assertTrue(word.getMessage().startsWith("RANK is 'one'"), word.getMessage());
        InputError outside = assertThrows(InputError.class, () -> Launch.fromEnvironment(Map.of("RANK", "2",
                "WORLD_SIZE", "2", "MASTER_ADDR", "h", "MASTER_PORT", "29500")));
        assertTrue(outside.getMessage().startsWith("rank 2 is not within a world of 2"), outside.getMessage());
        assertThrows(InputError.class, () -> Launch.fromEnvironment(Map.of("RANK", "0", "WORLD_SIZE", "2",
                "MASTER_ADDR", "h", "MASTER_PORT", "70000")));
        assertThrows(InputError.class, () -> Launch.fromEnvironment(Map.of("SLURM_PROCID", "0",
                "SLURM_NTASKS", "2")));
    }
}
