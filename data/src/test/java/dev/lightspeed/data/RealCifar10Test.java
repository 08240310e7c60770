package dev.lightspeed.data;

import dev.lightspeed.models.Normalization;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
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

        Dataset dataset = Cifar10.load(folder);

        assertEquals(50_000, dataset.train().count());
        assertEquals(10_000, dataset.test().count());
        assertEquals(Cifar10.INFO, dataset.info());
        assertArrayEquals(ClassCounts.equal(10, 5_000), ClassCounts.of(dataset.train().labels(), 10));
        assertArrayEquals(ClassCounts.equal(10, 1_000), ClassCounts.of(dataset.test().labels(), 10));
        assertDoesNotThrow(() -> Cifar10.validate(folder));
        assertDoesNotThrow(() -> Cifar10.verifyChecksums(folder));
    }

    @Test
    void normalizationIsTheTrainingSetsPerChannelMeanAndStd() {
        Path folder = realDataFolder();
        Assumptions.assumeTrue(folder != null, "real CIFAR-10 not present; set -Dlightspeed.cifar10 or "
                + DataLocation.ENVIRONMENT_VARIABLE);
        ImageSplit train = Cifar10.load(folder).train();

        Normalization published = Cifar10.INFO.normalization();
        Normalization measured = PixelStatistics.normalization(train);
        for (int channel = 0; channel < train.channels(); channel++) {
            // The published constants are rounded to four decimals.
            assertEquals(measured.mean().get(channel), published.mean().get(channel), 1e-4,
                    "mean of channel " + channel);
            assertEquals(measured.std().get(channel), published.std().get(channel), 1e-4,
                    "std of channel " + channel);
        }
    }

    @Test
    void classNamesAreThoseOfTheMetaFile() throws IOException {
        Path folder = realDataFolder();
        Assumptions.assumeTrue(folder != null, "real CIFAR-10 not present; set -Dlightspeed.cifar10 or "
                + DataLocation.ENVIRONMENT_VARIABLE);
        Path meta = Cifar10.resolveFolder(folder).resolve(Cifar10.META_FILE);
        Assumptions.assumeTrue(Files.isRegularFile(meta), meta + " is absent (it is optional)");

        List<String> names = Files.readAllLines(meta).stream().filter(line -> !line.isBlank()).toList();

        assertEquals(names, Cifar10.INFO.classes());
    }

    /** The real CIFAR-10 folder, or null when this machine has none. */
    static Path realDataFolder() {
        return Stream.of(System.getProperty("lightspeed.cifar10"), System.getenv(DataLocation.ENVIRONMENT_VARIABLE))
                .filter(value -> value != null && !value.isBlank())
                .map(Path::of)
                .filter(path -> !Cifar10.holdsNoDataFiles(path))
                .findFirst()
                .orElse(null);
    }
}
