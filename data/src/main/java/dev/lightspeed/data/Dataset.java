package dev.lightspeed.data;

import dev.lightspeed.models.DatasetInfo;

/**
 * A dataset as the trainer consumes it: what it is ({@link DatasetInfo}: classes, image shape, normalization), its
 * training images, the validation images held out of them ({@code null} under {@link Holdout#NONE}), and its test
 * images. Every split has the shape the info declares and labels below its class count.
 */
public record Dataset(DatasetInfo info, ImageSplit train, Holdout holdout, ImageSplit validation, ImageSplit test) {

    public Dataset {
        requireFits(info, train, "training");
        requireFits(info, test, "test");
        if (holdout.isNone() != (validation == null)) {
            throw new IllegalArgumentException("a validation split goes with a holdout, and only with one");
        }
        if (validation != null) {
            requireFits(info, validation, "validation");
        }
    }

    /** A dataset that holds nothing out. */
    public Dataset(DatasetInfo info, ImageSplit train, ImageSplit test) {
        this(info, train, Holdout.NONE, null, test);
    }

    /** This dataset with {@code holdout}'s images of the training split moved to the validation split. */
    public Dataset holdOut(Holdout holdout) {
        if (!this.holdout.isNone()) {
            throw new IllegalStateException("images are already held out of " + info.name());
        }
        if (holdout.isNone()) {
            return this;
        }
        Holdout.Parts parts = holdout.split(train, info.numClasses());
        return new Dataset(info, parts.train(), holdout, parts.validation(), test);
    }

    public boolean hasValidation() {
        return validation != null;
    }

    private static void requireFits(DatasetInfo info, ImageSplit split, String which) {
        if (split.channels() != info.channels() || split.imageSize() != info.imageSize()) {
            throw new IllegalArgumentException("the " + which + " split holds " + split.imageShape()
                    + " images but " + info.name() + " declares " + info.imageShape());
        }
        if (split.maxLabel() >= info.numClasses()) {
            throw new IllegalArgumentException("the " + which + " split has label " + split.maxLabel() + " but "
                    + info.name() + " has " + info.numClasses() + " classes");
        }
    }
}
