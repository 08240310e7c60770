package dev.lightspeed.cli;

import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class LocalLaunchTest {

    private final ByteArrayOutputStream errBytes = new ByteArrayOutputStream();
    private final PrintStream err = new PrintStream(errBytes, true, StandardCharsets.UTF_8);

    /** This JVM started again on {@link LaunchProbeMain}, which is how the launcher starts its own program. */
    static List<String> probeCommand(String dir, String actions) {
        List<String> command = new ArrayList<>(LocalLaunch.javaCommand());
        assertEquals(LocalLaunch.MAIN_CLASS, command.get(command.size() - 1));
        command.set(command.size() - 1, LaunchProbeMain.class.getName());
        command.add(dir);
        command.add(actions);
        return command;
    }

    @Test
    void everyWorkerGetsTheTorchrunEnvironmentOfItsRankAndTheThreads(@TempDir Path dir) throws Exception {
        int status = LocalLaunch.run(3, probeCommand(dir.toString(), "0,0,0"), List.of("train", "--data", "x"), 2,
                err);

        assertEquals(0, status, errText());
        Set<String> ports = new HashSet<>();
        for (int rank = 0; rank < 3; rank++) {
            Map<String, String> seen = seenBy(dir, rank);
            assertEquals(Integer.toString(rank), seen.get("RANK"));
            assertEquals(Integer.toString(rank), seen.get("LOCAL_RANK"));
            assertEquals("3", seen.get("WORLD_SIZE"));
            assertEquals("3", seen.get("LOCAL_WORLD_SIZE"));
            assertEquals("127.0.0.1", seen.get("MASTER_ADDR"));
            assertEquals(System.getenv().getOrDefault("TORCH_CPP_LOG_LEVEL", "ERROR"), seen.get("TORCH_CPP_LOG_LEVEL"));
            assertEquals(System.getenv("PATH"), seen.get("PATH"), "the parent's environment is inherited");
            assertEquals("train --data x --threads 2", seen.get("args"));
            ports.add(seen.get("MASTER_PORT"));
        }
        assertEquals(1, ports.size(), "one store for all ranks: " + ports);
        int port = Integer.parseInt(ports.iterator().next());
        assertTrue(port > 0 && port < 65536, "port " + port);
        assertEquals("", errText(), "a clean run adds no words of the launcher's");
    }

    @Test
    void onlyRankZeroKeepsStandardOutputAndAllKeepStandardError(@TempDir Path dir) throws Exception {
        String ownOut = link("/proc/self/fd/1");
        String ownErr = link("/proc/self/fd/2");
        assumeTrue(ownOut != null && ownErr != null, "needs Linux's /proc to see where the outputs go");
        assumeFalse(ownOut.equals("/dev/null"), "this JVM's own output is discarded");

        assertEquals(0, LocalLaunch.run(2, probeCommand(dir.toString(), "0,0"), List.of(), 1, err), errText());

        assertEquals(ownOut, seenBy(dir, 0).get("stdout"));
        assertEquals(ownErr, seenBy(dir, 0).get("stderr"));
        assertEquals("/dev/null", seenBy(dir, 1).get("stdout"));
        assertEquals(ownErr, seenBy(dir, 1).get("stderr"));
    }

    @Test
    void aFailedWorkerEndsTheRunAndTheOthersAreStoppedAfterTheGracePeriod(@TempDir Path dir) throws Exception {
        Duration grace = Duration.ofSeconds(2);
        long start = System.nanoTime();
        int status = LocalLaunch.run(2, probeCommand(dir.toString(), "sleep,3"), List.of(), 1, err, grace);
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        long sleeper = Long.parseLong(seenBy(dir, 0).get("pid"));
        try {
            // A crash or a signal is a failure like any other to a script: status 1, the rank's own status named.
            assertEquals(Main.FAILED, status, errText());
            assertTrue(took.compareTo(grace.plusSeconds(30)) < 0, "took " + took);
            assertFalse(ProcessHandle.of(sleeper).map(ProcessHandle::isAlive).orElse(false), "the sleeper is dead");
            assertTrue(errText().contains("rank 1 exited with status 3"), errText());
            assertTrue(errText().contains("rank 0 still running 2 s after rank 1 failed; stopping it"), errText());
        } finally {
            ProcessHandle.of(sleeper).ifPresent(ProcessHandle::destroyForcibly);
        }
    }

    @Test
    void badInputInAnyWorkerIsTheRunsStatusEvenAfterAnotherFailure(@TempDir Path dir) throws Exception {
        // Rank 1 ends 1.5 s after rank 0 failed: within the grace period, so by itself.
        int status = LocalLaunch.run(2, probeCommand(dir.toString(), "1,2@1500"), List.of("train", "--threads", "1"),
                4, err, Duration.ofSeconds(20));

        assertEquals(2, status, errText());
        assertEquals("train --threads 1", seenBy(dir, 0).get("args"), "--threads given is not given again");
        assertEquals("train --threads 1", seenBy(dir, 1).get("args"));
        assertEquals("", errText(), "the workers say why they failed; the launcher adds nothing");
    }

    @Test
    void aRunInterruptedFirstIsInterruptedWhateverTheOthersSay(@TempDir Path dir) throws Exception {
        int status = LocalLaunch.run(2, probeCommand(dir.toString(), "130,2@1500"), List.of(), 1, err,
                Duration.ofSeconds(20));

        assertEquals(130, status, errText());
    }

    @Test
    void aKilledLauncherTellsItsWorkersToStopAndWaitsForThem(@TempDir Path dir) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(LaunchDriverMain.driverCommand(dir.toString()));
        builder.redirectOutput(dir.resolve("driver.out").toFile());
        builder.redirectError(dir.resolve("driver.err").toFile());
        Process launcher = builder.start();
        List<Long> workers = new ArrayList<>();
        try {
            for (int rank = 0; rank < 2; rank++) {
                assertTrue(appears(dir.resolve("rank-" + rank), Duration.ofSeconds(60)), "rank " + rank + " started");
                workers.add(Long.parseLong(seenBy(dir, rank).get("pid")));
            }

            launcher.destroy();

            assertTrue(launcher.waitFor(30, TimeUnit.SECONDS),
                    "the launcher ends once its workers have, well before its limit of " + LocalLaunch.SHUTDOWN_GRACE);
            String said = Files.readString(dir.resolve("driver.err"));
            for (int rank = 0; rank < 2; rank++) {
                assertTrue(Files.exists(dir.resolve("stopped-" + rank)), "rank " + rank + " was told to stop; " + said);
                assertFalse(ProcessHandle.of(workers.get(rank)).map(ProcessHandle::isAlive).orElse(false));
            }
        } finally {
            launcher.destroyForcibly();
            workers.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
        }
    }

    @Test
    void fewerThanOneProcessIsBadInput() {
        InputError error = assertThrows(InputError.class, () -> LocalLaunch.run(0, List.of("true"), List.of(), 1, err));
        assertEquals("--nproc must be at least 1, got 0", error.getMessage());
    }

    @Test
    void withoutNprocRemovesBothFormsAndNothingElse() {
        List<String> args = List.of("train", "--nproc", "4", "--data", "x", "--nproc=2", "--threads", "4", "--out",
                "--nproc-runs");

        assertEquals(List.of("train", "--data", "x", "--threads", "4", "--out", "--nproc-runs"),
                LocalLaunch.withoutNproc(args));
        assertEquals(List.of("train", "--data", "x"), LocalLaunch.withoutNproc(List.of("train", "--data", "x")));
    }

    @Test
    void theFreePortCanBeBound() throws IOException {
        int port = LocalLaunch.freePort();

        assertTrue(port > 0, "port " + port);
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName("127.0.0.1"))) {
            assertEquals(port, socket.getLocalPort());
        }
    }

    @Test
    void theJavaCommandStartsThisClassPathOnMainWithoutADebugger() {
        List<String> command = LocalLaunch.javaCommand();

        assertTrue(Files.isExecutable(Path.of(command.get(0))), command.get(0));
        assertEquals(List.of("-cp", System.getProperty("java.class.path"), "dev.lightspeed.cli.Main"),
                command.subList(command.size() - 3, command.size()));
        assertTrue(command.stream().noneMatch(a -> a.startsWith("-agentlib:jdwp")), command.toString());
    }

    private String errText() {
        return errBytes.toString(StandardCharsets.UTF_8);
    }

    private static Map<String, String> seenBy(Path dir, int rank) throws IOException {
        Map<String, String> seen = new HashMap<>();
        for (String line : Files.readAllLines(dir.resolve("rank-" + rank), StandardCharsets.UTF_8)) {
            int equals = line.indexOf('=');
            seen.put(line.substring(0, equals), line.substring(equals + 1));
        }
        return seen;
    }

    private static boolean appears(Path file, Duration within) throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }

    private static String link(String path) {
        try {
            return Files.readSymbolicLink(Path.of(path)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return null;
        }
    }
}
