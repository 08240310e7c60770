package dev.lightspeed.train;

import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.SafeTensors;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.models.run.RunSummary;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Data-parallel replicas as separate processes joined over 127.0.0.1 through c10d and Gloo. */
class DataParallelTest {

    @TempDir
    Path dir;

    /** A rank's process, its one line of output and exit status. */
    private record Rank(Process process, Path output) {

        int exit(long seconds) throws InterruptedException {
            assertTrue(process.waitFor(seconds, TimeUnit.SECONDS), "rank still running after " + seconds + " s");
            return process.exitValue();
        }

        /** The probe's line: its last, after what Gloo itself prints when the group forms. */
        String line() throws IOException {
            List<String> lines = Files.readString(output, StandardCharsets.UTF_8).strip().lines().toList();
            return lines.isEmpty() ? "" : lines.get(lines.size() - 1);
        }
    }

    private Rank start(String mode, int port, int rank, int world, String arg) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), ReplicaProbe.class.getName(), mode,
                Integer.toString(port), Integer.toString(rank), Integer.toString(world), dir.toString()));
        if (arg != null) {
            command.add(arg);
        }
        Path output = dir.resolve(mode + "-" + rank + ".out");
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(output.toFile())
                .redirectError(dir.resolve(mode + "-" + rank + ".err").toFile());
        builder.environment().put("TORCH_CPP_LOG_LEVEL", "ERROR");
        return new Rank(builder.start(), output);
    }

    private List<Rank> startAll(String mode, int world, String... args) throws IOException {
        int port = freePort();
        List<Rank> ranks = new ArrayList<>();
        for (int r = 0; r < world; r++) {
            ranks.add(start(mode, port, r, world, args.length > r ? args[r] : null));
        }
        return ranks;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {Recipe.SUM, Recipe.MEAN})
    void combinedGradientIsTheWholeBatchsGradient(String reduction) throws Exception {
        List<Rank> ranks = startAll("gradient", 2, reduction, reduction);
        for (Rank r : ranks) {
            assertEquals(0, r.exit(120), r.line());
        }
        Recipe recipe = ReplicaProbe.recipe(reduction);
        Network network = Network.fromValues(recipe.architecture(), ReplicaProbe.FP32,
                SafeTensors.read(dir.resolve("initial.safetensors")).tensors());
        DeviceImages train = ReplicaProbe.batch();
        Tensor images = train.images().narrow(0, 0, ReplicaProbe.GLOBAL_BATCH);
        Tensor labels = train.labels().narrow(0, 0, ReplicaProbe.GLOBAL_BATCH);
        Trainer.trainingLoss(network.forward(images, false, true), labels, recipe).backward();
        Map<String, TensorData> whole = ReplicaProbe.gradients(network);
        assertFalse(whole.isEmpty());
        for (int rank = 0; rank < 2; rank++) {
            Map<String, TensorData> combined = SafeTensors.read(dir.resolve("gradient-" + rank + ".safetensors"))
                    .tensors();
            assertEquals(whole.keySet(), combined.keySet());
            for (String name : whole.keySet()) {
                float[] expected = whole.get(name).values();
                float[] actual = combined.get(name).values();
                double largest = 0;
                for (float v : expected) {
                    largest = Math.max(largest, Math.abs(v));
                }
                for (int i = 0; i < expected.length; i++) {
                    assertEquals(expected[i], actual[i], 1e-5 * Math.max(1, largest),
                            name + "[" + i + "] on rank " + rank);
                }
            }
        }
    }

    @Test
    void twoReplicasTrainInStepAndOnlyRankZeroWrites() throws Exception {
        List<Rank> ranks = startAll("train", 2);
        for (Rank r : ranks) {
            // The loop checks after every epoch that the replicas' weights are identical, and fails if not.
            assertEquals(0, r.exit(300), r.line());
        }
        RunSummary summary = RunFolder.open(dir.resolve("run")).readSummary().orElseThrow();
        assertEquals(2, summary.worldSize());
        assertEquals(2, RunFolder.open(dir.resolve("run")).readMetrics().size());
        assertFalse(Files.exists(dir.resolve("run-1")), "rank 1 wrote a run folder");
    }

    @Test
    void aShortRealDataRunOnTwoReplicasLearnsAsOneProcessDoes() throws Exception {
        String folder = System.getProperty("lightspeed.cifar10", System.getenv("LIGHTSPEED_CIFAR10"));
        assumeTrue(folder != null && Files.isDirectory(Path.of(folder)), "real CIFAR-10 not found; skipping");
        List<Rank> ranks = startAll("real", 2, folder, folder);
        for (Rank r : ranks) {
            assertEquals(0, r.exit(900), r.line());
        }
        String[] printed = Files.readString(ranks.get(0).output()).strip().lines()
                .filter(l -> l.startsWith("tta_test_acc")).findFirst().orElseThrow().split(" ");
        double accuracy = Double.parseDouble(printed[1]);
        System.out.printf("short real-data run on 2 replicas: TTA accuracy %.4f in %s s%n", accuracy, printed[3]);
        // TrainingTest's floor for the same run in one process: chance is 0.10.
        assertTrue(accuracy > 0.55, "accuracy " + accuracy);
    }

    @Test
    void weightsThatDifferAreFoundOnEveryRank() throws Exception {
        List<Rank> ranks = startAll("drift", 2);
        for (Rank r : ranks) {
            assertEquals(1, r.exit(120), r.line());
            assertTrue(r.line().startsWith("the data-parallel replicas' weights differ after epoch 1"), r.line());
        }
        assertTrue(ranks.get(1).line().contains("(rank 1's from rank 0's)"), ranks.get(1).line());
    }

    @Test
    void aRankThatDiesStopsTheOthersWithOneLine() throws Exception {
        List<Rank> ranks = startAll("lose", 2);
        assertEquals(9, ranks.get(1).exit(120));
        // Well within the 60 s timeout: a closed connection is noticed at once.
        assertEquals(1, ranks.get(0).exit(30), ranks.get(0).line());
        String line = ranks.get(0).line();
        assertTrue(line.startsWith("data-parallel rank 1 stopped ("), line);
        assertTrue(line.endsWith("; rank 0 stops too"), line);
    }

    @Test
    void aRankThatHangsStopsTheOthersWithinTheTimeout() throws Exception {
        List<Rank> ranks = startAll("hang", 2);
        try {
            long started = System.nanoTime();
            assertEquals(1, ranks.get(0).exit(60), ranks.get(0).line());
            assertTrue((System.nanoTime() - started) / 1e9 < 40, "took too long to give up");
            assertTrue(ranks.get(0).line().startsWith("data-parallel rank 1 did not answer within 4 s"),
                    ranks.get(0).line());
        } finally {
            ranks.get(1).process().destroyForcibly();
        }
    }

    @Test
    void aRankThatNeverJoinsIsNamed() throws Exception {
        Rank alone = start("alone", freePort(), 0, 2, null);
        assertEquals(1, alone.exit(60), alone.line());
        assertEquals("rank 1 did not join within 4 s; start all 2 ranks (or raise the timeout)", alone.line());
    }

    @Test
    void ranksStartedDifferentlyAreRefusedOnEveryRank() throws Exception {
        List<Rank> ranks = startAll("identity", 2, "airbench94", "resnet9");
        for (Rank r : ranks) {
            assertEquals(2, r.exit(120), r.line());
            assertEquals("rank 1 was started with another recipe than rank 0 (resnet9 against rank 0's airbench94);"
                    + " start every rank with the same command line", r.line());
        }
    }

    @Test
    void aMasterPortInUseIsOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket(0)) {
            Rank first = start("alone", taken.getLocalPort(), 0, 2, null);
            assertEquals(2, first.exit(60), first.line());
            assertEquals("master port " + taken.getLocalPort() + " is in use on 127.0.0.1 (another run or program"
                    + " holds it); choose another MASTER_PORT", first.line());
        }
    }
}
