package dev.lightspeed.data;

import dev.lightspeed.models.InputError;

import java.nio.file.Path;
import java.util.function.Function;

/**
 * Decides where the CIFAR-10 files live: {@code --data DIR} if given, else {@code $LIGHTSPEED_CIFAR10} if set, else
 * {@code ~/.cache/lightspeed/cifar10}. Only the last one is ours to fill automatically; a folder the user named
 * explicitly is never downloaded into unless they ask with {@code --download}.
 */
public final class DataLocation {

    public static final String ENVIRONMENT_VARIABLE = "LIGHTSPEED_CIFAR10";

    private DataLocation() {
    }

    /** The folder to use, reading the real environment. {@code dataOption} is the {@code --data} value or null. */
    public static Path resolve(String dataOption) {
        return resolve(dataOption, System::getenv);
    }

    /** As {@link #resolve(String)}, with the environment lookup supplied (tests pass a map's {@code get}). */
    public static Path resolve(String dataOption, Function<String, String> environment) {
        if (dataOption != null) {
            if (dataOption.isBlank()) {
                throw new InputError("--data is empty; pass the folder that holds " + UserMessages.FILE_LIST);
            }
            return Path.of(dataOption).toAbsolutePath().normalize();
        }
        String fromEnvironment = environment.apply(ENVIRONMENT_VARIABLE);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Path.of(fromEnvironment).toAbsolutePath().normalize();
        }
        return defaultFolder();
    }

    /** True when neither {@code --data} nor the environment variable chose the folder. */
    public static boolean isDefault(String dataOption) {
        return isDefault(dataOption, System::getenv);
    }

    public static boolean isDefault(String dataOption, Function<String, String> environment) {
        String fromEnvironment = environment.apply(ENVIRONMENT_VARIABLE);
        return dataOption == null && (fromEnvironment == null || fromEnvironment.isBlank());
    }

    /** {@code ~/.cache/lightspeed/cifar10}. */
    public static Path defaultFolder() {
        return Path.of(System.getProperty("user.home"), ".cache", "lightspeed", "cifar10").toAbsolutePath().normalize();
    }
}
