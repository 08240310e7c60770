package dev.lightspeed.data;

import dev.lightspeed.models.InputError;

import java.nio.file.Path;
import java.util.Optional;
import java.util.function.Function;

/**
 * Decides where a dataset lives: {@code --data DIR} if given, else for the CIFAR sets {@code $LIGHTSPEED_CIFAR10}
 * or {@code $LIGHTSPEED_CIFAR100} if set, else {@code ~/.cache/lightspeed/cifar10} or {@code .../cifar100}. Only
 * the last is ours to fill automatically; a folder the user named explicitly is never downloaded into unless
 * they ask with {@code --download}. An image folder has no default: it must be named.
 */
public final class DataLocation {

    /** The variable naming the CIFAR-10 folder. */
    public static final String ENVIRONMENT_VARIABLE = environmentVariable(DatasetKind.CIFAR10).orElseThrow();

    private DataLocation() {
    }

    /** The CIFAR-10 folder, reading the real environment. {@code dataOption} is the {@code --data} value or null. */
    public static Path resolve(String dataOption) {
        return resolve(DatasetKind.CIFAR10, dataOption, System::getenv);
    }

    /** As {@link #resolve(String)}, with the environment lookup supplied (tests pass a map's {@code get}). */
    public static Path resolve(String dataOption, Function<String, String> environment) {
        return resolve(DatasetKind.CIFAR10, dataOption, environment);
    }

    /** The folder of a dataset of {@code kind}, reading the real environment. */
    public static Path resolve(DatasetKind kind, String dataOption) {
        return resolve(kind, dataOption, System::getenv);
    }

    /** As {@link #resolve(DatasetKind, String)}, with the environment lookup supplied. */
    public static Path resolve(DatasetKind kind, String dataOption, Function<String, String> environment) {
        if (dataOption != null) {
            if (dataOption.isBlank()) {
                throw InputError.in("data", "data is empty; pass the folder that holds " + contents(kind));
            }
            return Path.of(dataOption).toAbsolutePath().normalize();
        }
        Optional<String> variable = environmentVariable(kind);
        if (variable.isEmpty()) {
            throw InputError.in("data", "data is needed for dataset " + kind.optionValue()
                    + ", which has no default location; pass the folder that holds " + contents(kind));
        }
        String fromEnvironment = environment.apply(variable.get());
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment).toAbsolutePath().normalize();
        }
        return defaultFolder(kind);
    }

    /** True when neither {@code --data} nor the environment variable chose the CIFAR-10 folder. */
    public static boolean isDefault(String dataOption) {
        return isDefault(DatasetKind.CIFAR10, dataOption, System::getenv);
    }

    public static boolean isDefault(String dataOption, Function<String, String> environment) {
        return isDefault(DatasetKind.CIFAR10, dataOption, environment);
    }

    /** True when neither {@code --data} nor the environment chose the folder; never for image folders. */
    public static boolean isDefault(DatasetKind kind, String dataOption) {
        return isDefault(kind, dataOption, System::getenv);
    }

    public static boolean isDefault(DatasetKind kind, String dataOption, Function<String, String> environment) {
        Optional<String> variable = environmentVariable(kind);
        if (dataOption != null || variable.isEmpty()) {
            return false;
        }
        String fromEnvironment = environment.apply(variable.get());
        return fromEnvironment == null || fromEnvironment.isBlank();
    }

    /** {@code ~/.cache/lightspeed/cifar10}. */
    public static Path defaultFolder() {
        return defaultFolder(DatasetKind.CIFAR10);
    }

    /** {@code ~/.cache/lightspeed/cifar10} or {@code .../cifar100}; image folders have no default. */
    public static Path defaultFolder(DatasetKind kind) {
        if (kind == DatasetKind.FOLDER) {
            throw new IllegalArgumentException("an image folder has no default location");
        }
        return Path.of(System.getProperty("user.home"), ".cache", "lightspeed", kind.optionValue()).toAbsolutePath()
                .normalize();
    }

    /** {@code LIGHTSPEED_CIFAR10} or {@code LIGHTSPEED_CIFAR100}; none for image folders. */
    public static Optional<String> environmentVariable(DatasetKind kind) {
        return kind == DatasetKind.FOLDER ? Optional.empty() : Optional.of("LIGHTSPEED_" + kind.name());
    }

    private static String contents(DatasetKind kind) {
        return switch (kind) {
            case CIFAR10 -> UserMessages.FILE_LIST;
            case CIFAR100 -> Cifar100.FILE_LIST;
            case FOLDER -> "train/<class>/ and val/<class>/ (or test/<class>/) with the images";
        };
    }
}
