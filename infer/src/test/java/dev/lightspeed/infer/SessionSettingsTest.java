package dev.lightspeed.infer;

import dev.lightspeed.models.InputError;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class SessionSettingsTest {

    @Test
    void zeroThreadsMeansOnePerProcessor() {
        assertEquals(Runtime.getRuntime().availableProcessors(), new SessionSettings(ExecutionProvider.CPU, 0).threads());
        assertEquals(3, new SessionSettings(ExecutionProvider.CPU, 3).threads());
    }

    @Test
    void negativeThreadsIsInputErrorNamingTheSetting() {
        InputError error = assertThrows(InputError.class, () -> new SessionSettings(ExecutionProvider.CPU, -2));

        assertEquals("threads", error.parameter().orElseThrow());
        assertEquals("threads must be 0 (one per processor) or more, got -2", error.getMessage());
    }
}
