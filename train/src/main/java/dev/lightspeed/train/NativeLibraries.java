package dev.lightspeed.train;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.pytorch.global.torch;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * Extracts libtorch's native libraries from the jar, all of them, before the first is loaded. JavaCPP extracts and
 * loads them one at a time; on the first start of a new jar that loads a library before one it links against has
 * been extracted, and the JVM dies in native code. Once extracted, the cache is reused and this costs nothing.
 */
final class NativeLibraries {

    private static boolean extracted;

    private NativeLibraries() {
    }

    static synchronized void extractAll() {
        if (extracted) {
            return;
        }
        // The CPU build's folder, and the GPU build's where the cuda profile put it in the jar.
        for (String suffix : List.of("", "-gpu")) {
            String folder = "/org/bytedeco/pytorch/" + Loader.getPlatform() + suffix + "/";
            // A class literal does not initialize the class, so nothing is loaded yet.
            if (torch.class.getResource(folder) != null) {
                try {
                    Loader.cacheResources(torch.class, folder);
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot extract libtorch's native libraries from " + folder, e);
                }
            }
        }
        extracted = true;
    }
}
