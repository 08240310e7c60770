package dev.lightspeed.cli;

import dev.lightspeed.models.InputError;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * {@code lightspeed train --nproc N}: starts N worker processes of this same program on this machine and waits for
 * them, as {@code torchrun --standalone --nproc-per-node N} does for a Python script. Each worker learns its place
 * from the environment variables torchrun sets, so a worker cannot tell this launcher from torchrun, Slurm or a
 * Kubernetes job, and needs no launch-specific flags:
 * <ul>
 *   <li>{@code RANK} (0 to N-1) and {@code WORLD_SIZE} (N): the worker's index among all processes and their number;
 *   <li>{@code LOCAL_RANK} and {@code LOCAL_WORLD_SIZE}: the same among the processes of this machine, which here
 *       are all of them;
 *   <li>{@code MASTER_ADDR} and {@code MASTER_PORT}: where rank 0 serves the store the others rendezvous at: the
 *       loopback address and a port that was free when the launcher chose it.
 * </ul>
 * Rank 0 speaks for the run on standard output; the other ranks' output would repeat it, so it is discarded, but
 * their standard error is kept, since a rank that fails says why there. The launcher exits with the status of the
 * first worker that failed, normalized to the statuses of a single process (1 for a rank's crash or signal).
 */
final class LocalLaunch {

    /**
     * How long the other workers may take to end by themselves after one failed: they notice the lost peer at their
     * next collective and exit with their own one-line error, which is worth more than a kill.
     */
    static final Duration FAILURE_GRACE = Duration.ofSeconds(30);

    /** How long a Ctrl-C or a {@code kill} of the launcher waits for the workers to stop at their next step. */
    static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(60);

    static final String MAIN_CLASS = "dev.lightspeed.cli.Main";

    private static final String LOOPBACK = "127.0.0.1";

    private LocalLaunch() {
    }

    /**
     * Starts {@code processes} copies of this JVM's program, each with the torchrun environment of its rank, and
     * waits for them all.
     *
     * @return the exit status the launcher should exit with
     */
    static int run(int processes, List<String> workerArgs, int threadsPerProcess, PrintStream err)
            throws IOException, InterruptedException {
        return run(processes, javaCommand(), workerArgs, threadsPerProcess, err);
    }

    /** {@link #run(int, List, int, PrintStream)} with {@code command} in place of {@link #javaCommand()}. */
    static int run(int processes, List<String> command, List<String> workerArgs, int threadsPerProcess,
            PrintStream err) throws IOException, InterruptedException {
        return run(processes, command, workerArgs, threadsPerProcess, err, FAILURE_GRACE);
    }

    /** As above, with {@code failureGrace} in place of {@link #FAILURE_GRACE}. */
    static int run(int processes, List<String> command, List<String> workerArgs, int threadsPerProcess,
            PrintStream err, Duration failureGrace) throws IOException, InterruptedException {
        if (processes < 1) {
            throw new InputError("--nproc must be at least 1, got " + processes);
        }
        if (threadsPerProcess < 1) {
            throw new IllegalArgumentException("threadsPerProcess must be at least 1, got " + threadsPerProcess);
        }
        List<String> args = new ArrayList<>(command);
        args.addAll(workerArgs);
        if (!hasThreads(workerArgs)) {
            args.add("--threads");
            args.add(Integer.toString(threadsPerProcess));
        }
        int port = freePort();

        List<Process> workers = new ArrayList<>();
        BlockingQueue<Process> exited = new LinkedBlockingQueue<>();
        Thread hook = new Thread(() -> stopOnShutdown(workers), "lightspeed-launch-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            for (int rank = 0; rank < processes; rank++) {
                Process worker = start(args, rank, processes, port);
                // The hook reads the list from another thread, at any moment of a shutdown.
                synchronized (workers) {
                    workers.add(worker);
                }
                worker.onExit().thenAccept(exited::add);
            }
            return await(workers, exited, failureGrace, err);
        } finally {
            // Reached with workers alive only on an exception (a worker that could not start, an interrupt): none
            // may outlive the launcher, since they would wait for their lost peers until the rendezvous times out.
            List<Process> alive;
            synchronized (workers) {
                alive = workers.stream().filter(Process::isAlive).toList();
            }
            alive.forEach(Process::destroyForcibly);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException e) {
                // Shutdown already under way: the hook is running and ends by itself.
            }
        }
    }

    private static Process start(List<String> args, int rank, int processes, int port) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(args);
        Map<String, String> env = builder.environment();
        env.put("RANK", Integer.toString(rank));
        env.put("WORLD_SIZE", Integer.toString(processes));
        env.put("LOCAL_RANK", Integer.toString(rank));
        env.put("LOCAL_WORLD_SIZE", Integer.toString(processes));
        env.put("MASTER_ADDR", LOOPBACK);
        env.put("MASTER_PORT", Integer.toString(port));
        // libtorch's c10d logs each connection and each lost peer at warning level, in every rank.
        env.putIfAbsent("TORCH_CPP_LOG_LEVEL", "ERROR");
        builder.redirectOutput(rank == 0 ? ProcessBuilder.Redirect.INHERIT : ProcessBuilder.Redirect.DISCARD);
        builder.redirectError(ProcessBuilder.Redirect.INHERIT);
        return builder.start();
    }

    private static int await(List<Process> workers, BlockingQueue<Process> exited, Duration failureGrace,
            PrintStream err) throws InterruptedException {
        Set<Process> stopped = new HashSet<>();
        int firstFailure = Main.OK;
        int firstFailedRank = -1;
        boolean badInput = false;
        long deadline = 0;
        for (int remaining = workers.size(); remaining > 0; remaining--) {
            Process worker = null;
            if (firstFailedRank >= 0 && stopped.isEmpty()) {
                worker = exited.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                if (worker == null) {
                    stopped.addAll(stopStragglers(workers, firstFailedRank, failureGrace, err));
                }
            }
            if (worker == null) {
                worker = exited.take();
            }
            int rank = workers.indexOf(worker);
            int status = worker.exitValue();
            if (status == Main.OK) {
                continue;
            }
            if (!endedThroughMain(status) && !stopped.contains(worker)) {
                // Main prints a line for each status it returns; any other status is a crash or a signal, which
                // leaves no word of its own.
                err.println("lightspeed train: rank " + rank + " exited with status " + status);
            }
            badInput |= status == Main.USAGE;
            if (firstFailedRank < 0) {
                firstFailedRank = rank;
                firstFailure = status;
                deadline = System.nanoTime() + failureGrace.toNanos();
            }
        }
        if (firstFailure == Main.INTERRUPTED) {
            return Main.INTERRUPTED;
        }
        // Bad input in one rank is bad input of the whole run (the others mostly fail only from losing it), and
        // only status 2 tells a script that retrying the same command is pointless. Any other failure, a rank's
        // crash or signal included (its status is named above), is the run's failure: status 1, as from one
        // process.
        if (badInput) {
            return Main.USAGE;
        }
        return firstFailure == Main.OK ? Main.OK : Main.FAILED;
    }

    private static boolean endedThroughMain(int status) {
        return status == Main.FAILED || status == Main.USAGE || status == Main.INTERRUPTED;
    }

    private static List<Process> stopStragglers(List<Process> workers, int failedRank, Duration grace,
            PrintStream err) {
        List<Process> stopped = new ArrayList<>();
        for (int rank = 0; rank < workers.size(); rank++) {
            Process worker = workers.get(rank);
            if (worker.isAlive()) {
                err.println("lightspeed train: rank " + rank + " still running " + grace.toSeconds()
                        + " s after rank " + failedRank + " failed; stopping it");
                worker.destroyForcibly();
                stopped.add(worker);
            }
        }
        return stopped;
    }

    /**
     * Ctrl-C in a terminal reaches the workers too (the whole foreground process group gets SIGINT), and they stop
     * by themselves at their next step, with their files whole: so the hook only waits. A {@code kill} reaches the
     * launcher alone; SIGTERM is how the workers are told in that case, which they take as a Ctrl-C and which is
     * harmless to a worker that is already stopping.
     */
    private static void stopOnShutdown(List<Process> workers) {
        List<Process> started;
        synchronized (workers) {
            started = List.copyOf(workers);
        }
        started.stream().filter(Process::isAlive).forEach(Process::destroy);
        long deadline = System.nanoTime() + SHUTDOWN_GRACE.toNanos();
        try {
            for (Process worker : started) {
                worker.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        started.stream().filter(Process::isAlive).forEach(Process::destroyForcibly);
    }

    /** A TCP port that was free on the loopback address a moment ago, for rank 0's store. */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK))) {
            return socket.getLocalPort();
        }
    }

    /** The command line minus {@code --nproc N} and {@code --nproc=N}: what the workers run. */
    static List<String> withoutNproc(List<String> args) {
        List<String> kept = new ArrayList<>(args.size());
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("--nproc")) {
                i++;
            } else if (!arg.startsWith("--nproc=")) {
                kept.add(arg);
            }
        }
        return kept;
    }

    /**
     * How to start this JVM again on this program: the same java executable with the same JVM options (memory,
     * native access, system properties) and class path. A debugger agent is left out, since its port is taken by
     * this JVM and every worker would fail to start.
     */
    static List<String> javaCommand() {
        List<String> command = new ArrayList<>();
        command.add(ProcessHandle.current().info().command().orElseGet(() ->
                System.getProperty("java.home") + File.separator + "bin" + File.separator + "java"));
        for (String option : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (!option.startsWith("-agentlib:jdwp")) {
                command.add(option);
            }
        }
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(MAIN_CLASS);
        return command;
    }

    private static boolean hasThreads(List<String> args) {
        return args.stream().anyMatch(a -> a.equals("--threads") || a.startsWith("--threads="));
    }
}
