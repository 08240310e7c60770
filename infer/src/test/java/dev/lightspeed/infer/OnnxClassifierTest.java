package dev.lightspeed.infer;

import dev.lightspeed.data.ImageLoader;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.OnnxContract;
import dev.lightspeed.models.trace.TraceRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.AbstractList;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** One classifier shared by many callers, on linear models whose logits are also computed here. */
class OnnxClassifierTest {

    private static final ImageGeometry RGB32 = new ImageGeometry(3, 32);
    private static final List<String> NAMES = List.of("ant", "bee", "cat", "dog", "eel", "fox", "gnu", "hen", "ibex",
            "jay");
    private static final int CALLERS = 8;
    private static final int ROUNDS = 40;

    @TempDir
    static Path folder;

    private static TestModels.Linear model;
    private ExecutorService executor;

    @BeforeAll
    static void writeModel() {
        model = TestModels.linear(folder, "named.onnx", RGB32, NAMES.size(),
                Map.of(OnnxContract.KEY_CLASSES, OnnxContract.encodeClasses(NAMES)));
    }

    @AfterEach
    void stopCallers() {
        if (executor != null) {
            executor.shutdownNow();
        }
    }

    @Test
    void concurrentCallersEachGetWhatTheyGetAlone() throws Exception {
        // Each caller has images of its own, in batches of its own size, so that a mixed-up input shows.
        List<float[]> pixels = new ArrayList<>();
        List<Integer> counts = new ArrayList<>();
        for (int caller = 0; caller < CALLERS; caller++) {
            int count = 1 + 3 * caller;
            counts.add(count);
            pixels.add(ScoringSessionTest.randomPixels(count * RGB32.values(), 100 + caller));
        }
        try (OnnxClassifier classifier = OnnxClassifier.open(model.file())) {
            List<float[]> alone = new ArrayList<>();
            List<List<List<ClassProbability>>> aloneTop = new ArrayList<>();
            for (int caller = 0; caller < CALLERS; caller++) {
                alone.add(classifier.logits(pixels.get(caller), counts.get(caller)));
                aloneTop.add(classifier.classify(images(pixels.get(caller), counts.get(caller)), 3));
                assertMatchesReference(alone.get(caller), pixels.get(caller), counts.get(caller));
            }

            executor = Executors.newFixedThreadPool(CALLERS);
            CyclicBarrier start = new CyclicBarrier(CALLERS);
            List<Future<Integer>> callers = new ArrayList<>();
            for (int caller = 0; caller < CALLERS; caller++) {
                int me = caller;
                callers.add(executor.submit(() -> {
                    start.await(30, TimeUnit.SECONDS);
                    for (int round = 0; round < ROUNDS; round++) {
                        float[] logits = classifier.logits(pixels.get(me), counts.get(me));
                        if (!Arrays.equals(alone.get(me), logits)) {
                            throw new AssertionError("caller " + me + " round " + round + ": other logits than alone");
                        }
                        if (round % 4 == 0) {
                            assertEquals(aloneTop.get(me), classifier.classify(images(pixels.get(me),
                                    counts.get(me)), 3), "caller " + me + " round " + round);
                        }
                    }
                    return ROUNDS;
                }));
            }
            for (Future<Integer> caller : callers) {
                assertEquals(ROUNDS, caller.get(120, TimeUnit.SECONDS));
            }
        }
    }

    @Test
    void anImageFileIsClassifiedFromItsCentralSquare() throws Exception {
        BufferedImage image = randomImage(48, 40);
        Path file = folder.resolve("wide.png");
        assertTrue(ImageIO.write(image, "png", file.toFile()));
        float[] pixels = ImageLoader.load(file, RGB32.size());
        double[] reference = model.logits(pixels, 0);
        float[] referenceLogits = new float[reference.length];
        for (int k = 0; k < reference.length; k++) {
            referenceLogits[k] = (float) reference[k];
        }
        List<ClassProbability> expected = Predictor.top(referenceLogits, 0, NAMES, 3);

        try (OnnxClassifier classifier = OnnxClassifier.open(model.file())) {
            List<ClassProbability> top = classifier.classify(file, 3);

            assertEquals(expected.stream().map(ClassProbability::name).toList(),
                    top.stream().map(ClassProbability::name).toList());
            for (int i = 0; i < 3; i++) {
                assertEquals(expected.get(i).probability(), top.get(i).probability(), 1e-5);
            }
            assertEquals(top, classifier.classify(image, 3), "the decoded image scores as its lossless file");
            List<ClassProbability> all = classifier.classify(file, 50);
            assertEquals(NAMES.size(), all.size(), "k beyond the classes gives them all");
            assertEquals(1, all.stream().mapToDouble(ClassProbability::probability).sum(), 1e-9);
        }
    }

    @Test
    void badArgumentsAreInputErrors() throws Exception {
        Path text = Files.writeString(folder.resolve("notes.png"), "not an image\n");
        TestModels.Linear gray = TestModels.linear(folder, "gray.onnx", new ImageGeometry(1, 8), 2, Map.of());

        try (OnnxClassifier classifier = OnnxClassifier.open(model.file());
             OnnxClassifier grayClassifier = OnnxClassifier.open(gray.file())) {
            InputError k = assertThrows(InputError.class, () -> classifier.classify(text, 0));
            assertEquals("k", k.parameter().orElseThrow());
            InputError notImage = assertThrows(InputError.class, () -> classifier.classify(text, 1));
            assertTrue(notImage.getMessage().contains("is not a PNG or JPEG image"), notImage.getMessage());
            InputError rgb = assertThrows(InputError.class, () -> grayClassifier.classify(randomImage(8, 8), 1));
            assertTrue(rgb.getMessage().contains("takes 1×8×8 images; images are read as RGB"), rgb.getMessage());
            assertThrows(IllegalArgumentException.class, () -> classifier.logits(new float[RGB32.values()], 2));
            assertThrows(IllegalArgumentException.class, () -> classifier.logits(new float[RGB32.values()], 0));
        }
    }

    @Test
    void closeWaitsForTheCallInFlightAndLaterCallsFail() throws Exception {
        float[] pixels = ScoringSessionTest.randomPixels(2 * RGB32.values(), 7);
        OnnxClassifier classifier = OnnxClassifier.open(model.file());
        List<List<ClassProbability>> expected = classifier.classify(images(pixels, 2), 3);
        CountDownLatch inCall = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // The classifier reads the list inside its call: reading the first image holds the call in flight.
        List<float[]> heldImages = new AbstractList<>() {
            @Override
            public float[] get(int index) {
                inCall.countDown();
                try {
                    assertTrue(release.await(30, TimeUnit.SECONDS));
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                return Arrays.copyOfRange(pixels, index * RGB32.values(), (index + 1) * RGB32.values());
            }

            @Override
            public int size() {
                return 2;
            }
        };
        executor = Executors.newFixedThreadPool(3);

        Future<List<List<ClassProbability>>> inFlight = executor.submit(() -> classifier.classify(heldImages, 3));
        assertTrue(inCall.await(30, TimeUnit.SECONDS));
        Future<?> closing = executor.submit(classifier::close);
        Thread.sleep(300);
        assertFalse(closing.isDone(), "close waits for the call in flight");
        Future<float[]> afterClose = executor.submit(() -> classifier.logits(pixels, 1));
        Thread.sleep(100);
        release.countDown();

        assertEquals(expected, inFlight.get(30, TimeUnit.SECONDS), "the call in flight completes");
        closing.get(30, TimeUnit.SECONDS);
        ExecutionException refused = assertThrows(ExecutionException.class,
                () -> afterClose.get(30, TimeUnit.SECONDS));
        assertInstanceOf(IllegalStateException.class, refused.getCause());
        assertTrue(refused.getCause().getMessage().contains("is closed"), refused.getCause().getMessage());
        IllegalStateException later = assertThrows(IllegalStateException.class,
                () -> classifier.classify(images(pixels, 1), 1));
        assertEquals("the classifier of " + model.file() + " is closed; open the model again to score with it",
                later.getMessage());
        classifier.close();
        assertEquals(NAMES, classifier.info().classes(), "info stays readable");
    }

    @Test
    void profilingOfAnUnprofiledClassifierIsRefused() {
        try (OnnxClassifier classifier = OnnxClassifier.open(model.file())) {
            assertThrows(IllegalStateException.class,
                    () -> classifier.endProfilingInto(new TraceRecorder()));
        }
    }

    private static void assertMatchesReference(float[] logits, float[] pixels, int count) {
        assertEquals(count * NAMES.size(), logits.length);
        for (int n = 0; n < count; n++) {
            double[] expected = model.logits(pixels, n);
            for (int k = 0; k < NAMES.size(); k++) {
                assertEquals(expected[k], logits[n * NAMES.size() + k], 1e-4, "image " + n + " class " + k);
            }
        }
    }

    private static List<float[]> images(float[] pixels, int count) {
        List<float[]> images = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            images.add(Arrays.copyOfRange(pixels, i * RGB32.values(), (i + 1) * RGB32.values()));
        }
        return images;
    }

    private static BufferedImage randomImage(int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(width * 31L + height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return image;
    }
}
