package dev.lightspeed.cli;

import dev.lightspeed.data.Cifar10;
import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.OnnxExporter;
import dev.lightspeed.infer.EvalReport;
import dev.lightspeed.infer.EvalSettings;
import dev.lightspeed.infer.Evaluator;
import dev.lightspeed.data.Pixels;
import dev.lightspeed.infer.ScoringSession;
import dev.lightspeed.infer.SessionSettings;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.DeviceImages;
import dev.lightspeed.train.Evaluation;
import dev.lightspeed.train.Network;
import dev.lightspeed.train.RunOutput;
import dev.lightspeed.train.SyntheticData;
import dev.lightspeed.train.Threads;
import dev.lightspeed.train.TrainConfig;
import dev.lightspeed.train.Trainer;
import dev.lightspeed.train.TrainingListener;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The trainer's network (libtorch, fp32, eval mode) and its ONNX export (ONNX Runtime) compute the same logits,
 * plain and with test-time augmentation, on a model trained here on synthetic data.
 */
class LibtorchOnnxParityTest {

    private static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");
    private static final double TOLERANCE = 1e-4;

    @TempDir
    static Path dir;
    private static Checkpoint checkpoint;
    private static Path plainModel;
    private static Path ttaModel;

    @BeforeAll
    static void trainAndExport() throws Exception {
        Threads.configure(0);
        Recipe recipe = Presets.named("airbench94").with("epochs", "2").with("batch-size", "100")
                .with("whitening-samples", "300");
        Dataset data = SyntheticData.dataset(SyntheticData.randomSplit(300, 1),
                SyntheticData.randomSplit(100, 2));
        Path run = dir.resolve("run");
        new Trainer(new TrainConfig(recipe, 3, FP32, false, 100, false), new TrainingListener() { }, () -> false)
                .run(data, RunOutput.prepare(run));
        checkpoint = Checkpoint.load(run.resolve(RunOutput.MODEL));
        plainModel = OnnxExporter.export(checkpoint, dir.resolve("plain.onnx"), ExportOptions.defaults()).path();
        ttaModel = OnnxExporter.export(checkpoint, dir.resolve("tta.onnx"), ExportOptions.defaults().withTta(true))
                .path();
    }

    private static double maxDifference(Path model, ImageSplit images, int ttaLevel) {
        Network network = Network.fromValues(checkpoint.architecture(), FP32, checkpoint.tensors());
        DeviceImages device = DeviceImages.upload(images, checkpoint.normalization(), FP32);
        float[] expected;
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor logits = Evaluation.logits(network, device.images(), ttaLevel).contiguous();
            expected = new float[(int) logits.numel()];
            ((FloatBuffer) logits.createBuffer()).get(expected);
        }
        float[] pixels = new float[images.count() * images.imageBytes()];
        Pixels.toUnitRange(images.images(), images.imageBytes(), 0, images.count(), pixels);
        float[] actual;
        try (ScoringSession session = ScoringSession.open(model, SessionSettings.cpu())) {
            actual = session.logits(pixels, images.count());
        }
        assertEquals(expected.length, actual.length);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        return max;
    }

    @Test
    void plainGraphMatchesTheTrainerOnARandomBatch() {
        double max = maxDifference(plainModel, SyntheticData.randomSplit(64, 9), 0);
        assertTrue(max <= TOLERANCE, "max |Δ logit| = " + max);
    }

    @Test
    void ttaGraphMatchesTheTrainersTestTimeAugmentation() {
        double max = maxDifference(ttaModel, SyntheticData.randomSplit(32, 10), 2);
        assertTrue(max <= TOLERANCE, "max |Δ logit| = " + max);
    }

    @Test
    void bothGraphsMatchOnRealTestImages() {
        String folder = System.getProperty("lightspeed.cifar10", System.getenv("LIGHTSPEED_CIFAR10"));
        assumeTrue(folder != null && Files.isDirectory(Path.of(folder)), "real CIFAR-10 not found; skipping");
        ImageSplit real = Cifar10.load(Path.of(folder)).test().head(200);
        double plain = maxDifference(plainModel, real, 0);
        double tta = maxDifference(ttaModel, real, 2);
        assertTrue(plain <= TOLERANCE && tta <= TOLERANCE, "max |Δ logit| plain " + plain + ", tta " + tta);
    }

    @Test
    void onnxRuntimeEvaluationOfTheExportGivesTheTrainersAccuracy() {
        ImageSplit test = SyntheticData.randomSplit(100, 2);
        Network network = Network.fromValues(checkpoint.architecture(), FP32, checkpoint.tensors());
        double trainer = Evaluation.evaluate(network, DeviceImages.upload(test, checkpoint.normalization(), FP32), 0,
                100).accuracy();
        try (ScoringSession session = ScoringSession.open(plainModel, SessionSettings.cpu())) {
            EvalReport report = Evaluator.evaluate(session, test, new EvalSettings(50, 1, false));
            assertEquals(trainer, report.accuracy(), 1e-9);
        }
    }
}
