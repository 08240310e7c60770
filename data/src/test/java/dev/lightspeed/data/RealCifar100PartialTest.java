package dev.lightspeed.data;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Reads real CIFAR-100 records: the first 20 training images of each fine class, in the official format, with the
 * official name lists and label sequences beside them ({@code shared/cifar100-partial}, see its README).
 */
class RealCifar100PartialTest {

    private static final String RECORDS_FILE = "train_first20_per_class.bin";

    private Path folder;

    @BeforeEach
    void findData() {
        folder = SharedData.folder("cifar100-partial");
        Assumptions.assumeTrue(folder != null && Files.isRegularFile(folder.resolve(RECORDS_FILE)),
                "real partial CIFAR-100 not present beside the project (shared/cifar100-partial); skipped");
    }

    @Test
    void firstRecordIsCattleOfLargeOmnivoresAndHerbivores() {
        ImageSplit fine = Cifar100.readSplit(List.of(folder.resolve(RECORDS_FILE)), Cifar100.Labels.FINE);
        ImageSplit coarse = Cifar100.readSplit(List.of(folder.resolve(RECORDS_FILE)), Cifar100.Labels.COARSE);

        assertEquals(2_000, fine.count());
        assertEquals(19, fine.label(0));
        assertEquals(11, coarse.label(0));
        assertEquals("cattle", Cifar100.classNames(folder, Cifar100.Labels.FINE).get(19));
        assertEquals("large_omnivores_and_herbivores", Cifar100.classNames(folder, Cifar100.Labels.COARSE).get(11));
        assertArrayEquals(ClassCounts.equal(100, 20), ClassCounts.of(fine.labels(), 100));
        assertArrayEquals(ClassCounts.equal(20, 100), ClassCounts.of(coarse.labels(), 20));
    }

    @Test
    void labelsAgreeWithTheOfficialSequenceAtEachRecordsIndex() throws IOException {
        ImageSplit fine = Cifar100.readSplit(List.of(folder.resolve(RECORDS_FILE)), Cifar100.Labels.FINE);
        ImageSplit coarse = Cifar100.readSplit(List.of(folder.resolve(RECORDS_FILE)), Cifar100.Labels.COARSE);
        List<String> indices = nonBlank(folder.resolve("train_first20_per_class.indices.txt"));
        List<String> officialLabels = nonBlank(folder.resolve("train_labels_coarse_fine.txt"));

        assertEquals(fine.count(), indices.size());
        for (int record = 0; record < fine.count(); record++) {
            String[] coarseAndFine = officialLabels.get(Integer.parseInt(indices.get(record))).split("\\s+");
            assertEquals(Integer.parseInt(coarseAndFine[0]), coarse.label(record), "coarse label of record " + record);
            assertEquals(Integer.parseInt(coarseAndFine[1]), fine.label(record), "fine label of record " + record);
        }
    }

    private static List<String> nonBlank(Path file) throws IOException {
        return Files.readAllLines(file).stream().map(String::strip).filter(line -> !line.isEmpty()).toList();
    }
}
