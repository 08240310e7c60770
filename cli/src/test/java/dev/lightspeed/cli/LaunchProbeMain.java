package dev.lightspeed.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A stand-in worker for {@link LocalLaunchTest}: records what it was given into {@code DIR/rank-R}, waits until every
 * rank has done so, then does what {@code ACTIONS} (one per rank, comma-separated) says: {@code N} exits with N,
 * {@code N@MS} exits with N after MS milliseconds, {@code sleep} sleeps 600 s and writes {@code DIR/stopped-R} if it
 * is stopped by a signal that lets it shut down. It prints nothing: its output streams are the test JVM's.
 * <p>{@code java dev.lightspeed.cli.LaunchProbeMain DIR ACTIONS [ARG...]}
 */
final class LaunchProbeMain {

    static final String[] ENV = {"RANK", "WORLD_SIZE", "LOCAL_RANK", "LOCAL_WORLD_SIZE", "MASTER_ADDR", "MASTER_PORT",
            "TORCH_CPP_LOG_LEVEL", "PATH"};

    private LaunchProbeMain() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        String[] actions = args[1].split(",");
        int rank = Integer.parseInt(System.getenv("RANK"));
        int world = Integer.parseInt(System.getenv("WORLD_SIZE"));

        String action = actions[rank];
        if (action.equals("sleep")) {
            // Before the rank file appears: the test signals a sleeper as soon as it sees that file.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    Files.writeString(dir.resolve("stopped-" + rank), "stopped");
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }));
        }

        List<String> lines = new ArrayList<>();
        lines.add("pid=" + ProcessHandle.current().pid());
        for (String name : ENV) {
            lines.add(name + "=" + System.getenv(name));
        }
        lines.add("stdout=" + link("/proc/self/fd/1"));
        lines.add("stderr=" + link("/proc/self/fd/2"));
        lines.add("args=" + String.join(" ", Arrays.asList(args).subList(2, args.length)));
        // Written whole and then renamed, so that the test and the other ranks never read half a file.
        Path partial = dir.resolve("rank-" + rank + ".partial");
        Files.write(partial, lines, StandardCharsets.UTF_8);
        Files.move(partial, dir.resolve("rank-" + rank), StandardCopyOption.ATOMIC_MOVE);

        long deadline = System.nanoTime() + 60_000_000_000L;
        for (int r = 0; r < world; r++) {
            while (!Files.exists(dir.resolve("rank-" + r)) && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }

        if (action.equals("sleep")) {
            Thread.sleep(600_000);
            System.exit(0);
        }
        String[] statusAndDelay = action.split("@");
        if (statusAndDelay.length > 1) {
            Thread.sleep(Long.parseLong(statusAndDelay[1]));
        }
        System.exit(Integer.parseInt(statusAndDelay[0]));
    }

    private static String link(String path) {
        try {
            return Files.readSymbolicLink(Path.of(path)).toString();
        } catch (IOException | UnsupportedOperationException e) {
            return "?";
        }
    }
}
