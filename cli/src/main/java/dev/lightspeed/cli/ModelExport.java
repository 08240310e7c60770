package dev.lightspeed.cli;

import dev.lightspeed.data.ImageSplit;
import dev.lightspeed.export.ExportOptions;
import dev.lightspeed.export.ExportResult;
import dev.lightspeed.export.OnnxExporter;
import dev.lightspeed.export.Precision;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;

import java.io.IOException;
import java.nio.file.Path;
import java.util.OptionalInt;

/**
 * The command line's policy for an export, shared by {@code export} and {@code train --export}: an int8 export is
 * calibrated on training images spread evenly over the training split ({@link ImageSplit#evenlySpread}), never on
 * the test set, which would leak it into the model; how many is {@code --calibration-images}.
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
     * @throws InputError when more calibration images are asked for than the training split holds, or its images
     *                    are not the checkpoint's
     */
    static ExportResult write(Checkpoint checkpoint, Path out, ExportOptions options,
            TrainingImages trainingImages, OptionalInt requestedImages) throws IOException {
        if (options.precision() != Precision.INT8) {
            return OnnxExporter.export(checkpoint, out, options);
        }
        ImageSplit train = trainingImages.read();
        ImageGeometry geometry = ImageGeometry.of(checkpoint.architecture());
        if (!train.geometry().equals(geometry)) {
            throw new InputError("the training images are " + train.geometry() + " but the checkpoint takes "
                    + geometry + " images; calibrate on the data it was trained on");
        }
        return OnnxExporter.export(checkpoint, out, options,
                train.evenlySpread(calibrationImages(requestedImages, train.count()), CALIBRATION_BATCH));
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
}
