package dev.lightspeed.data;

import java.util.List;

/** One split of a dataset with the names of its classes: what scoring and calibration need, without the rest. */
public record ClassifiedSplit(String datasetName, List<String> classes, ImageSplit images) {

    public ClassifiedSplit {
        classes = List.copyOf(classes);
    }
}
