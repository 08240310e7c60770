package dev.lightspeed.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Loads the real CIFAR-10 when this machine has it: the folder comes from the system property
 * {@code lightspeed.cifar10} (Surefire sets it to the shared copy) or {@code $LIGHTSPEED_CIFAR10}.
 */
class RealCifar10Test {

    @Test
    void loadsTheFullDatasetWithBalancedClassesAndOfficialChecksums() {
        Path folder = realDataFolder();
        Assumptions.assumeTrue(folder != null, "real CIFAR-10 not present; set -Dlightspeed.cifar10 or "
                + DataLocation.ENVIRONMENT_VARIABLE);

        CifarDataset dataset = Cifar10.load(folder);

        assertEquals(50_000, dataset.train().count());
        assertEquals(10_000, dataset.test().count());
        assertArrayEquals(filled(10, 5_000), classCounts(dataset.train()));
        assertArrayEquals(filled(10, 1_000), classCounts(dataset.test()));
        assertDoesNotThrow(() -> Cifar10.validate(folder));
        assertDoesNotThrow(() -> Cifar10.verifyChecksums(folder));
    }

    private static Path realDataFolder() {
        return Stream.of(System.getProperty("lightspeed.cifar10"), System.getenv(DataLocation.ENVIRONMENT_VARIABLE))
                .filter(value -> value != null && !value.isBlank())
                .map(Path::of)
                .filter(path -> !Cifar10.holdsNoDataFiles(path))
                .findFirst()
                .orElse(null);
    }

    private static int[] classCounts(CifarSplit split) {
        int[] counts = new int[10];
        for (byte label : split.labels()) {
            counts[label]++;
        }
        return counts;
    }

    private static int[] filled(int length, int value) {
        int[] array = new int[length];
        java.util.Arrays.fill(array, value);
        return array;
    }
}
