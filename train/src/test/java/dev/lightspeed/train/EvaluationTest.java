package dev.lightspeed.train;

import dev.lightspeed.data.Cifar10;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.TensorData;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The final epoch scores the plain view inside the TTA pass: it must be exactly what a plain pass gives. Selective
 * TTA (a fraction below 1) runs the other views on the least confident images of the split only, whatever the batch.
 */
class EvaluationTest {

    private static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");

    private static Network network;
    private static DeviceImages split;

    @BeforeAll
    static void fittedNetwork() {
        network = Network.initialize(Presets.named("airbench94").architecture(), FP32, 4);
        split = DeviceImages.upload(SyntheticData.randomSplit(23, 3), Cifar10.INFO.normalization(), FP32);
        // Fitted whitening, or the untrained network's logits would not depend on the view.
        Whitening.fit(network, split.images(), 5e-4);
    }

    @Test
    void theTtaPassGivesThePlainPassesScoresBitForBit() {
        int batch = 7; // not a divisor of 23: the last batch is short

        Evaluation.Result plain = Evaluation.evaluate(network, split, 0, batch);
        Evaluation.Scored both = Evaluation.evaluateViews(network, split, 2, batch);

        assertTrue(torch.equal(plain.logits(), both.plain().logits()), "plain logits differ");
        assertEquals(plain.correct(), both.plain().correct());
        assertEquals(plain.lossSum(), both.plain().lossSum());
        assertEquals(23, both.plain().count());
        assertNotEquals(both.plain().lossSum(), both.augmented().lossSum(), "the TTA views were not averaged in");

        Evaluation.Scored level0 = Evaluation.evaluateViews(network, split, 0, batch);
        assertTrue(torch.equal(level0.plain().logits(), level0.augmented().logits()), "level 0 is the plain view");
    }

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    @Test
    void aFractionOfOneIsTheFullTtaBitForBit() {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor images = split.images().narrow(0, 0, 10);
            assertTrue(torch.equal(Evaluation.logits(network, images, 2), Evaluation.logits(network, images, 2, 1.0)));
            assertTrue(torch.equal(Evaluation.logits(network, images, 1), Evaluation.logits(network, images, 1, 1.0)));
        }
        Evaluation.Scored full = Evaluation.evaluateViews(network, split, 2, 7);
        Evaluation.Scored one = Evaluation.evaluateViews(network, split, 2, 1.0, 7);
        assertTrue(torch.equal(full.augmented().logits(), one.augmented().logits()));
        assertTrue(torch.equal(full.plain().logits(), one.plain().logits()));
        assertEquals(full.augmented().lossSum(), one.augmented().lossSum());
    }

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    @Test
    void aFractionGivesTheLeastConfidentImagesTheirFullTtaAndTheOthersTheirPlainLogits() {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor images = split.images().narrow(0, 0, 10);
            TensorData plain = Tensors.toHost(Evaluation.logits(network, images, 0));
            TensorData full = Tensors.toHost(Evaluation.logits(network, images, 2));
            TensorData selective = Tensors.toHost(Evaluation.logits(network, images, 2, 0.3));

            Set<Integer> least = leastConfident(plain, 0, 10, 3);
            assertEquals(3, least.size());
            assertEquals(least, differingRows(selective, plain), "ceil(0.3 × 10) = 3 rows, the least confident");
            for (int row : least) {
                assertClose(full, selective, row);
            }
            // Level 0 has no other view to run: the fraction changes nothing.
            assertTrue(torch.equal(Evaluation.logits(network, images, 0), Evaluation.logits(network, images, 0, 0.3)));
        }
    }

    @Test
    void theLeastConfidentShareIsChosenOverTheWholeSplitWhateverTheBatchSize() {
        Evaluation.Scored full = Evaluation.evaluateViews(network, split, 2, 7);
        // Batches of 7 (7, 7, 7 and 2 images) and of 5: ceil(0.3 × 23) = 7 images of the split either way.
        Evaluation.Scored bySeven = Evaluation.evaluateViews(network, split, 2, 0.3, 7);
        Evaluation.Scored byFive = Evaluation.evaluateViews(network, split, 2, 0.3, 5);
        assertTrue(torch.equal(full.plain().logits(), bySeven.plain().logits()), "the plain view is unchanged");

        Set<Integer> expected = leastConfident(Tensors.toHost(bySeven.plain().logits()), 0, 23, 7);
        TensorData fullAveraged = Tensors.toHost(full.augmented().logits());
        for (Evaluation.Scored selective : List.of(bySeven, byFive)) {
            // Each against its own plain pass: a kernel's last bits may depend on how many images it runs at once.
            TensorData plain = Tensors.toHost(selective.plain().logits());
            assertEquals(expected, leastConfident(plain, 0, 23, 7));
            TensorData averaged = Tensors.toHost(selective.augmented().logits());
            assertEquals(expected, differingRows(averaged, plain));
            for (int row : expected) {
                assertClose(fullAveraged, averaged, row);
            }
            assertEquals(23, selective.augmented().count());
        }
        assertEquals(bySeven.augmented().correct(), byFive.augmented().correct());
        assertNotEquals(full.augmented().lossSum(), bySeven.augmented().lossSum());
    }

    @Test
    void theShareIsRoundedUpOnTheFractionAsWritten() {
        assertEquals(3, Evaluation.selectedCount(0.3, 10));
        assertEquals(55, Evaluation.selectedCount(0.55, 100), "0.55 × 100 is 55.00000000000001 in doubles");
        assertEquals(1, Evaluation.selectedCount(1e-9, 10), "at least one image of a batch");
        assertEquals(10, Evaluation.selectedCount(0.91, 10));
        assertEquals(7, Evaluation.selectedCount(1.0, 7));
        assertEquals(0, Evaluation.selectedCount(0.5, 0));
        for (double bad : new double[] {0, -0.1, 1.5, Double.NaN}) {
            assertThrows(IllegalArgumentException.class, () -> Evaluation.selectedCount(bad, 10));
            assertThrows(IllegalArgumentException.class, () -> Evaluation.evaluateViews(network, split, 2, bad, 7));
        }
    }

    /** The {@code count} rows of {@code start ..} with the smallest softmax top-1 probability, ties by position. */
    private static Set<Integer> leastConfident(TensorData logits, int start, int size, int count) {
        int classes = (int) logits.shape()[1];
        double[] confidence = new double[size];
        for (int i = 0; i < size; i++) {
            double max = Double.NEGATIVE_INFINITY;
            for (int c = 0; c < classes; c++) {
                max = Math.max(max, logits.values()[(start + i) * classes + c]);
            }
            double sum = 0;
            for (int c = 0; c < classes; c++) {
                sum += Math.exp(logits.values()[(start + i) * classes + c] - max);
            }
            confidence[i] = 1 / sum;
        }
        List<Integer> order = IntStream.range(0, size).boxed()
                .sorted(Comparator.<Integer>comparingDouble(i -> confidence[i]).thenComparing(i -> i)).toList();
        // The next one must be clearly more confident, or the test would depend on float rounding.
        if (count < size) {
            assertTrue(confidence[order.get(count)] - confidence[order.get(count - 1)] > 1e-6, "a near tie");
        }
        return order.subList(0, count).stream().map(i -> start + i).collect(Collectors.toCollection(TreeSet::new));
    }

    /** The rows in which {@code a} and {@code b} differ in any value (exactly). */
    private static Set<Integer> differingRows(TensorData a, TensorData b) {
        int rows = (int) a.shape()[0];
        int classes = (int) a.shape()[1];
        Set<Integer> differing = new TreeSet<>();
        for (int r = 0; r < rows; r++) {
            for (int c = 0; c < classes; c++) {
                if (Float.compare(a.values()[r * classes + c], b.values()[r * classes + c]) != 0) {
                    differing.add(r);
                }
            }
        }
        return differing;
    }

    /** The row of the selective average is the full TTA's, up to float rounding of another batch. */
    private static void assertClose(TensorData full, TensorData selective, int row) {
        int classes = (int) full.shape()[1];
        for (int c = 0; c < classes; c++) {
            float expected = full.values()[row * classes + c];
            float actual = selective.values()[row * classes + c];
            assertEquals(expected, actual, 1e-5 * Math.max(1, Math.abs(expected)), "row " + row + ", class " + c);
        }
    }
}
