package dev.lightspeed.data;

import dev.lightspeed.models.DatasetInfo;

/**
 * A dataset as the trainer consumes it: what it is ({@link DatasetInfo}: classes, image shape, normalization) and
 * its training and test images. Both splits have the shape the info declares and labels below its class count.
 */
public record Dataset(DatasetInfo info, ImageSplit train, ImageSplit test) {

    public Dataset {
        requireFits(info, train, "training");
        requireFits(info, test, "test");
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
