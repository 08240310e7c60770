package dev.lightspeed.data;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DatasetsTest {

    @TempDir
    Path dir;

    @Test
    void datasetOptionParses() {
        assertEquals(DatasetKind.CIFAR10, DatasetKind.parse("cifar10"));
        assertEquals(DatasetKind.CIFAR100, DatasetKind.parse("CIFAR100"));
        assertEquals(DatasetKind.FOLDER, DatasetKind.parse(" folder"));
        Messages.inputErrorIn("dataset", () -> DatasetKind.parse("imagenet"), "dataset imagenet is not known",
                "cifar10, cifar100 or folder");
    }

    @Test
    void kindIsInferredFromTheFilesWhereUnambiguous() throws IOException {
        assertEquals(Optional.empty(), DatasetKind.infer(dir.resolve("absent")));
        assertEquals(Optional.empty(), DatasetKind.infer(Files.createDirectories(dir.resolve("empty"))));

        Path cifar10 = Files.createDirectories(dir.resolve("a"));
        Files.write(cifar10.resolve("data_batch_1.bin"), new byte[0]);
        assertEquals(Optional.of(DatasetKind.CIFAR10), DatasetKind.infer(cifar10));
        Path cifar10Parent = Files.createDirectories(dir.resolve("b").resolve("cifar-10-batches-bin")).getParent();
        assertEquals(Optional.of(DatasetKind.CIFAR10), DatasetKind.infer(cifar10Parent));

        Path cifar100 = Files.createDirectories(dir.resolve("c"));
        Files.write(cifar100.resolve("train.bin"), new byte[0]);
        assertEquals(Optional.empty(), DatasetKind.infer(cifar100), "train.bin alone says nothing");
        Files.write(cifar100.resolve("fine_label_names.txt"), new byte[0]);
        assertEquals(Optional.of(DatasetKind.CIFAR100), DatasetKind.infer(cifar100));
        Path cifar100Parent = Files.createDirectories(dir.resolve("d").resolve("cifar-100-binary")).getParent();
        assertEquals(Optional.of(DatasetKind.CIFAR100), DatasetKind.infer(cifar100Parent));

        Path photos = Files.createDirectories(dir.resolve("e").resolve("train")).getParent();
        assertEquals(Optional.of(DatasetKind.FOLDER), DatasetKind.infer(photos));

        Files.createDirectories(cifar100Parent.resolve("cifar-10-batches-bin"));
        assertEquals(Optional.empty(), DatasetKind.infer(cifar100Parent), "both archives: the user must say");
    }

    @Test
    void requestsRefuseOptionsThatDoNotApply() {
        Messages.inputErrorIn("labels",
                () -> new DataRequest(DatasetKind.CIFAR10, dir, Cifar100.Labels.COARSE, 0, null),
                "labels applies to cifar100 only");
        Messages.inputErrorIn("labels", () -> new DataRequest(DatasetKind.FOLDER, dir, Cifar100.Labels.COARSE, 0, null),
                "labels applies to cifar100 only");
        Messages.inputErrorIn("image-size", () -> new DataRequest(DatasetKind.CIFAR100, dir, null, 64, null),
                "image-size 64 does not apply to cifar100, whose images are 32×32");
        Messages.inputErrorIn("image-size", () -> new DataRequest(DatasetKind.FOLDER, dir, null, 1000, null),
                "image-size 1000 is out of range");

        assertEquals(32, new DataRequest(DatasetKind.CIFAR10, dir, Cifar100.Labels.FINE, 32, null).imageSize());
        DataRequest folder = DataRequest.of(DatasetKind.FOLDER, dir);
        assertEquals(ImageFolder.DEFAULT_IMAGE_SIZE, folder.imageSize());
        assertEquals(ImageFolder.defaultCacheFolder(), folder.cacheFolder());
        assertEquals(Cifar100.Labels.FINE, DataRequest.of(DatasetKind.CIFAR100, dir).labels());
    }

    @Test
    void loadReadsEachKindWithItsName() throws IOException {
        Path cifar10 = dir.resolve("cifar10");
        SyntheticCifar.writeFullSizeSet(cifar10, 2);
        Path photos = dir.resolve("my-photos");
        TestImages.write(TestImages.uniform(20, 10, 0x204060), "png", photos.resolve("train/x/1.png"));
        TestImages.write(TestImages.uniform(20, 10, 0x204060), "png", photos.resolve("val/x/1.png"));
        long[] decoded = {0};

        Dataset ten = Datasets.load(DataRequest.of(DatasetKind.CIFAR10, cifar10), ProgressListener.none());
        Dataset folder = Datasets.load(new DataRequest(DatasetKind.FOLDER, photos, null, 16, dir.resolve("cache")),
                (done, total) -> decoded[0] = done);

        assertEquals(Cifar10.INFO, ten.info(), "CIFAR-10 keeps its published constants");
        assertEquals("my-photos", folder.info().name());
        assertEquals(16, folder.info().imageSize());
        assertEquals(2, decoded[0], "decoding is reported");
        assertTrue(Files.isDirectory(dir.resolve("cache")));
    }

    @Test
    void checksAndAbsenceByKind() throws IOException {
        assertTrue(Datasets.holdsNoDataFiles(DatasetKind.CIFAR100, dir.resolve("nothing")));
        assertTrue(Datasets.holdsNoDataFiles(DatasetKind.CIFAR10, dir.resolve("nothing")));
        assertFalse(Datasets.holdsNoDataFiles(DatasetKind.FOLDER, dir.resolve("nothing")), "never downloaded");
        Messages.inputError(() -> Datasets.validate(DatasetKind.FOLDER, dir), "has no train/ folder");
        Messages.inputError(() -> Datasets.validate(DatasetKind.CIFAR100, dir), "holds no CIFAR-100 files");
        assertEquals("cifar-10-binary.tar.gz", Datasets.archiveName(DatasetKind.CIFAR10));
    }
}
