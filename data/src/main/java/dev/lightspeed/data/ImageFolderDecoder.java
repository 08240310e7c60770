package dev.lightspeed.data;

import dev.lightspeed.models.InputError;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReferenceArray;

import static dev.lightspeed.data.UserMessages.count;

/**
 * Decodes the images of an image folder into 8-bit CHW squares, on every core, reporting progress per image. Every
 * file is tried before failing, so that the one message can say how many are broken.
 */
final class ImageFolderDecoder {

    private static final int CHANNELS = 3;

    private ImageFolderDecoder() {
    }

    /**
     * The images of each list of {@code splits} (paths below {@code root}), each scaled and centre-cropped to
     * {@code imageSize × imageSize}, as one split per list labelled by the files' classes. Progress counts the
     * images of all lists together.
     *
     * @throws InputError naming the first file (in list order) that does not decode, and how many others do not
     */
    static List<ImageSplit> decode(Path root, List<List<ImageFolderLayout.ImageFile>> splits, int imageSize,
                                   ProgressListener progress) {
        int imageBytes = CHANNELS * imageSize * imageSize;
        List<ImageFolderLayout.ImageFile> files = new ArrayList<>();
        List<byte[]> images = new ArrayList<>();
        // Where each split starts in the list of all files.
        int[] firstOfSplit = new int[splits.size() + 1];
        for (int s = 0; s < splits.size(); s++) {
            firstOfSplit[s] = files.size();
            files.addAll(splits.get(s));
            images.add(new byte[Math.toIntExact((long) splits.get(s).size() * imageBytes)]);
        }
        firstOfSplit[splits.size()] = files.size();
        AtomicReferenceArray<ImageLoader.UnreadableImage> failures = new AtomicReferenceArray<>(files.size());
        AtomicInteger next = new AtomicInteger();
        AtomicInteger done = new AtomicInteger();
        Object progressLock = new Object();
        Runnable worker = () -> {
            for (int i = next.getAndIncrement(); i < files.size(); i = next.getAndIncrement()) {
                int split = 0;
                while (i >= firstOfSplit[split + 1]) {
                    split++;
                }
                try {
                    float[] pixels = ImageLoader.load(root.resolve(files.get(i).relativePath()), imageSize);
                    toBytes(pixels, images.get(split), (i - firstOfSplit[split]) * imageBytes);
                } catch (ImageLoader.UnreadableImage e) {
                    failures.set(i, e);
                }
                // The listener may draw on a console: one caller at a time, counts in increasing order.
                synchronized (progressLock) {
                    progress.update(done.incrementAndGet(), files.size());
                }
            }
        };
        progress.update(0, files.size());
        runOnEveryCore(worker, files.size());
        requireNoFailures(root, failures);
        List<ImageSplit> decoded = new ArrayList<>(splits.size());
        for (int s = 0; s < splits.size(); s++) {
            int[] labels = splits.get(s).stream().mapToInt(ImageFolderLayout.ImageFile::label).toArray();
            decoded.add(new ImageSplit(images.get(s), labels, CHANNELS, imageSize));
        }
        return decoded;
    }

    private static void runOnEveryCore(Runnable worker, int tasks) {
        int threads = Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), tasks));
        ExecutorService pool = Executors.newFixedThreadPool(threads, runnable -> {
            Thread thread = new Thread(runnable, "image-decoder");
            thread.setDaemon(true);
            return thread;
        });
        try {
            List<Future<?>> running = new ArrayList<>(threads);
            for (int t = 0; t < threads; t++) {
                running.add(pool.submit(worker));
            }
            for (Future<?> future : running) {
                future.get();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while decoding images", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException unchecked) {
                throw unchecked;
            }
            if (e.getCause() instanceof Error error) {
                throw error;
            }
            throw new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    private static void requireNoFailures(Path root, AtomicReferenceArray<ImageLoader.UnreadableImage> failures) {
        ImageLoader.UnreadableImage first = null;
        int others = 0;
        for (int i = 0; i < failures.length(); i++) {
            ImageLoader.UnreadableImage failure = failures.get(i);
            if (failure == null) {
                continue;
            }
            if (first == null) {
                first = failure;
            } else {
                others++;
            }
        }
        if (first == null) {
            return;
        }
        String more = others == 0 ? "" : "; " + count(others) + " more image" + (others == 1 ? " is" : "s are")
                + " broken too";
        throw new InputError(first.file() + " " + first.problem() + more + "; fix or remove the broken files in "
                + root, first);
    }

    /** Rounds [0, 1] floats to bytes; resampling may overshoot the range slightly, so values are clamped. */
    private static void toBytes(float[] pixels, byte[] into, int offset) {
        for (int i = 0; i < pixels.length; i++) {
            int value = Math.round(pixels[i] * 255f);
            into[offset + i] = (byte) Math.max(0, Math.min(255, value));
        }
    }
}
