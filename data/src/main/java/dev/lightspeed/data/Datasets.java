package dev.lightspeed.data;

import dev.lightspeed.models.InputError;

import java.nio.file.Path;
import java.util.List;

/** The one entry for reading, checking and fetching any kind of dataset. */
public final class Datasets {

    private Datasets() {
    }

    /**
     * Reads the dataset {@code request} names. Progress is reported only while image folders are decoded (in
     * images); the CIFAR readers take a second or two and report none.
     */
    public static Dataset load(DataRequest request, ProgressListener progress) {
        return switch (request.kind()) {
            case CIFAR10 -> Cifar10.load(request.folder());
            case CIFAR100 -> Cifar100.load(request.folder(), request.labels());
            case FOLDER -> ImageFolder.load(request.folder(), request.imageSize(), request.cacheFolder(), progress);
        };
    }

    /**
     * Reads only the test split (the evaluation folder of an image folder), for scoring: a CIFAR set's training
     * files are neither read nor checked.
     */
    public static ClassifiedSplit loadTest(DataRequest request, ProgressListener progress) {
        return switch (request.kind()) {
            case CIFAR10 -> new ClassifiedSplit(Cifar10.INFO.name(), Cifar10.INFO.classes(),
                    Cifar10.readSplit(List.of(Cifar10.resolveFolder(request.folder()).resolve(Cifar10.TEST_FILE))));
            case CIFAR100 -> cifar100(request, Cifar100.TEST_FILE);
            case FOLDER -> {
                Dataset data = load(request, progress);
                yield new ClassifiedSplit(data.info().name(), data.info().classes(), data.test());
            }
        };
    }

    /** Reads only the training split, for calibration: a CIFAR set's test file is neither read nor checked. */
    public static ClassifiedSplit loadTrain(DataRequest request, ProgressListener progress) {
        return switch (request.kind()) {
            case CIFAR10 -> {
                Path folder = Cifar10.resolveFolder(request.folder());
                yield new ClassifiedSplit(Cifar10.INFO.name(), Cifar10.INFO.classes(),
                        Cifar10.readSplit(Cifar10.TRAIN_FILES.stream().map(folder::resolve).toList()));
            }
            case CIFAR100 -> cifar100(request, Cifar100.TRAIN_FILE);
            case FOLDER -> {
                Dataset data = load(request, progress);
                yield new ClassifiedSplit(data.info().name(), data.info().classes(), data.train());
            }
        };
    }

    private static ClassifiedSplit cifar100(DataRequest request, String file) {
        Path folder = Cifar100.resolveFolder(request.folder());
        return new ClassifiedSplit(request.labels().datasetName(), Cifar100.classNames(folder, request.labels()),
                Cifar100.readSplit(List.of(folder.resolve(file)), request.labels()));
    }

    /** Fetches the official archive of {@code kind} into {@code folder}; image folders have none. */
    public static void download(DatasetKind kind, Path folder, ProgressListener progress) {
        OfficialArchive archive = archive(kind);
        ArchiveDownload.download(archive, folder, archive.url(), progress);
    }

    /** The name of the archive {@link #download} fetches, for a progress bar's label. */
    public static String archiveName(DatasetKind kind) {
        return archive(kind).archiveFileName();
    }

    /**
     * True when {@code folder} holds none of the files of {@code kind}, the state in which a default location is
     * filled by an automatic download; never for image folders, which are not downloaded.
     */
    public static boolean holdsNoDataFiles(DatasetKind kind, Path folder) {
        return switch (kind) {
            case CIFAR10 -> Cifar10.holdsNoDataFiles(folder);
            case CIFAR100 -> Cifar100.holdsNoDataFiles(folder);
            case FOLDER -> false;
        };
    }

    /**
     * Checks {@code folder} as a dataset of {@code kind} without keeping it: every file and label of a CIFAR set,
     * the layout of an image folder (its images are checked when decoded).
     */
    public static void validate(DatasetKind kind, Path folder) {
        switch (kind) {
            case CIFAR10 -> Cifar10.validate(folder);
            case CIFAR100 -> Cifar100.validate(folder);
            case FOLDER -> ImageFolderLayout.scan(folder);
        }
    }

    private static OfficialArchive archive(DatasetKind kind) {
        return switch (kind) {
            case CIFAR10 -> Cifar10.ARCHIVE;
            case CIFAR100 -> Cifar100.ARCHIVE;
            case FOLDER -> throw InputError.in("download", "download applies to cifar10 and cifar100; an image folder"
                    + " is read as it is, so do not download it");
        };
    }
}
