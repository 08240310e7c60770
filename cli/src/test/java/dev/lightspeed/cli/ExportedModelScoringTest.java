package dev.lightspeed.cli;

import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.OnnxExporter;
import dev.lightspeed.infer.ModelInfo;
import dev.lightspeed.infer.OnnxClassifier;
import dev.lightspeed.infer.TtaViews;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.OnnxContract;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The exporter and the scorer keep the same model contract, and feeding TTA views scores what the TTA graph does. */
class ExportedModelScoringTest {

    @TempDir
    static Path folder;

    private static Checkpoint checkpoint;
    private static Path plainModel;
    private static Path ttaModel;

    @BeforeAll
    static void export() throws Exception {
        checkpoint = Checkpoint.load(OnnxCommandFixtures.checkpoint(folder, "model.safetensors"));
        plainModel = OnnxExporter.export(checkpoint, folder.resolve("plain.onnx"), ExportOptions.defaults()).path();
        ttaModel = OnnxExporter.export(checkpoint, folder.resolve("tta.onnx"), ExportOptions.defaults().withTta(true))
                .path();
    }

    @Test
    void scorerReadsWhatTheExporterWrote() {
        try (OnnxClassifier plain = OnnxClassifier.open(plainModel);
             OnnxClassifier tta = OnnxClassifier.open(ttaModel)) {
            ModelInfo info = plain.info();
            assertEquals(OnnxContract.INPUT, info.inputName());
            assertEquals(OnnxContract.OUTPUT, info.outputName());
            assertEquals(ImageGeometry.of(checkpoint.architecture()), info.geometry());
            assertEquals(checkpoint.classes(), info.classes());
            assertTrue(info.namesClasses());
            assertEquals("fp32", info.precision());
            assertTrue(info.producer().startsWith(OnnxContract.PRODUCER), info.producer());
            assertEquals(0, info.ttaLevel());
            assertEquals(2, tta.info().ttaLevel());
        }
    }

    @Test
    void ttaViewsFedToThePlainGraphScoreWhatTheTtaGraphScores() {
        ImageGeometry geometry = ImageGeometry.of(checkpoint.architecture());
        int count = 4;
        float[] pixels = new float[count * geometry.values()];
        Random random = new Random(5);
        for (int i = 0; i < pixels.length; i++) {
            pixels[i] = random.nextFloat();
        }
        int classes = checkpoint.classes().size();

        try (OnnxClassifier plain = OnnxClassifier.open(plainModel);
             OnnxClassifier tta = OnnxClassifier.open(ttaModel)) {
            float[][] views = TtaViews.views(pixels, count, geometry.channels(), geometry.size());
            float[][] viewLogits = new float[views.length][];
            for (int v = 0; v < views.length; v++) {
                viewLogits[v] = plain.logits(views[v], count);
            }
            float[] viaViews = TtaViews.combine(viewLogits, count, classes);
            float[] inGraph = tta.logits(pixels, count);

            assertEquals(count * classes, inGraph.length);
            for (int i = 0; i < viaViews.length; i++) {
                assertEquals(inGraph[i], viaViews[i], 1e-4, "logit " + i);
            }
        }
    }
}
