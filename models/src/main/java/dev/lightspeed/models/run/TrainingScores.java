package dev.lightspeed.models.run;

/**
 * How the network did on its own training batches during one epoch, as the steps saw them (augmented images,
 * weights changing from step to step).
 *
 * @param loss     the training loss per image, averaged over the epoch's steps
 * @param accuracy the fraction of the epoch's training images the network classified right at their step
 */
public record TrainingScores(double loss, double accuracy) {
}
