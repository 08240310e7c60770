package dev.lightspeed.cli;

import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.data.Cifar10;
import dev.lightspeed.data.ClassifiedSplit;
import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.ExportResult;
import dev.lightspeed.export.Precision;
import dev.lightspeed.infer.EvalSettings;
import dev.lightspeed.infer.OnnxClassifier;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.report.EvalReport;
import dev.lightspeed.train.ComputeDevice;
import dev.lightspeed.train.RunResult;
import dev.lightspeed.train.Threads;
import dev.lightspeed.train.Training;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.OptionalInt;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * int8 on a trained network rather than random weights: a short run on synthetic images whose class shows in
 * their colour and stripes, exported fp32 and int8 through the export path the commands use, both scored on
 * held-out images of the same kind.
 */
class Int8TrainedModelTest {

    /** Held-out images scored; the tolerance below is stated in images of these. */
    private static final int TEST_IMAGES = 500;
    /** int8 may get at most this many of the held-out images wrong that fp32 gets right, net (2 %). */
    private static final int TOLERATED_IMAGES = 10;
    /** Far above the 10 % of guessing among ten classes. */
    private static final double FAR_ABOVE_CHANCE = 0.6;

    @TempDir
    Path dir;

    @Test
    void int8ScoresWithinToleranceOfFp32OnATrainedModel() throws Exception {
        Threads.configure(0);
        Dataset data = new Dataset(Cifar10.INFO, patterned(500, 1), patterned(TEST_IMAGES, 2));
        Recipe recipe = Presets.named("airbench94").with("epochs", "2").with("batch-size", "100")
                .with("whitening-samples", "500").with("whiten-bias-epochs", "1");
        ComputeDevice fp32 = ComputeDevice.resolve("cpu", "fp32");
        Path run = dir.resolve("run");
        RunResult trained = Training.of(recipe, data).withSeed(7).withDevice(fp32).withEvalBatch(250)
                .start(RunFolder.create(run));
        Checkpoint checkpoint = Checkpoint.load(trained.checkpoint());

        ExportOptions options = ExportOptions.defaults();
        ExportResult floatModel = ModelExport.write(checkpoint, dir.resolve("fp32.onnx"), options, data::train,
                OptionalInt.empty());
        ExportResult int8Model = ModelExport.write(checkpoint, dir.resolve("int8.onnx"),
                options.withPrecision(Precision.INT8), data::train, OptionalInt.empty());
        EvalReport floatReport = evaluate(floatModel.path(), checkpoint, data.test());
        EvalReport int8Report = evaluate(int8Model.path(), checkpoint, data.test());

        assertEquals(500, int8Model.calibrationImages(), "the default takes the whole of a smaller split");
        assertEquals("int8", int8Report.precision());
        assertTrue(floatReport.accuracy() > FAR_ABOVE_CHANCE, "fp32 accuracy " + floatReport.accuracy());
        assertTrue(int8Report.accuracy() > FAR_ABOVE_CHANCE, "int8 accuracy " + int8Report.accuracy());
        assertTrue(floatReport.correct() - int8Report.correct() <= TOLERATED_IMAGES,
                "fp32 " + floatReport.correct() + " vs int8 " + int8Report.correct() + " of " + TEST_IMAGES);
    }

    private static EvalReport evaluate(Path model, Checkpoint checkpoint, ImageSplit test) {
        try (OnnxClassifier classifier = OnnxClassifier.open(model)) {
            return classifier.evaluate(new ClassifiedSplit("patterned", checkpoint.classes(), test),
                    new EvalSettings(250, 0, false));
        }
    }

    /**
     * Images whose label shows in a tint of the class's own colour and in horizontal stripes of the class's own
     * period, under strong per-pixel noise, so that a network can learn them but not from any single pixel.
     */
    private static ImageSplit patterned(int count, long seed) {
        Random random = new Random(seed);
        int size = 32;
        int plane = size * size;
        byte[] images = new byte[count * 3 * plane];
        int[] labels = new int[count];
        for (int i = 0; i < count; i++) {
            int label = random.nextInt(10);
            labels[i] = label;
            for (int c = 0; c < 3; c++) {
                double tint = 20 * Math.sin(label * 2.1 + c * 1.7);
                for (int y = 0; y < size; y++) {
                    double stripe = 16 * Math.signum(Math.sin(Math.PI * y / (2 + label % 5)));
                    for (int x = 0; x < size; x++) {
                        double value = 128 + tint + stripe + 100 * (random.nextDouble() - 0.5);
                        images[(i * 3 + c) * plane + y * size + x] = (byte) Math.max(0, Math.min(255,
                                Math.round(value)));
                    }
                }
            }
        }
        return new ImageSplit(images, labels, 3, size);
    }
}
