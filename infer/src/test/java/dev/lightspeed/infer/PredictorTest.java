package dev.lightspeed.infer;

import dev.lightspeed.export.RandomCheckpoints;
import dev.lightspeed.export.ReferenceNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
    void topClassesFollowTheReferenceNetwork() {
        int count = 3;
        float[] pixels = RandomCheckpoints.images(count, 8);
        float[][] reference = new ReferenceNetwork(TestModels.CHECKPOINT).logits(pixels, count);
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            images.add(Arrays.copyOfRange(pixels, i * 3072, (i + 1) * 3072));
        }

        List<List<ClassProbability>> predictions;
        try (ScoringSession session = ScoringSession.open(TestModels.exported(folder, false), SessionSettings.cpu())) {
            predictions = Predictor.topClasses(session, images, 3);
        }

        for (int i = 0; i < count; i++) {
            List<ClassProbability> expected = Predictor.top(reference[i], 0, TestModels.CHECKPOINT.classes(), 3);
            assertEquals(expected.stream().map(ClassProbability::name).toList(),
                    predictions.get(i).stream().map(ClassProbability::name).toList());
            assertEquals(expected.get(0).probability(), predictions.get(i).get(0).probability(), 1e-4);
        }
    }
}
