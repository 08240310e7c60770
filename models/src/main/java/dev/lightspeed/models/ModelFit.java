package dev.lightspeed.models;

import java.util.List;

/** The check every scoring engine makes before it scores: the model was trained on the data's classes and images. */
public final class ModelFit {

    private ModelFit() {
    }

    /**
     * Refuses a model trained on other classes or other images than the data's.
     *
     * @param model        the model's name in messages (its file)
     * @param classCount   logits the model outputs
     * @param classNames   the model's class names, or null when it does not name them
     * @param geometry     the images the model takes
     */
    public static void require(Object model, int classCount, List<String> classNames, ImageGeometry geometry,
            List<String> dataClasses, ImageGeometry dataGeometry) {
        if (classCount != dataClasses.size()) {
            throw new InputError(model + " outputs " + classCount + " classes but the data has " + dataClasses.size()
                    + "; pass a model trained on this dataset");
        }
        if (classNames != null && !classNames.equals(dataClasses)) {
            throw new InputError(model + " names its classes " + classNames + " but the data names them "
                    + dataClasses + "; pass a model trained on this dataset");
        }
        if (!geometry.equals(dataGeometry)) {
            throw new InputError(model + " takes " + geometry + " images but the data's are " + dataGeometry
                    + "; pass a model trained on this dataset");
        }
    }
}
