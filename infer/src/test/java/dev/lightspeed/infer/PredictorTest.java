package dev.lightspeed.infer;

import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.OnnxContract;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class PredictorTest {

    @TempDir
    Path folder;

    @Test
    void softmaxTopKInOrderOfProbability() {
        float[] logits = {0, 0, 1000, 2, 2 + (float) Math.log(3)};

        List<ClassProbability> top = Predictor.top(logits, 0, List.of("a", "b", "c", "d", "e"), 3);

        assertEquals(List.of("c", "e", "d"), top.stream().map(ClassProbability::name).toList());
        assertEquals(1.0, top.get(0).probability(), 1e-12, "a huge logit must not overflow");
        assertEquals(0.0, top.get(1).probability(), 1e-12);
    }

    @Test
    void probabilitiesOfAllClassesSumToOne() {
        float[] logits = {1.5f, -0.5f, 0.25f};

        List<ClassProbability> all = Predictor.top(logits, 0, List.of("x", "y", "z"), 3);

        assertEquals(1.0, all.stream().mapToDouble(ClassProbability::probability).sum(), 1e-12);
        double expected = Math.exp(1.5) / (Math.exp(1.5) + Math.exp(-0.5) + Math.exp(0.25));
        assertEquals(expected, all.get(0).probability(), 1e-7);
    }

    @Test
    void topClassesOfTheModelsOwnGeometryAndNames() {
        ImageGeometry geometry = new ImageGeometry(3, 8);
        List<String> names = List.of("ant", "bee", "cow", "dog", "eel");
        TestModels.Linear model = TestModels.linear(folder, "rgb8.onnx", geometry, 5,
                Map.of(OnnxContract.KEY_CLASSES, OnnxContract.encodeClasses(names)));
        int count = 3;
        float[] pixels = ScoringSessionTest.randomPixels(count * geometry.values(), 8);
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            images.add(Arrays.copyOfRange(pixels, i * geometry.values(), (i + 1) * geometry.values()));
        }

        List<List<ClassProbability>> predictions;
        try (OnnxClassifier classifier = OnnxClassifier.open(model.file())) {
            predictions = classifier.classify(images, 3);
            assertThrows(IllegalArgumentException.class, () -> classifier.classify(List.of(new float[3 * 32 * 32]), 1));
        }

        for (int i = 0; i < count; i++) {
            double[] reference = model.logits(pixels, i);
            float[] logits = new float[5];
            for (int k = 0; k < 5; k++) {
                logits[k] = (float) reference[k];
            }
            List<ClassProbability> expected = Predictor.top(logits, 0, names, 3);
            assertEquals(expected.stream().map(ClassProbability::name).toList(),
                    predictions.get(i).stream().map(ClassProbability::name).toList());
            assertEquals(expected.get(0).probability(), predictions.get(i).get(0).probability(), 1e-4);
        }
    }
}
