package dev.lightspeed.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.List;
import java.util.Map;

/**
 * Every hyperparameter of a training run. Presets are recipe files ({@link Presets}); {@link RecipeJson} reads
 * and writes the JSON form, in which each field below is named in kebab case ({@code batch-size}). Learning rates
 * are the peak values; all but the whitening bias decay linearly to zero per step over the whole run.
 *
 * @param preset             the recipe's name, shown by runs and stored in checkpoints
 * @param architecture       the network it trains
 * @param epochs             passes over the training set
 * @param batchSize          images per step; the last partial batch of an epoch is dropped
 * @param lrScale            multiplies every learning rate (a one-knob sweep)
 * @param labelSmoothing     cross-entropy label smoothing; the loss is summed over the batch
 * @param filterLr           Muon learning rate of the conv filters
 * @param muonMomentum       Muon (Nesterov) momentum
 * @param newtonSchulzSteps  orthogonalization iterations of the Muon update
 * @param biasLr             SGD learning rate of the whitening bias and the batchnorm shifts
 * @param headLr             SGD learning rate of the linear head
 * @param sgdMomentum        Nesterov SGD momentum
 * @param weightDecay        decay per sample: each SGD group adds weightDecay × batchSize / lr × weight to its
 *                           gradient, so that lr × decay stays constant
 * @param whitenBiasEpochs   epochs during which the whitening bias trains (its lr decays to 0 over them)
 * @param whiteningSamples   training images whose 2×2 patches set the whitening filters
 * @param whiteningEps       added to each eigenvalue before the 1/sqrt scaling
 * @param translate          random translation in pixels (reflect padding)
 * @param alternatingFlip    flip a random half once, then every image on odd epochs
 * @param ttaLevel           test-time augmentation of the final evaluation: 0 none, 1 mirror, 2 mirror + 1-px shifts
 * @param emaDecay           weight of the old average per step in an exponential moving average of the weights (and
 *                           batchnorm statistics), evaluated beside the live weights; 0 keeps no average
 * @param emaStartStep       the step whose weights start the average
 * @param emaEvery           update the average every this many steps, with the decay raised to that power, so that
 *                           the average spans the same steps whatever the interval
 */
@JsonNaming(PropertyNamingStrategies.KebabCaseStrategy.class)
public record Recipe(
        String preset,
        ArchitectureSpec architecture,
        int epochs,
        int batchSize,
        double lrScale,
        double labelSmoothing,
        double filterLr,
        double muonMomentum,
        int newtonSchulzSteps,
        double biasLr,
        double headLr,
        double sgdMomentum,
        double weightDecay,
        int whitenBiasEpochs,
        int whiteningSamples,
        double whiteningEps,
        int translate,
        boolean alternatingFlip,
        int ttaLevel,
        double emaDecay,
        int emaStartStep,
        int emaEvery) {

    static final String PRESET = "preset";

    public Recipe {
        require(preset != null && !preset.isBlank(), "preset must name the recipe");
        require(architecture != null, "architecture must be given");
        Map.of("lr-scale", lrScale, "label-smoothing", labelSmoothing, "filter-lr", filterLr, "muon-momentum",
                muonMomentum, "bias-lr", biasLr, "head-lr", headLr, "sgd-momentum", sgdMomentum, "weight-decay",
                weightDecay, "whitening-eps", whiteningEps).forEach((name, value) ->
                require(Double.isFinite(value), name + " must be a finite number, got " + value));
        require(epochs > 0, "epochs must be positive, got " + epochs);
        require(batchSize > 0, "batch-size must be positive, got " + batchSize);
        require(lrScale > 0 && Double.isFinite(lrScale), "lr-scale must be a positive number, got " + lrScale);
        require(labelSmoothing >= 0 && labelSmoothing < 1, "label-smoothing must be in [0, 1), got " + labelSmoothing);
        require(filterLr >= 0 && biasLr >= 0 && headLr >= 0, "learning rates must not be negative");
        require(muonMomentum >= 0 && muonMomentum < 1 && sgdMomentum >= 0 && sgdMomentum < 1,
                "momentum must be in [0, 1)");
        require(newtonSchulzSteps >= 0, "newton-schulz-steps must not be negative");
        require(weightDecay >= 0, "weight-decay must not be negative");
        require(whitenBiasEpochs >= 0, "whiten-bias-epochs must not be negative");
        require(whiteningSamples > 0, "whitening-samples must be positive");
        require(whiteningEps > 0, "whitening-eps must be positive");
        require(translate >= 0 && translate < architecture.imageSize() / 2, "translate must be in [0, "
                + (architecture.imageSize() / 2 - 1) + "], got " + translate);
        require(ttaLevel >= 0 && ttaLevel <= TestTimeAugmentation.MAX_LEVEL,
                "tta-level must be 0, 1 or 2, got " + ttaLevel);
        require(emaDecay == 0 || (emaDecay > 0 && emaDecay < 1), "ema-decay must be in (0, 1), or 0 for no average,"
                + " got " + emaDecay);
        require(emaStartStep >= 0, "ema-start-step must not be negative, got " + emaStartStep);
        require(emaEvery >= 1, "ema-every must be at least 1, got " + emaEvery);
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new InputError(message);
        }
    }

    /** Names that {@link #with(String, String)} accepts, in kebab case. */
    public static List<String> overridableNames() {
        return RecipeJson.fieldNames(Recipe.class).stream()
                .filter(n -> !n.equals(PRESET) && !n.equals(RecipeJson.ARCHITECTURE)).toList();
    }

    /**
     * A copy with one hyperparameter replaced, named in kebab case ({@code batch-size=500}), the value given as
     * text and converted to the field's type by Jackson. Unknown names and unparsable or out-of-range values throw
     * {@link InputError} with a message for the user.
     */
    public Recipe with(String name, String value) {
        if (!overridableNames().contains(name)) {
            throw new InputError("unknown hyperparameter '" + name + "'; known: "
                    + String.join(", ", overridableNames()));
        }
        ObjectNode tree = RecipeJson.tree(this);
        tree.put(name, value.trim());
        try {
            return Json.STRICT.treeToValue(tree, Recipe.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw RecipeJson.error(null, e);
        }
    }

    /** This recipe with its network fitted to a dataset's images and classes ({@link ArchitectureSpec#fittedTo}). */
    public Recipe fittedTo(DatasetInfo data) {
        return fittedTo(data.geometry(), data.numClasses());
    }

    /** This recipe with its network fitted to images of {@code geometry} in {@code numClasses} classes. */
    public Recipe fittedTo(ImageGeometry geometry, int numClasses) {
        ArchitectureSpec fitted = architecture.fittedTo(geometry, numClasses);
        return fitted.equals(architecture) ? this : new Recipe(preset, fitted, epochs, batchSize, lrScale,
                labelSmoothing, filterLr, muonMomentum, newtonSchulzSteps, biasLr, headLr, sgdMomentum, weightDecay,
                whitenBiasEpochs, whiteningSamples, whiteningEps, translate, alternatingFlip, ttaLevel, emaDecay,
                emaStartStep, emaEvery);
    }

    /** Whether the run keeps an exponential moving average of its weights. */
    public boolean averagesWeights() {
        return emaDecay > 0;
    }

    /** Steps per epoch over {@code trainSize} images (last partial batch dropped). */
    public int stepsPerEpoch(int trainSize) {
        return trainSize / batchSize;
    }
}
