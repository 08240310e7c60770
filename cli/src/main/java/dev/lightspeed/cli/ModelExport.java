package dev.lightspeed.cli;

import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.export.ActivationCalibrator;
import dev.lightspeed.export.Calibration;
import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.ExportResult;
import dev.lightspeed.export.OnnxExporter;
import dev.lightspeed.export.Precision;
import dev.lightspeed.data.Pixels;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.OptionalInt;

/**
 * Checkpoint to ONNX file, for {@code lightspeed export} and {@code train --export} alike. An int8 export is
 * calibrated on training images spread evenly over the training split (every k-th image, so that the classes
 * appear in their usual proportions), never on the test set, which would leak it into the model.
 */
final class ModelExport {

    static final int DEFAULT_CALIBRATION_IMAGES = 512;
    /** Images per calibration session call; bounds memory only. */
    private static final int CALIBRATION_BATCH = 128;

    private ModelExport() {
    }

    /** Reads the training split, only when an int8 export needs it (it may download the dataset). */
    @FunctionalInterface
    interface TrainingImages {
        ImageSplit read() throws IOException;
    }

    /**
     * Writes {@code checkpoint} to {@code out}. For int8, reads the training split from {@code trainingImages}
     * and calibrates on {@code requestedImages} of them, or {@link #calibrationImages} by default.
     *
     * @throws InputError when more calibration images are asked for than the training split holds
     */
    static ExportResult write(Checkpoint checkpoint, Path out, ExportOptions options,
            TrainingImages trainingImages, OptionalInt requestedImages) throws IOException {
        Calibration calibration = null;
        if (options.precision() == Precision.INT8) {
            ImageSplit train = trainingImages.read();
            calibration = calibrate(checkpoint, train, calibrationImages(requestedImages, train.count()));
        }
        return OnnxExporter.export(checkpoint, out, options, calibration);
    }

    /**
     * How many training images calibrate an int8 export: as many as asked for, which the split must hold; when
     * not asked, {@value #DEFAULT_CALIBRATION_IMAGES} or the whole split if it is smaller.
     */
    static int calibrationImages(OptionalInt requested, int trainingImages) {
        if (requested.isEmpty()) {
            return Math.min(DEFAULT_CALIBRATION_IMAGES, trainingImages);
        }
        if (requested.getAsInt() > trainingImages) {
            throw new InputError("--calibration-images " + requested.getAsInt() + " is more than the "
                    + trainingImages + " training images; choose at most " + trainingImages);
        }
        return requested.getAsInt();
    }

    static Calibration calibrate(Checkpoint checkpoint, ImageSplit train, int images) {
        return ActivationCalibrator.measure(checkpoint,
                () -> spreadBatches(train, images, ImageGeometry.of(checkpoint.architecture())));
    }

    /** {@code images} images spread evenly over {@code split}, as pixel batches in [0, 1]. */
    static Iterator<float[]> spreadBatches(ImageSplit split, int images, ImageGeometry geometry) {
        if (images < 1 || images > split.count()) {
            throw new IllegalArgumentException("cannot pick " + images + " of " + split.count() + " images");
        }
        if (!split.geometry().equals(geometry)) {
            throw new InputError("the training images are " + split.geometry() + " but the checkpoint takes "
                    + geometry + " images; calibrate on the data it was trained on");
        }
        int imageBytes = split.imageBytes();
        return new Iterator<>() {
            private int next;

            @Override
            public boolean hasNext() {
                return next < images;
            }

            @Override
            public float[] next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                int count = Math.min(CALIBRATION_BATCH, images - next);
                float[] pixels = new float[count * imageBytes];
                for (int i = 0; i < count; i++) {
                    Pixels.toUnitRange(split.images(), imageBytes, spreadIndex(next + i, images, split.count()), 1,
                            pixels, i * imageBytes);
                }
                next += count;
                return pixels;
            }
        };
    }

    /** The i-th of n indices spread evenly over 0 .. total − 1. */
    static int spreadIndex(int i, int n, int total) {
        return (int) ((long) i * total / n);
    }
}
