package dev.lightspeed.train;

import dev.lightspeed.data.Cifar10;
import dev.lightspeed.models.Presets;
import org.bytedeco.pytorch.global.torch;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The final epoch scores the plain view inside the TTA pass: it must be exactly what a plain pass gives. */
class EvaluationTest {

    private static final ComputeDevice FP32 = ComputeDevice.resolve("cpu", "fp32");

    @Test
    void theTtaPassGivesThePlainPassesScoresBitForBit() {
        Network network = Network.initialize(Presets.named("airbench94").architecture(), FP32, 4);
        DeviceImages split = DeviceImages.upload(SyntheticData.randomSplit(23, 3), Cifar10.INFO.normalization(), FP32);
        // Fitted whitening, or the untrained network's logits would not depend on the view.
        Whitening.fit(network, split.images(), 5e-4);
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
}
