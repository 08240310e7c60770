package dev.lightspeed.cli;

import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.data.Cifar10;
import dev.lightspeed.data.ClassifiedSplit;
import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.OnnxExporter;
import dev.lightspeed.infer.EvalSettings;
import dev.lightspeed.infer.OnnxClassifier;
import dev.lightspeed.data.Pixels;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.report.EvalReport;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.DeviceImages;
import dev.lightspeed.train.Evaluation;
import dev.lightspeed.train.Network;
import dev.lightspeed.train.SyntheticData;
import dev.lightspeed.train.Threads;
import dev.lightspeed.train.Training;
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
 * What README calls exact: the fp32 ONNX export, scored by ONNX Runtime, computes the logits that libtorch
 * computes in fp32 (eval mode) from the same checkpoint, up to float rounding, plain and with test-time
 * augmentation; so both predict the same class for every image whose top two logits are further apart than that
 * rounding. (The trainer's own figures are computed in bf16 where the CPU has it and are not claimed exact.)
 */
class LibtorchOnnxParityTest {

    private static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");
    /** Float rounding of fp32 logits summed in a different order by two engines. */
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
        checkpoint = Checkpoint.load(Training.of(recipe, data).withSeed(3).withDevice(FP32).withEvalBatch(100)
                .start(RunFolder.create(run)).checkpoint());
        plainModel = OnnxExporter.export(checkpoint, dir.resolve("plain.onnx"), ExportOptions.defaults()).path();
        ttaModel = OnnxExporter.export(checkpoint, dir.resolve("tta.onnx"), ExportOptions.defaults().withTta(true))
                .path();
    }

    /** Logits of the same images from libtorch fp32 and from ONNX Runtime, image after image. */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    private static void assertSameScores(Path model, ImageSplit images, int ttaLevel) {
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
        try (OnnxClassifier classifier = OnnxClassifier.open(model)) {
            actual = classifier.logits(pixels, images.count());
        }
        assertEquals(expected.length, actual.length);
        double max = 0;
        for (int i = 0; i < expected.length; i++) {
            max = Math.max(max, Math.abs(expected[i] - actual[i]));
        }
        assertTrue(max <= TOLERANCE, "max |Δ logit| = " + max);

        int classes = checkpoint.classes().size();
        for (int n = 0; n < images.count(); n++) {
            int libtorch = argmax(expected, n * classes, classes);
            int onnxRuntime = argmax(actual, n * classes, classes);
            double margin = expected[n * classes + libtorch] - expected[n * classes + onnxRuntime];
            if (libtorch != onnxRuntime) {
                assertTrue(margin <= 2 * TOLERANCE, "image " + n + ": libtorch predicts class " + libtorch
                        + ", ONNX Runtime class " + onnxRuntime + ", " + margin + " apart in libtorch's logits");
            }
        }
    }

    private static int argmax(float[] logits, int offset, int classes) {
        int best = 0;
        for (int k = 1; k < classes; k++) {
            if (logits[offset + k] > logits[offset + best]) {
                best = k;
            }
        }
        return best;
    }

    @Test
    void plainGraphMatchesLibtorchFp32OnARandomBatch() {
        assertSameScores(plainModel, SyntheticData.randomSplit(64, 9), 0);
    }

    @Test
    void ttaGraphMatchesLibtorchFp32TestTimeAugmentation() {
        assertSameScores(ttaModel, SyntheticData.randomSplit(32, 10), 2);
    }

    @Test
    void bothGraphsMatchLibtorchFp32OnRealTestImages() {
        String folder = System.getProperty("lightspeed.cifar10", System.getenv("LIGHTSPEED_CIFAR10"));
        assumeTrue(folder != null && Files.isDirectory(Path.of(folder)), "real CIFAR-10 not found; skipping");
        ImageSplit real = Cifar10.load(Path.of(folder)).test().head(200);
        assertSameScores(plainModel, real, 0);
        assertSameScores(ttaModel, real, 2);
    }

    @Test
    void onnxRuntimeEvaluationOfTheExportGivesLibtorchFp32Accuracy() {
        ImageSplit test = SyntheticData.randomSplit(100, 2);
        Network network = Network.fromValues(checkpoint.architecture(), FP32, checkpoint.tensors());
        double libtorch = Evaluation.evaluate(network, DeviceImages.upload(test, checkpoint.normalization(), FP32), 0,
                100).accuracy();
        try (OnnxClassifier classifier = OnnxClassifier.open(plainModel)) {
            EvalReport report = classifier.evaluate(new ClassifiedSplit("synthetic", checkpoint.classes(), test),
                    new EvalSettings(50, 1, false));
            assertEquals(libtorch, report.accuracy(), 1e-9);
        }
    }
}
