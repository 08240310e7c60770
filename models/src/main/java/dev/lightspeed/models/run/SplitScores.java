package dev.lightspeed.models.run;

/**
 * One split's scores after an epoch: the held-out validation images or the dataset's test split. The {@code tta*}
 * accuracies use the recipe's test-time augmentation and are measured after the last epoch only; the {@code ema*}
 * ones score the weights' moving average, when the recipe keeps one. Null means not measured.
 *
 * @param loss             cross-entropy per image, one plain view
 * @param accuracy         accuracy, one plain view
 * @param ttaAccuracy      accuracy with test-time augmentation
 * @param emaAccuracy      the moving average's accuracy, one plain view
 * @param ttaEmaAccuracy   the moving average's accuracy with test-time augmentation
 */
public record SplitScores(double loss, double accuracy, Double ttaAccuracy, Double emaAccuracy,
        Double ttaEmaAccuracy) {

    /** Loss and accuracy of a plain pass, nothing else measured yet. */
    public static SplitScores plain(double loss, double accuracy) {
        return new SplitScores(loss, accuracy, null, null, null);
    }

    public SplitScores withTta(Double tta) {
        return new SplitScores(loss, accuracy, tta, emaAccuracy, ttaEmaAccuracy);
    }

    public SplitScores withAverage(Double ema, Double ttaEma) {
        return new SplitScores(loss, accuracy, ttaAccuracy, ema, ttaEma);
    }
}
