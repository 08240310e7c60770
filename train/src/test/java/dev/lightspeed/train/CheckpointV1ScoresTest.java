package dev.lightspeed.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.lightspeed.models.Checkpoint;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** A checkpoint written by the first format still computes the logits it computed when it was written. */
class CheckpointV1ScoresTest {

    @Test
    void theV1FixtureScoresToTheLogitsStoredWithIt() throws Exception {
        Threads.configure(0);
        Checkpoint v1 = Checkpoint.load(CheckpointV1Fixture.CHECKPOINT);
        Network network = Network.fromValues(v1.architecture(), ComputeDevice.resolve("cpu", "fp32"), v1.tensors());
        double[][] actual = CheckpointV1Fixture.logits(network);
        JsonNode expected = new ObjectMapper().readTree(CheckpointV1Fixture.LOGITS.toFile()).get("logits");
        assertEquals(CheckpointV1Fixture.IMAGES, expected.size());
        for (int i = 0; i < actual.length; i++) {
            assertEquals(expected.get(i).size(), actual[i].length);
            for (int c = 0; c < actual[i].length; c++) {
                // fp32 on the CPU; the logits of different images differ by more than 1e-3.
                assertEquals(expected.get(i).get(c).asDouble(), actual[i][c], 1e-5, "image " + i + ", class " + c);
            }
        }
    }
}
