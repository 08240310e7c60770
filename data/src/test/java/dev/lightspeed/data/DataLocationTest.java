package dev.lightspeed.data;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DataLocationTest {

    private static final Function<String, String> NO_ENVIRONMENT = name -> null;

    private static Function<String, String> environment(String value) {
        return Map.of(DataLocation.ENVIRONMENT_VARIABLE, value)::get;
    }

    @Test
    void dataOptionWinsOverEverything() {
        Path chosen = DataLocation.resolve("/data/cifar", environment("/env/cifar"));

        assertEquals(Path.of("/data/cifar"), chosen);
        assertFalse(DataLocation.isDefault("/data/cifar", environment("/env/cifar")));
    }

    @Test
    void relativeDataOptionIsMadeAbsolute() {
        Path chosen = DataLocation.resolve("some/where/../cifar", NO_ENVIRONMENT);

        assertTrue(chosen.isAbsolute());
        assertEquals(Path.of("some/cifar").toAbsolutePath(), chosen);
    }

    @Test
    void environmentVariableIsUsedWithoutOption() {
        assertEquals(Path.of("/env/cifar"), DataLocation.resolve(null, environment("/env/cifar")));
        assertFalse(DataLocation.isDefault(null, environment("/env/cifar")));
    }

    @Test
    void emptyEnvironmentVariableFallsBackToTheDefault() {
        Path expected = Path.of(System.getProperty("user.home"), ".cache", "lightspeed", "cifar10");

        assertEquals(expected, DataLocation.resolve(null, environment("")));
        assertEquals(expected, DataLocation.resolve(null, NO_ENVIRONMENT));
        assertEquals(expected, DataLocation.defaultFolder());
        assertTrue(DataLocation.isDefault(null, environment("  ")));
        assertTrue(DataLocation.isDefault(null, NO_ENVIRONMENT));
    }

    @Test
    void emptyDataOptionIsAnInputError() {
        Messages.inputErrorIn("data", () -> DataLocation.resolve("", NO_ENVIRONMENT), "data is empty");
    }

    @Test
    void cifar100HasItsOwnVariableAndDefaultFolder() {
        Function<String, String> both =
                Map.of("LIGHTSPEED_CIFAR10", "/env/ten", "LIGHTSPEED_CIFAR100", "/env/hundred")::get;

        assertEquals(Path.of("/env/hundred"), DataLocation.resolve(DatasetKind.CIFAR100, null, both));
        assertEquals(Path.of("/env/ten"), DataLocation.resolve(DatasetKind.CIFAR10, null, both));
        assertEquals(Path.of(System.getProperty("user.home"), ".cache", "lightspeed", "cifar100"),
                DataLocation.resolve(DatasetKind.CIFAR100, null, NO_ENVIRONMENT));
        assertTrue(DataLocation.isDefault(DatasetKind.CIFAR100, null, environment("/only/cifar10")));
        assertFalse(DataLocation.isDefault(DatasetKind.CIFAR100, null, both));
    }

    @Test
    void anImageFolderMustBeNamed() {
        assertEquals(Path.of("/photos"), DataLocation.resolve(DatasetKind.FOLDER, "/photos", NO_ENVIRONMENT));
        assertFalse(DataLocation.isDefault(DatasetKind.FOLDER, null, NO_ENVIRONMENT), "never downloaded into");
        Messages.inputErrorIn("data", () -> DataLocation.resolve(DatasetKind.FOLDER, null, NO_ENVIRONMENT),
                "data is needed for dataset folder", "train/<class>/");
        Messages.inputErrorIn("data", () -> DataLocation.resolve(DatasetKind.CIFAR100, " ", NO_ENVIRONMENT),
                "data is empty", "fine_label_names.txt");
    }
}
