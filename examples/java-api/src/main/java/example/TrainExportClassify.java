package example;

import dev.lightspeed.data.DataRequest;
import dev.lightspeed.data.Dataset;
import dev.lightspeed.data.DatasetKind;
import dev.lightspeed.data.Datasets;
import dev.lightspeed.data.ProgressListener;
import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.OnnxExporter;
import dev.lightspeed.infer.ClassProbability;
import dev.lightspeed.infer.OnnxClassifier;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.train.RunResult;
import dev.lightspeed.train.Training;
import dev.lightspeed.train.TrainingListener;

import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Trains airbench94 for a few hundred images' worth of steps on a generated image folder (circles, squares and
 * triangles), exports the trained model to ONNX and classifies one of the held-out images with it.
 */
public final class TrainExportClassify {

    private TrainExportClassify() {
    }

    public static void main(String[] args) throws Exception {
        Path work = Path.of(args.length > 0 ? args[0] : "target/example");
        Path images = Shapes.writeFolder(work.resolve("shapes"), 150, 30);

        // An image folder: train/<class>/ and val/<class>/, brought to 32 px, the decoded set cached.
        Dataset data = Datasets.load(new DataRequest(DatasetKind.FOLDER, images, null, 32, work.resolve("cache")),
                ProgressListener.none());
        Recipe recipe = Presets.named("airbench94").with("epochs", "4").with("batch-size", "50")
                .with("whitening-samples", "150");
        RunResult run = Training.of(recipe, data)
                .withSeed(1)
                .withListener(new TrainingListener() {
                    @Override
                    public void epochFinished(EpochMetrics epoch) {
                        System.out.printf(Locale.ROOT, "epoch %d: training loss %.3f, val accuracy %.1f %%%n",
                                epoch.epoch(), epoch.training().loss(), 100 * epoch.test().accuracy());
                    }
                })
                .start(RunFolder.create(work.resolve("run")));
        System.out.printf(Locale.ROOT, "trained in %.1f s: val accuracy with test-time augmentation %.1f %%%n",
                run.summary().trainSeconds(), 100 * run.summary().ttaTestAcc());

        Path onnx = work.resolve("shapes.onnx");
        OnnxExporter.export(Checkpoint.load(run.checkpoint()), onnx, ExportOptions.defaults());

        // One loaded model serves any number of threads; close it once, when the service stops.
        try (OnnxClassifier model = OnnxClassifier.open(onnx)) {
            Path image = images.resolve("val/triangle/0.png");
            List<ClassProbability> top = model.classify(image, 3);
            System.out.println(image.getFileName() + " of val/triangle: " + top.stream()
                    .map(c -> String.format(Locale.ROOT, "%s %.1f %%", c.name(), 100 * c.probability()))
                    .toList());
        }
    }
}
