package dev.lightspeed.data;

import dev.lightspeed.models.InputError;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** The kinds of dataset the tool reads, as {@code --dataset} names them. */
public enum DatasetKind {
    /** The binary CIFAR-10 ({@link Cifar10}). */
    CIFAR10,
    /** The binary CIFAR-100 ({@link Cifar100}). */
    CIFAR100,
    /** Photos in class folders ({@link ImageFolder}). */
    FOLDER;

    /** How {@code --dataset} names it. */
    public String optionValue() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The value of {@code --dataset}, in any case. */
    public static DatasetKind parse(String value) {
        for (DatasetKind kind : values()) {
            if (kind.optionValue().equalsIgnoreCase(value.strip())) {
                return kind;
            }
        }
        throw InputError.in("dataset", "dataset " + value + " is not known; pass " + choices());
    }

    /** {@code cifar10, cifar100 or folder}, for help and messages. */
    public static String choices() {
        List<String> names = Arrays.stream(values()).map(DatasetKind::optionValue).toList();
        return names.subList(0, names.size() - 1).stream().collect(Collectors.joining(", "))
                + " or " + names.get(names.size() - 1);
    }

    /**
     * The kind of dataset {@code folder} holds, judged by its files alone, or empty when it matches none or more
     * than one (a folder holding both CIFAR archives, say): then the user has to say which.
     */
    public static Optional<DatasetKind> infer(Path folder) {
        if (!Files.isDirectory(folder)) {
            return Optional.empty();
        }
        List<DatasetKind> matches = new ArrayList<>();
        if (Files.isDirectory(folder.resolve(Cifar10.ARCHIVE_FOLDER))
                || Files.isRegularFile(folder.resolve(Cifar10.TRAIN_FILES.get(0)))) {
            matches.add(CIFAR10);
        }
        if (Files.isDirectory(folder.resolve(Cifar100.ARCHIVE_FOLDER))
                || Files.isRegularFile(folder.resolve(Cifar100.TRAIN_FILE))
                && Files.isRegularFile(folder.resolve(Cifar100.Labels.FINE.namesFile()))) {
            matches.add(CIFAR100);
        }
        if (ImageFolder.looksLikeImageFolder(folder)) {
            matches.add(FOLDER);
        }
        return matches.size() == 1 ? Optional.of(matches.get(0)) : Optional.empty();
    }
}
