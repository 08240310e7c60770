package dev.lightspeed.models;

import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Every hyperparameter of a training run, in one record per preset (see {@link Presets}). Learning rates are
 * the peak values; all but the whitening bias decay linearly to zero per step over the whole run.
 *
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
 */
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
        int ttaLevel) {

    public Recipe {
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
    }

    private static void require(boolean condition, String message) {
        if (!condition) {
            throw new InputError(message);
        }
    }

    /** Names that {@link #with(String, String)} accepts, in kebab case. */
    public static List<String> overridableNames() {
        List<String> names = new ArrayList<>();
        for (RecordComponent c : Recipe.class.getRecordComponents()) {
            if (c.getType() != ArchitectureSpec.class && !c.getName().equals("preset")) {
                names.add(kebab(c.getName()));
            }
        }
        return names;
    }

    /**
     * A copy with one hyperparameter replaced, named in kebab case ({@code batch-size=500}). Unknown names and
     * unparsable or out-of-range values throw {@link InputError} with a message for the user.
     */
    public Recipe with(String name, String value) {
        RecordComponent[] components = Recipe.class.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        boolean found = false;
        for (int i = 0; i < components.length; i++) {
            RecordComponent c = components[i];
            types[i] = c.getType();
            try {
                values[i] = c.getAccessor().invoke(this);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(e);
            }
            if (kebab(c.getName()).equals(name) && overridableNames().contains(name)) {
                values[i] = parse(name, value, c.getType());
                found = true;
            }
        }
        if (!found) {
            throw new InputError("unknown hyperparameter '" + name + "'; known: "
                    + String.join(", ", overridableNames()));
        }
        try {
            return Recipe.class.getDeclaredConstructor(types).newInstance(values);
        } catch (java.lang.reflect.InvocationTargetException e) {
            if (e.getCause() instanceof InputError bad) {
                throw bad;
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Object parse(String name, String value, Class<?> type) {
        try {
            if (type == int.class) {
                return Integer.parseInt(value.trim());
            }
            if (type == double.class) {
                double d = Double.parseDouble(value.trim());
                if (!Double.isFinite(d)) {
                    throw new NumberFormatException();
                }
                return d;
            }
            if (type == boolean.class) {
                String v = value.trim().toLowerCase(Locale.ROOT);
                if (!v.equals("true") && !v.equals("false")) {
                    throw new NumberFormatException();
                }
                return Boolean.parseBoolean(v);
            }
        } catch (NumberFormatException e) {
            throw new InputError(name + " expects " + (type == boolean.class ? "true or false"
                    : type == int.class ? "an integer" : "a number") + ", got '" + value + "'");
        }
        throw new InputError(name + " cannot be overridden");
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** Steps per epoch over {@code trainSize} images (last partial batch dropped). */
    public int stepsPerEpoch(int trainSize) {
        return trainSize / batchSize;
    }
}
