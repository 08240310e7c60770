package dev.lightspeed.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import dev.lightspeed.models.run.EpochMetrics;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JsonTest {

    private static final String NORMALIZATION = "{\"mean\": [0.5], \"std\": [0.25]}";

    @Test
    void strictRefusesWhatItCannotTakeAtItsWord() throws JsonProcessingException {
        assertMessage(assertThrows(JsonProcessingException.class,
                () -> Json.STRICT.readTree("{\"mean\": [0.5], \"mean\": [0.6]}")), "Duplicate field 'mean'");
        assertMessage(assertThrows(JsonProcessingException.class,
                () -> Json.STRICT.readValue("{\"mean\": [0.5], \"mean\": [0.6], \"std\": [1]}", Normalization.class)),
                "Duplicate field 'mean'");
        assertMessage(assertThrows(JsonProcessingException.class, () -> Json.STRICT.readTree(NORMALIZATION + " {}")),
                "Trailing token");
        assertMessage(assertThrows(JsonProcessingException.class,
                () -> Json.STRICT.readValue(NORMALIZATION + " 1", Normalization.class)), "Trailing token");
        assertThrows(UnrecognizedPropertyException.class, () -> Json.STRICT.readValue(
                "{\"mean\": [0.5], \"std\": [0.25], \"gamma\": 2.2}", Normalization.class));
        assertThrows(JsonProcessingException.class, () -> Json.STRICT.readValue("null", int.class));
        assertThrows(JsonProcessingException.class, () -> Json.STRICT.readValue("2.5", int.class));
        assertEquals(new Normalization(List.of(0.5), List.of(0.25)),
                Json.STRICT.readValue(NORMALIZATION + "\n  ", Normalization.class), "whitespace after the value is fine");
    }

    @Test
    void lenientSkipsWhatANewerWriterAdded() throws JsonProcessingException {
        EpochMetrics row = Json.LENIENT.readValue("{\"epoch\": 3, \"train_loss\": 0.5, \"from_a_newer_version\": 1}",
                EpochMetrics.class);
        assertEquals(3, row.epoch());
        assertEquals(new Normalization(List.of(0.6), List.of(0.25)), Json.LENIENT.readValue(
                "{\"mean\": [0.5], \"mean\": [0.6], \"std\": [0.25], \"gamma\": 2.2}", Normalization.class));
    }

    @Test
    void prettyIndentsAndReadsBackTheSame() throws JsonProcessingException {
        Normalization normalization = new Normalization(List.of(0.5), List.of(0.25));
        String pretty = Json.PRETTY.writeValueAsString(normalization);
        assertTrue(pretty.contains("\n  \"mean\""), pretty);
        assertEquals(Json.STRICT.writeValueAsString(normalization), Json.STRICT.readTree(pretty).toString());
        JsonNode compact = Json.STRICT.readTree(Json.STRICT.writeValueAsString(normalization));
        assertEquals(compact, Json.STRICT.readTree(pretty));
    }

    private static void assertMessage(Exception error, String fragment) {
        assertTrue(error.getMessage().contains(fragment), error.getMessage());
    }
}
