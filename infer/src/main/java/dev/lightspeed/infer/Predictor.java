package dev.lightspeed.infer;

import dev.lightspeed.data.ImageLoader;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.IntStream;

/** Top-k classes with softmax probabilities for single images. */
final class Predictor {

    /** Images per session call; image files are few, so this only bounds memory. */
    private static final int BATCH = 64;

    private Predictor() {
    }

    /**
     * The {@code k} most probable classes of each image, most probable first.
     *
     * @param images each NCHW floats in [0, 1] of the session's image geometry, as {@link ImageLoader} returns them
     */
    static List<List<ClassProbability>> topClasses(ScoringSession session, List<float[]> images, int k) {
        int imageFloats = session.info().geometry().values();
        for (float[] image : images) {
            if (image.length != imageFloats) {
                throw new IllegalArgumentException("an image of " + image.length + " values for a model that takes "
                        + session.info().geometry() + " images");
            }
        }
        int classes = session.info().numClasses();
        List<List<ClassProbability>> result = new ArrayList<>();
        for (int first = 0; first < images.size(); first += BATCH) {
            int count = Math.min(BATCH, images.size() - first);
            float[] batch = new float[count * imageFloats];
            for (int i = 0; i < count; i++) {
                System.arraycopy(images.get(first + i), 0, batch, i * imageFloats, imageFloats);
            }
            float[] logits = session.logits(batch, count);
            for (int i = 0; i < count; i++) {
                result.add(top(logits, i * classes, session.info().classes(), k));
            }
        }
        return result;
    }

    /** Softmax over one row of logits, keeping the {@code k} largest. */
    static List<ClassProbability> top(float[] logits, int offset, List<String> names, int k) {
        int classes = names.size();
        double max = Double.NEGATIVE_INFINITY;
        for (int c = 0; c < classes; c++) {
            max = Math.max(max, logits[offset + c]);
        }
        double[] exp = new double[classes];
        double sum = 0;
        for (int c = 0; c < classes; c++) {
            // Shifted by the maximum so that large logits cannot overflow.
            exp[c] = Math.exp(logits[offset + c] - max);
            sum += exp[c];
        }
        double total = sum;
        return IntStream.range(0, classes)
                .boxed()
                .sorted(Comparator.comparingDouble((Integer c) -> -logits[offset + c]).thenComparingInt(c -> c))
                .limit(k)
                .map(c -> new ClassProbability(names.get(c), exp[c] / total))
                .toList();
    }
}
