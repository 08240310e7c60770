package dev.lightspeed.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.data.Cifar10;
import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.Holdout;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.DatasetInfo;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Normalization;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.RunInterrupted;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.models.run.RunStatus;
import dev.lightspeed.models.run.RunSummary;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class TrainingTest {

    /** Pinned, so that what a test checks does not depend on whether the CPU has native bf16. */
    private static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");

    private static Recipe tinyRecipe() {
        return TinyRun.recipe();
    }

    private static Dataset tinyData() {
        return TinyRun.data();
    }

    /** The CPU at {@code precision}; bf16 only where the CPU computes it natively (emulated it is too slow). */
    private static ComputeDevice cpu(String precision) {
        assumeTrue(!precision.equals("bf16") || ComputeDevice.cpuHasBf16(),
                "this CPU has no native bf16 (AVX512_BF16 or AMX); skipping the bf16 variant");
        return ComputeDevice.resolve("cpu", precision);
    }

    private static Training training(Recipe recipe, Dataset data, long seed, ComputeDevice device) {
        return Training.of(recipe, data).withSeed(seed).withDevice(device).withEvalBatch(50);
    }

    private static RunResult train(Recipe recipe, Dataset data, long seed, ComputeDevice device, Path out)
            throws Exception {
        return training(recipe, data, seed, device).start(RunFolder.create(out));
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fp32", "bf16"})
    void sameSeedGivesTheSameRunAndTheCheckpointReproducesItsLogits(String precision, @TempDir Path dir)
            throws Exception {
        ComputeDevice device = cpu(precision);
        Threads.configure(0);
        Dataset data = tinyData().holdOut(new Holdout(100, 5));
        RunResult first = train(tinyRecipe(), data, 42, device, dir.resolve("a"));
        RunResult second = train(tinyRecipe(), data, 42, device, dir.resolve("b"));
        assertEquals(first.summary().ttaTestAcc(), second.summary().ttaTestAcc());
        assertEquals(first.epochs().get(1).training().loss(), second.epochs().get(1).training().loss());
        assertEquals(RunStatus.FINISHED, first.summary().status());

        Checkpoint checkpoint = Checkpoint.load(first.checkpoint());
        assertEquals(42, checkpoint.seed());
        assertEquals(2, checkpoint.epoch());
        assertEquals(first.summary().ttaTestAcc(), checkpoint.accuracy());
        List<String> lines = Files.readAllLines(dir.resolve("a").resolve("metrics.jsonl"));
        assertEquals(2, lines.size());
        JsonNode last = new ObjectMapper().readTree(lines.get(1));
        assertEquals(2, last.get("epoch").asInt());
        assertTrue(last.get("tta_test_acc").isNumber());
        assertTrue(last.get("tta_val_acc").isNumber());
        assertTrue(new ObjectMapper().readTree(lines.get(0)).get("tta_val_acc").isNull());
        double valAcc = last.get("val_acc").asDouble();
        // 100 held-out images: an accuracy is a whole number of them.
        assertEquals(Math.round(valAcc * 100), valAcc * 100, 1e-9);
        assertEquals(100, first.summary().holdout());
        assertEquals(first.epochs(), RunFolder.open(dir.resolve("a")).readMetrics(), "metrics.jsonl reads back whole");
        assertEquals(first.summary(), RunFolder.open(dir.resolve("a")).readSummary().orElseThrow());
        assertTrue(last.get("peak_rss_bytes").asLong() > 0);

        // The saved weights give the same evaluation as the trained network.
        Network reloaded = Network.fromValues(checkpoint.architecture(), device, checkpoint.tensors());
        DeviceImages test = DeviceImages.upload(data.test(), checkpoint.normalization(), device);
        assertEquals(first.summary().ttaTestAcc(), Evaluation.evaluate(reloaded, test, 2, 50).accuracy());
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"fp32", "bf16"})
    void aRunStoppedAfterOneEpochAndResumedEndsWhereTheUninterruptedRunEnds(String precision, @TempDir Path dir)
            throws Exception {
        ComputeDevice device = cpu(precision);
        Threads.configure(0);
        Dataset data = tinyData();
        RunResult whole = train(tinyRecipe(), data, 7, device, dir.resolve("whole"));

        Path out = dir.resolve("split");
        int[] steps = {0};
        TrainingListener counter = new TrainingListener() {
            @Override
            public void step(int epoch, int stepInEpoch, int stepsPerEpoch) {
                steps[0]++;
            }
        };
        // Ask to stop once the first epoch's 4 steps are done, as Ctrl-C would.
        RunInterrupted stopped = assertThrows(RunInterrupted.class, () -> training(tinyRecipe(), data, 7, device)
                .withListener(counter).withStopRequest(() -> steps[0] >= 4).start(RunFolder.create(out)));
        assertEquals("interrupted at epoch 2, step 1; the last complete epoch (1) is saved in " + out,
                stopped.getMessage());
        assertEquals(1, stopped.epochsSaved());
        RunFolder folder = RunFolder.open(out);
        assertEquals(1, Checkpoint.load(folder.model()).epoch());
        assertFalse(folder.hasSummary(), "an interrupted run has not ended");

        for (Training other : List.of(training(tinyRecipe().with("epochs", "3"), data, 7, device),
                training(tinyRecipe(), data, 8, device))) {
            InputError refused = assertThrows(InputError.class, () -> other.resume(RunFolder.open(out)));
            assertTrue(refused.getMessage().contains("another recipe or seed"), refused.getMessage());
        }
        InputError otherHoldout = assertThrows(InputError.class, () -> training(tinyRecipe(),
                tinyData().holdOut(new Holdout(20, 7)), 7, device).resume(RunFolder.open(out)));
        assertTrue(otherHoldout.getMessage().contains("held out no images, not 20 images (seed 7)"),
                otherHoldout.getMessage());
        RunResult rest = training(tinyRecipe(), data, 7, device).resume(RunFolder.open(out));
        assertEquals(1, rest.epochs().size());
        assertEquals(whole.epochs().get(1).training().loss(), rest.epochs().get(0).training().loss());
        assertEquals(whole.summary().ttaTestAcc(), rest.summary().ttaTestAcc());
        assertEquals(2, RunFolder.open(out).readMetrics().size());
        InputError finished = assertThrows(InputError.class,
                () -> training(tinyRecipe(), data, 7, device).resume(RunFolder.open(out)));
        assertTrue(finished.getMessage().contains("nothing to continue"), finished.getMessage());
    }

    @Test
    void evalEveryScoresOnlyItsEpochsAndTheLastAndLeavesTheTrainingAsItWas(@TempDir Path dir) throws Exception {
        Threads.configure(0);
        Recipe threeEpochs = tinyRecipe().with("epochs", "3");
        Dataset data = tinyData().holdOut(new Holdout(100, 5));
        RunResult every = training(threeEpochs, data, 3, FP32).start(RunFolder.create(dir.resolve("every")));
        RunResult second = training(threeEpochs, data, 3, FP32).withEvalEvery(2)
                .start(RunFolder.create(dir.resolve("second")));

        // Epoch 1 is not scored, epoch 2 is (every 2nd), epoch 3 is the last.
        assertNull(second.epochs().get(0).test());
        assertNull(second.epochs().get(0).validation());
        assertEquals(every.epochs().get(1).test(), second.epochs().get(1).test());
        assertEquals(every.epochs().get(1).validation(), second.epochs().get(1).validation());
        assertEquals(every.summary().ttaTestAcc(), second.summary().ttaTestAcc());
        assertEquals(every.summary().valAcc(), second.summary().valAcc());
        for (int epoch = 0; epoch < 3; epoch++) {
            assertEquals(every.epochs().get(epoch).training(), second.epochs().get(epoch).training(),
                    "scoring must not change the training");
        }
        List<String> lines = Files.readAllLines(dir.resolve("second").resolve("metrics.jsonl"));
        JsonNode first = new ObjectMapper().readTree(lines.get(0));
        assertTrue(first.get("test_acc").isNull());
        assertTrue(first.get("val_acc").isNull());
        assertEquals(second.epochs(), RunFolder.open(dir.resolve("second")).readMetrics(),
                "an epoch not scored reads back as not scored");
        assertEquals(3, Checkpoint.load(second.checkpoint()).epoch());
        assertEquals(second.summary().ttaTestAcc(), Checkpoint.load(second.checkpoint()).accuracy());

        InputError zero = assertThrows(InputError.class, () -> training(threeEpochs, data, 3, FP32).withEvalEvery(0));
        assertTrue(zero.getMessage().contains("eval-every must be at least 1"), zero.getMessage());
    }

    @Test
    void aRunStoppedInItsFirstEpochLeavesNoFolderBehind(@TempDir Path dir) {
        Threads.configure(0);
        Path out = dir.resolve("new/run");
        RunInterrupted stopped = assertThrows(RunInterrupted.class, () -> training(tinyRecipe(), tinyData(), 1, FP32)
                .withStopRequest(() -> true).start(RunFolder.create(out)));
        assertEquals(0, stopped.epochsSaved());
        assertTrue(stopped.getMessage().endsWith("nothing was saved"), stopped.getMessage());
        assertFalse(Files.exists(dir.resolve("new")), "the folders the run made are gone again");
    }

    @Test
    void aDivergingRunEndsWithADivergedSummaryThatNamesTheStep(@TempDir Path dir) throws Exception {
        Threads.configure(0);
        Recipe exploding = tinyRecipe().with("lr-scale", "1e30");
        RunResult result = train(exploding, tinyData(), 1, FP32, dir.resolve("x"));
        assertTrue(result.diverged());
        RunSummary summary = RunFolder.open(dir.resolve("x")).readSummary().orElseThrow();
        assertEquals(RunStatus.DIVERGED, summary.status());
        int step = summary.divergedAtStep();
        assertTrue(step >= 1 && step <= 8, "a step of the run's 8: " + step);
        assertNull(summary.testAcc());
        assertNull(summary.ttaTestAcc());
        assertTrue(result.divergence().matches("the loss became (NaN|-?Infinity) at step " + step
                + " \\(epoch \\d, step \\d of 4\\)"), result.divergence());
        assertEquals(step > 4 ? 1 : 0, result.epochs().size(), "rows of the epochs completed before it");
        assertEquals(step > 4, summary.checkpoint() != null, "the checkpoint of an epoch completed before it");
        JsonNode written = new ObjectMapper().readTree(dir.resolve("x").resolve("summary.json").toFile());
        assertEquals("diverged", written.get("status").asText());
        assertEquals(step, written.get("diverged_at_step").asInt());
    }

    @Test
    void aResnet9RunTrainsWithoutAStemAndReportsItsMeanLossPerImage(@TempDir Path dir) throws Exception {
        Threads.configure(0);
        // Narrow and short: SGD filters, a mean loss, random flips, cutout, a warm-up; no whitening stem to fit.
        Recipe recipe = Presets.named("resnet9").with("width-scale", "0.125").with("epochs", "2")
                .with("batch-size", "100");
        RunResult run = train(recipe, tinyData(), 4, FP32, dir.resolve("resnet9"));
        assertEquals(RunStatus.FINISHED, run.summary().status());
        assertEquals(2, run.epochs().size());
        // The epoch's loss is per image whatever the reduction: about ln 10 on random labels, not a hundredth of it.
        for (var epoch : run.epochs()) {
            double loss = epoch.training().loss();
            assertTrue(loss > 1 && loss < 5, "training loss per image " + loss);
        }
        Checkpoint checkpoint = Checkpoint.load(run.checkpoint());
        assertTrue(checkpoint.architecture().whitening().isEmpty());
        Network reloaded = Network.fromValues(checkpoint.architecture(), FP32, checkpoint.tensors());
        DeviceImages test = DeviceImages.upload(tinyData().test(), checkpoint.normalization(), FP32);
        assertEquals(run.summary().ttaTestAcc(), Evaluation.evaluate(reloaded, test, recipe.ttaLevel(), 50)
                .accuracy());
    }

    @Test
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    void theNetworkIsFittedToTheDatasetsImagesAndClasses() {
        Recipe recipe = tinyRecipe();
        assertEquals(recipe, Training.fit(recipe, tinyData()), "airbench94 on CIFAR-10 is its own fit");

        List<String> hundredClasses = new ArrayList<>();
        for (int c = 0; c < 100; c++) {
            hundredClasses.add("class " + c);
        }
        DatasetInfo cifarShaped = Cifar10.INFO;
        DatasetInfo moreClasses = new DatasetInfo("hundred", hundredClasses, cifarShaped.channels(),
                cifarShaped.imageSize(), cifarShaped.normalization());
        Recipe hundred = Training.fit(recipe, new Dataset(moreClasses, SyntheticData.randomSplit(400, 3),
                SyntheticData.randomSplit(100, 4)));
        assertEquals(100, hundred.architecture().numClasses());
        assertEquals(recipe.architecture().layers(), hundred.architecture().layers());
        assertArrayEquals(new long[] {100, 256}, hundred.architecture().tensorShapes().get("head.weight"));

        // 64 px gray: 63 after the 2×2 whitening conv, then 31, 15 and 7 after the three groups' pools, which the
        // global max pool takes whole: the head sees one vector of 256 per image, as on 32 px.
        Dataset gray64 = grayDataset(64);
        Recipe fitted = Training.fit(recipe, gray64);
        assertEquals(1, fitted.architecture().inputChannels());
        assertEquals(64, fitted.architecture().imageSize());
        assertEquals(recipe.architecture().layers(), fitted.architecture().layers());
        assertArrayEquals(new long[] {8, 1, 2, 2}, fitted.architecture().tensorShapes().get("whiten.weight"));
        assertArrayEquals(new long[] {10, 256}, fitted.architecture().tensorShapes().get("head.weight"));
        Network network = Network.initialize(fitted.architecture(), FP32, 0);
        DeviceImages images = DeviceImages.upload(gray64.test(), gray64.info().normalization(), FP32);
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor logits = network.forward(images.images().narrow(0, 0, 4), false, false);
            assertEquals(List.of(4L, 10L), List.of(logits.size(0), logits.size(1)));
        }

        String small = assertThrows(InputError.class, () -> Training.fit(recipe, grayDataset(8))).getMessage();
        // 8 px: 7 after the whitening conv, then 3 and 1, which the third group's pool cannot halve.
        assertTrue(small.contains("1×8×8 images do not fit") && small.contains("groups.2")
                && small.contains("use larger images"), small);
        String batch = assertThrows(InputError.class,
                () -> Training.fit(recipe.with("batch-size", "500"), tinyData())).getMessage();
        assertTrue(batch.contains("larger than the training set (400 images)"), batch);
    }

    private static Dataset grayDataset(int size) {
        DatasetInfo gray = new DatasetInfo("gray", Cifar10.INFO.classes(), 1, size,
                new Normalization(List.of(0.5), List.of(0.25)));
        byte[] pixels = new byte[100 * size * size];
        new java.util.Random(1).nextBytes(pixels);
        ImageSplit images = new ImageSplit(pixels, new int[100], 1, size);
        return new Dataset(gray, images, images);
    }

    @Test
    void shortRunOnTheRealDataLearns(@TempDir Path dir) throws Exception {
        String folder = System.getProperty("lightspeed.cifar10", System.getenv("LIGHTSPEED_CIFAR10"));
        assumeTrue(folder != null && Files.isDirectory(Path.of(folder)), "real CIFAR-10 not found; skipping");
        Threads.configure(0);
        Dataset full = Cifar10.load(Path.of(folder));
        Dataset data = new Dataset(full.info(), full.train().head(10_000), full.test().head(2_000));
        Recipe recipe = Presets.named("airbench94").with("epochs", "2").with("batch-size", "500");
        RunSummary result = train(recipe, data, 0, ComputeDevice.resolve("cpu", "auto"), dir.resolve("real"))
                .summary();
        System.out.printf("short real-data run: TTA accuracy %.4f in %.1f s%n", result.ttaTestAcc(),
                result.trainSeconds());
        // Chance is 0.10; two short epochs on a fifth of the data reach well above 0.5 when the recipe works.
        assertTrue(result.ttaTestAcc() > 0.55, "accuracy " + result.ttaTestAcc());
    }
}
