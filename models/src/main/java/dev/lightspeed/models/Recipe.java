package dev.lightspeed.models;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Every hyperparameter of a training run. Presets are recipe files ({@link Presets}); {@link RecipeJson} reads
 * and writes the JSON form, in which each field below is named in kebab case ({@code batch-size}). Learning rates
 * are the peak values, which {@code lrSchedule} scales per step (the whitening bias has its own span, in its layer).
 *
 * @param preset             the recipe's name, shown by runs and stored in checkpoints
 * @param architecture       the network it trains, as a list of layers
 * @param epochs             passes over the training set
 * @param batchSize          images per step; the last partial batch of an epoch is dropped
 * @param lrScale            multiplies every learning rate (a one-knob sweep)
 * @param lrSchedule         the multiplier of every peak learning rate over the run, as piecewise-linear knots
 * @param labelSmoothing     cross-entropy label smoothing
 * @param lossReduction      {@code sum} (airbench: the loss is summed over the batch) or {@code mean}
 * @param filterOptimizer    what trains the conv filters: {@code muon} or {@code sgd} (Nesterov SGD, with the
 *                           SGD groups' momentum and weight decay)
 * @param filterLr           learning rate of the conv filters
 * @param muonMomentum       Muon (Nesterov) momentum
 * @param newtonSchulzSteps  orthogonalization iterations of the Muon update
 * @param biasLr             SGD learning rate of the whitening bias, the batchnorm scales and shifts and conv biases
 * @param headLr             SGD learning rate of the linear head
 * @param sgdMomentum        Nesterov SGD momentum
 * @param weightDecay        L2 weight decay of the SGD groups, added to the gradient, in the form {@code weightDecayForm}
 *                           says
 * @param weightDecayForm    {@code per-sample} (airbench: each group adds weightDecay × batchSize / its peak lr ×
 *                           weight, so that lr × decay does not depend on the learning rate) or {@code coupled}
 *                           (PyTorch's SGD {@code weight_decay}: weightDecay × weight, as given)
 * @param translate          random translation in pixels: a crop of the image padded by this much on every side
 * @param translatePadding   how that padding is filled: {@code reflect} or {@code zeros}
 * @param flip               {@code alternating} (a random half mirrored once, then every image mirrored on odd
 *                           epochs), {@code random} (each image mirrored with probability ½ every epoch) or
 *                           {@code none}
 * @param cutout             side of a square zeroed at a random place inside every training image each epoch (0
 *                           for none)
 * @param ttaLevel           test-time augmentation of the final evaluation: 0 none, 1 mirror, 2 mirror + 1-px shifts
 * @param ttaFraction        the share of an evaluated split that gets the TTA views (selective TTA): every image is
 *                           scored on its plain view, and only the ⌈fraction × n⌉ least confident ones (lowest
 *                           softmax top-1 probability of the plain logits, ties by position) on the level's other
 *                           views, the rest keeping their plain logits; 1 (every image gets every view) in every
 *                           preset
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
        List<LrKnot> lrSchedule,
        double labelSmoothing,
        String lossReduction,
        String filterOptimizer,
        double filterLr,
        double muonMomentum,
        int newtonSchulzSteps,
        double biasLr,
        double headLr,
        double sgdMomentum,
        double weightDecay,
        String weightDecayForm,
        int translate,
        String translatePadding,
        String flip,
        int cutout,
        int ttaLevel,
        double ttaFraction,
        double emaDecay,
        int emaStartStep,
        int emaEvery) {

    static final String PRESET = "preset";

    public static final String SUM = "sum";
    public static final String MEAN = "mean";
    public static final String MUON = "muon";
    public static final String SGD = "sgd";
    public static final String PER_SAMPLE = "per-sample";
    public static final String COUPLED = "coupled";
    public static final String REFLECT = "reflect";
    public static final String ZEROS = "zeros";
    public static final String ALTERNATING = "alternating";
    public static final String RANDOM = "random";
    public static final String NONE = "none";

    public Recipe {
        require(preset != null && !preset.isBlank(), "preset must name the recipe");
        require(architecture != null, "architecture must be given");
        Map.of("lr-scale", lrScale, "label-smoothing", labelSmoothing, "filter-lr", filterLr, "muon-momentum",
                muonMomentum, "bias-lr", biasLr, "head-lr", headLr, "sgd-momentum", sgdMomentum, "weight-decay",
                weightDecay).forEach((name, value) ->
                require(Double.isFinite(value), name + " must be a finite number, got " + value));
        require(epochs > 0, "epochs must be positive, got " + epochs);
        require(batchSize > 0, "batch-size must be positive, got " + batchSize);
        require(lrScale > 0 && Double.isFinite(lrScale), "lr-scale must be a positive number, got " + lrScale);
        lrSchedule = checkedSchedule(lrSchedule);
        require(labelSmoothing >= 0 && labelSmoothing < 1, "label-smoothing must be in [0, 1), got " + labelSmoothing);
        lossReduction = oneOf("loss-reduction", lossReduction, SUM, MEAN);
        filterOptimizer = oneOf("filter-optimizer", filterOptimizer, MUON, SGD);
        require(filterLr >= 0 && biasLr >= 0 && headLr >= 0, "learning rates must not be negative");
        require(muonMomentum >= 0 && muonMomentum < 1 && sgdMomentum >= 0 && sgdMomentum < 1,
                "momentum must be in [0, 1)");
        require(newtonSchulzSteps >= 0, "newton-schulz-steps must not be negative");
        require(weightDecay >= 0, "weight-decay must not be negative");
        weightDecayForm = oneOf("weight-decay-form", weightDecayForm, PER_SAMPLE, COUPLED);
        require(translate >= 0 && translate < architecture.imageSize() / 2, "translate must be in [0, "
                + (architecture.imageSize() / 2 - 1) + "], got " + translate);
        translatePadding = oneOf("translate-padding", translatePadding, REFLECT, ZEROS);
        flip = oneOf("flip", flip, ALTERNATING, RANDOM, NONE);
        require(cutout >= 0 && cutout <= architecture.imageSize(), "cutout must be in [0, " + architecture.imageSize()
                + "] (0 for none), got " + cutout);
        require(ttaLevel >= 0 && ttaLevel <= TestTimeAugmentation.MAX_LEVEL,
                "tta-level must be 0, 1 or 2, got " + ttaLevel);
        require(ttaFraction > 0 && ttaFraction <= 1, "tta-fraction must be in (0, 1] (1: every image gets every"
                + " TTA view), got " + ttaFraction);
        require(emaDecay == 0 || (emaDecay > 0 && emaDecay < 1), "ema-decay must be in (0, 1), or 0 for no average,"
                + " got " + emaDecay);
        require(emaStartStep >= 0, "ema-start-step must not be negative, got " + emaStartStep);
        require(emaEvery >= 1, "ema-every must be at least 1, got " + emaEvery);
    }

    private static List<LrKnot> checkedSchedule(List<LrKnot> knots) {
        require(knots != null && knots.size() >= 2, "lr-schedule needs at least two knots, the first at 0 and the"
                + " last at 1, such as [{\"at\": 0, \"lr\": 1}, {\"at\": 1, \"lr\": 0}]");
        require(knots.get(0).at() == 0 && knots.get(knots.size() - 1).at() == 1,
                "lr-schedule must start at 0 and end at 1 (fractions of the run)");
        for (int i = 1; i < knots.size(); i++) {
            require(knots.get(i).at() > knots.get(i - 1).at(), "lr-schedule knots must come in increasing 'at'");
        }
        return List.copyOf(knots);
    }

    private static String oneOf(String field, String value, String... allowed) {
        require(value != null && List.of(allowed).contains(value), field + " must be one of "
                + String.join(", ", allowed) + ", got " + (value == null ? "nothing" : "'" + value + "'"));
        return value;
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new InputError(message);
        }
    }

    /**
     * Names that {@link #with(String, String)} accepts, in kebab case: the recipe's fields and the edits of its
     * network ({@link ArchitectureEdits}).
     */
    public static List<String> overridableNames() {
        List<String> names = new ArrayList<>(RecipeJson.fieldNames(Recipe.class).stream()
                .filter(n -> !n.equals(PRESET) && !n.equals(RecipeJson.ARCHITECTURE)).toList());
        names.addAll(ArchitectureEdits.names());
        return List.copyOf(names);
    }

    /**
     * A copy with one hyperparameter replaced, named in kebab case ({@code batch-size=500}), the value given as
     * text and converted to the field's type by Jackson (a list or object as JSON text); or, for the name of an
     * {@link ArchitectureEdits edit}, with the network edited. Unknown names and unparsable or out-of-range values
     * throw {@link InputError} with a message for the user.
     */
    public Recipe with(String name, String value) {
        if (ArchitectureEdits.names().contains(name)) {
            ArchitectureSpec edited = ArchitectureEdits.apply(architecture, name, value.trim());
            ObjectNode tree = RecipeJson.tree(this);
            tree.set(RecipeJson.ARCHITECTURE, Json.STRICT.valueToTree(edited));
            return bind(tree);
        }
        if (!overridableNames().contains(name)) {
            throw new InputError("unknown hyperparameter '" + name + "'; known: "
                    + String.join(", ", overridableNames()));
        }
        ObjectNode tree = RecipeJson.tree(this);
        String text = value.trim();
        if (text.startsWith("[") || text.startsWith("{")) {
            tree.set(name, RecipeJson.parse(text, name));
        } else {
            tree.put(name, text);
        }
        return bind(tree);
    }

    private static Recipe bind(ObjectNode tree) {
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
        return fitted.equals(architecture) ? this : withArchitecture(fitted);
    }

    /** This recipe training another network. */
    public Recipe withArchitecture(ArchitectureSpec other) {
        return new Recipe(preset, other, epochs, batchSize, lrScale, lrSchedule, labelSmoothing, lossReduction,
                filterOptimizer, filterLr, muonMomentum, newtonSchulzSteps, biasLr, headLr, sgdMomentum, weightDecay,
                weightDecayForm, translate, translatePadding, flip, cutout, ttaLevel, ttaFraction, emaDecay,
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
