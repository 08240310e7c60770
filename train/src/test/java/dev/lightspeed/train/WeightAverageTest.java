package dev.lightspeed.train;

import dev.lightspeed.data.Dataset;
import dev.lightspeed.models.AirbenchLayout;
import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.layers.Layer;
import dev.lightspeed.models.run.RunFolder;
import org.bytedeco.pytorch.NoGradGuard;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WeightAverageTest {

    private static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");
    private static final ArchitectureSpec SMALL = AirbenchLayout.spec("airbench94", 3, 32, 10, 2, List.of(4, 8, 8),
            256.0, 1e-12, 0.4);
    private static final String HEAD_WEIGHT = "head.weight";
    private static final String WHITEN_BIAS = "whiten.bias";

    /** A network whose every value is {@code value}. */
    private static Network constant(float value) {
        Map<String, TensorData> values = new LinkedHashMap<>();
        SMALL.tensorShapes().forEach((name, shape) -> {
            float[] v = new float[(int) TensorData.elementCount(shape)];
            java.util.Arrays.fill(v, value);
            values.put(name, new TensorData(shape, v));
        });
        return Network.fromValues(SMALL, FP32, values);
    }

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    private static void setAll(Network network, float value) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            SMALL.tensorShapes().keySet().forEach(name -> network.tensor(name).fill_(new org.bytedeco.pytorch.Scalar(value)));
        }
    }

    private static float first(WeightAverage average, String name) {
        return average.snapshot().get(name).values()[0];
    }

    private static Recipe averaging(double decay, int start, int every) {
        return Presets.named(Presets.DEFAULT).with("ema-decay", Double.toString(decay))
                .with("ema-start-step", Integer.toString(start)).with("ema-every", Integer.toString(every));
    }

    @Test
    void theAverageFollowsTheFormulaFromItsStartStep() {
        Network network = constant(1f);
        WeightAverage average = WeightAverage.of(averaging(0.9, 2, 1), network);
        average.update(network, 0);
        average.update(network, 1);
        assertFalse(average.started(), "nothing is averaged before the start step");
        assertTrue(average.snapshot().isEmpty());

        // Values other than those the average was built from: the start step must copy, not keep the build's.
        setAll(network, 5f);
        average.update(network, 2);
        assertEquals(5f, first(average, HEAD_WEIGHT));
        setAll(network, 3f);
        average.update(network, 3);
        // 0.9·5 + 0.1·3
        assertEquals(4.8f, first(average, HEAD_WEIGHT), 1e-6);
        setAll(network, -1f);
        average.update(network, 4);
        assertEquals(0.9f * 4.8f + 0.1f * -1f, first(average, "groups.1.norm2.running_mean"), 1e-5);
    }

    @Test
    void updatingEveryKStepsRaisesTheDecayToThePowerK() {
        Network network = constant(0f);
        WeightAverage average = WeightAverage.of(averaging(0.9, 0, 2), network);
        setAll(network, 4f);
        average.update(network, 0);
        setAll(network, 10f);
        average.update(network, 1);
        assertEquals(4f, first(average, WHITEN_BIAS), "step 1 is between updates");
        average.update(network, 2);
        // 0.9²·4 + (1 − 0.9²)·10
        assertEquals(0.81f * 4f + (1 - 0.81f) * 10f, first(average, WHITEN_BIAS), 1e-5);
    }

    @Test
    void averagingObservesTrainingWithoutChangingIt(@TempDir Path dir) throws Exception {
        Threads.configure(0);
        Dataset data = SyntheticData.dataset(SyntheticData.randomSplit(400, 3), SyntheticData.randomSplit(100, 4));
        // A narrow network: what is checked here does not depend on its width.
        Recipe preset = Presets.named(Presets.DEFAULT);
        Recipe plain = preset.withArchitecture(preset.architecture().withLayers(AirbenchLayout.layers(
                new Layer.Whitening("whiten", 2, null, 200, 1), List.of(8, 16, 16), 256, 1e-12, 0.4)))
                .with("epochs", "2").with("batch-size", "100");
        Recipe averaged = plain.with("ema-decay", "0.8").with("ema-start-step", "2");
        RunResult without = Training.of(plain, data).withSeed(3).withDevice(FP32).withEvalBatch(50)
                .start(RunFolder.create(dir.resolve("plain")));
        RunResult with = Training.of(averaged, data).withSeed(3).withDevice(FP32).withEvalBatch(50)
                .start(RunFolder.create(dir.resolve("ema")));

        Checkpoint live = Checkpoint.load(without.checkpoint());
        Checkpoint both = Checkpoint.load(with.checkpoint());
        assertEquals(live.tensors(), both.tensors(), "the live weights are bit-identical with and without averaging");
        assertEquals(without.epochs().get(1).training().loss(), with.epochs().get(1).training().loss());
        assertFalse(live.hasAverage());
        assertTrue(both.hasAverage());
        assertNotEquals(both.tensors().get(HEAD_WEIGHT), both.emaTensors().get(HEAD_WEIGHT));

        assertNull(without.epochs().get(1).test().emaAccuracy());
        assertNotNull(with.epochs().get(0).test().emaAccuracy(), "the average started at step 2, inside epoch 1");
        assertNotNull(with.epochs().get(1).test().ttaEmaAccuracy());
        // The stored average scores what the run reported for it.
        Network averageNetwork = Network.fromValues(both.architecture(), FP32, both.emaTensors());
        DeviceImages test = DeviceImages.upload(data.test(), both.normalization(), FP32);
        assertEquals(with.epochs().get(1).test().ttaEmaAccuracy(),
                Evaluation.evaluate(averageNetwork, test, both.recipe().ttaLevel(), 50).accuracy());
    }
}
