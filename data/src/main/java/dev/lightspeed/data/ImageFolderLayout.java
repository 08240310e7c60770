package dev.lightspeed.data;

import dev.lightspeed.models.Failures;
import dev.lightspeed.models.InputError;

import java.io.IOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The files of an image-folder dataset, in the layout of torchvision's ImageFolder and Imagenette:
 * {@code DIR/train/<class>/*.jpg|jpeg|png} for training and {@code DIR/val/<class>/*} (or, without {@code val/},
 * {@code DIR/test/<class>/*}) for evaluation. Classes are the training subfolders in sorted order; images may sit
 * in further subfolders of their class folder. Files and folders whose names start with a dot are ignored, as
 * are files of other types.
 *
 * @param root             the dataset folder, absolute
 * @param classes          class names; label {@code i} is {@code classes.get(i)}
 * @param evaluationFolder {@code val} or {@code test}, whichever holds the evaluation images
 * @param train            the training images, by class and then by path
 * @param evaluation       the evaluation images, by class and then by path
 */
record ImageFolderLayout(Path root, List<String> classes, String evaluationFolder, List<ImageFile> train,
                         List<ImageFile> evaluation) {

    static final String TRAIN_FOLDER = "train";
    /** Where evaluation images may be, in order of preference. */
    static final List<String> EVALUATION_FOLDERS = List.of("val", "test");
    private static final List<String> EXTENSIONS = List.of(".jpg", ".jpeg", ".png");
    private static final String EXTENSION_LIST = ".jpg, .jpeg or .png";

    /**
     * One image file as found.
     *
     * @param relativePath    path below the dataset folder, with {@code /} separators on every system
     * @param label           its class index
     * @param bytes           file size
     * @param modifiedSeconds last modification, seconds since the epoch
     * @param modifiedNanos   the nanoseconds within that second, where the file system keeps them
     */
    record ImageFile(String relativePath, int label, long bytes, long modifiedSeconds, int modifiedNanos) {
    }

    ImageFolderLayout {
        classes = List.copyOf(classes);
        train = List.copyOf(train);
        evaluation = List.copyOf(evaluation);
    }

    /** True when {@code dir} has a {@code train/} folder, the mark of this layout. */
    static boolean looksLikeImageFolder(Path dir) {
        return Files.isDirectory(dir.resolve(TRAIN_FOLDER));
    }

    /** Lists the images of {@code dir}, refusing a layout that cannot make a dataset, in one line. */
    static ImageFolderLayout scan(Path dir) {
        Path root = dir.toAbsolutePath().normalize();
        if (!Files.isDirectory(root)) {
            throw new InputError(Files.exists(root)
                    ? root + " is a file, not a folder; choose a folder holding train/<class>/ images"
                    : "image folder " + root + " does not exist; choose a folder holding train/<class>/ images");
        }
        Path trainFolder = root.resolve(TRAIN_FOLDER);
        if (!Files.isDirectory(trainFolder)) {
            throw new InputError(root + " has no train/ folder; an image folder holds train/<class>/*.jpg (or .png)"
                    + " and val/<class>/* or test/<class>/*");
        }
        String evaluationFolder = EVALUATION_FOLDERS.stream().filter(name -> Files.isDirectory(root.resolve(name)))
                .findFirst().orElseThrow(() -> new InputError(root + " has train/ but no val/ or test/ folder; put "
                        + "the evaluation images in " + root.resolve("val") + "/<class>/ with the classes of train/"));
        List<String> classes = classFolders(trainFolder);
        if (classes.isEmpty()) {
            throw new InputError(trainFolder + " holds no class folders; put the training images in "
                    + trainFolder + "/<class>/");
        }
        requireSameClasses(classes, classFolders(root.resolve(evaluationFolder)), evaluationFolder);
        return new ImageFolderLayout(root, classes, evaluationFolder, images(root, TRAIN_FOLDER, classes),
                images(root, evaluationFolder, classes));
    }

    private static List<String> classFolders(Path folder) {
        try (Stream<Path> entries = Files.list(folder)) {
            return entries.filter(Files::isDirectory).map(path -> path.getFileName().toString())
                    .filter(name -> !name.startsWith(".")).sorted().toList();
        } catch (IOException e) {
            throw cannotList(folder, e);
        }
    }

    private static void requireSameClasses(List<String> trainClasses, List<String> evaluationClasses,
                                           String evaluationFolder) {
        if (trainClasses.equals(evaluationClasses)) {
            return;
        }
        TreeSet<String> lacking = new TreeSet<>(trainClasses);
        evaluationClasses.forEach(lacking::remove);
        TreeSet<String> extra = new TreeSet<>(evaluationClasses);
        trainClasses.forEach(extra::remove);
        List<String> differences = new ArrayList<>();
        if (!lacking.isEmpty()) {
            differences.add(evaluationFolder + "/ lacks " + String.join(", ", lacking));
        }
        if (!extra.isEmpty()) {
            differences.add(evaluationFolder + "/ has " + String.join(", ", extra) + " that train/ lacks");
        }
        throw new InputError("the class folders of " + evaluationFolder + "/ and train/ differ: "
                + String.join("; ", differences) + "; give both the same class folders");
    }

    private static List<ImageFile> images(Path root, String split, List<String> classes) {
        List<ImageFile> files = new ArrayList<>();
        for (int label = 0; label < classes.size(); label++) {
            Path classFolder = root.resolve(split).resolve(classes.get(label));
            List<ImageFile> ofClass = imagesBelow(root, classFolder, label);
            if (ofClass.isEmpty()) {
                throw new InputError(classFolder + " holds no images (" + EXTENSION_LIST
                        + "); add some or remove the class from train/ and " + split + "/");
            }
            files.addAll(ofClass);
        }
        return files;
    }

    private static List<ImageFile> imagesBelow(Path root, Path classFolder, int label) {
        List<ImageFile> files = new ArrayList<>();
        // Links followed: datasets are often assembled from links to images or folders kept elsewhere.
        try (Stream<Path> tree = Files.walk(classFolder, FileVisitOption.FOLLOW_LINKS)) {
            for (Path path : (Iterable<Path>) tree.sorted()::iterator) {
                if (!isImageName(root.relativize(path)) || !Files.isRegularFile(path)) {
                    continue;
                }
                BasicFileAttributes attributes = Files.readAttributes(path, BasicFileAttributes.class);
                var modified = attributes.lastModifiedTime().toInstant();
                files.add(new ImageFile(slashed(root.relativize(path)), label, attributes.size(),
                        modified.getEpochSecond(), modified.getNano()));
            }
        } catch (IOException | java.io.UncheckedIOException e) {
            throw cannotList(classFolder, e);
        }
        return files;
    }

    /** An image extension, and no hidden file or folder on the way. */
    private static boolean isImageName(Path relative) {
        for (Path segment : relative) {
            if (segment.toString().startsWith(".")) {
                return false;
            }
        }
        String name = relative.getFileName().toString().toLowerCase(Locale.ROOT);
        return EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    private static String slashed(Path relative) {
        List<String> segments = new ArrayList<>();
        relative.forEach(segment -> segments.add(segment.toString()));
        return String.join("/", segments);
    }

    private static InputError cannotList(Path folder, Exception e) {
        return new InputError("cannot list " + folder + " (" + Failures.oneLine(e)
                + "); check that it exists and is readable", e);
    }
}
