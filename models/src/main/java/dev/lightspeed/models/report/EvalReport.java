package dev.lightspeed.models.report;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import dev.lightspeed.models.Json;

import java.util.List;

/**
 * The outcome of scoring a labelled split: top-1 accuracy overall and per class, and the timings.
 *
 * @param model      the model file
 * @param precision  number format it computed in (fp32, int8, bf16; "unknown" for a model that does not say)
 * @param provider   execution provider name
 * @param threads    intra-op threads
 * @param batchSize  images per batch
 * @param tta        how test-time augmentation was scored
 * @param ttaFraction the share of the test split that got the TTA views, the least confident images (libtorch's
 *                   selective TTA, {@code eval --checkpoint --tta --tta-fraction}); 1 where every image got them
 * @param images     images scored
 * @param correct    images whose top-1 class was the label
 * @param perClass   per-class accuracy in label order
 * @param timings    where the time went
 */
@JsonPropertyOrder({"model", "precision", "provider", "threads", "batch_size", "tta", "tta_level", "tta_fraction",
        "images", "correct", "accuracy", "per_class", "timings"})
// Field names in snake_case here and in the report's parts, the form scripts (scripts/bench-eval) read.
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record EvalReport(String model, String precision, String provider, int threads, int batchSize, TtaMode tta,
        double ttaFraction, int images, int correct, List<ClassAccuracy> perClass, Timings timings) {

    public EvalReport {
        perClass = List.copyOf(perClass);
    }

    /** A report of the images counted by {@code tally}, whose classes are named by {@code classNames}. */
    public static EvalReport of(String model, String precision, String provider, int threads, int batchSize,
            TtaMode tta, ClassTally tally, List<String> classNames, Timings timings) {
        return of(model, precision, provider, threads, batchSize, tta, 1.0, tally, classNames, timings);
    }

    /** As {@link #of(String, String, String, int, int, TtaMode, ClassTally, List, Timings)}, the views on a share. */
    public static EvalReport of(String model, String precision, String provider, int threads, int batchSize,
            TtaMode tta, double ttaFraction, ClassTally tally, List<String> classNames, Timings timings) {
        return new EvalReport(model, precision, provider, threads, batchSize, tta, ttaFraction, tally.images(),
                tally.correct(), tally.perClass(classNames), timings);
    }

    @JsonProperty("accuracy")
    public double accuracy() {
        return images == 0 ? Double.NaN : (double) correct / images;
    }

    @JsonProperty("tta_level")
    public int ttaLevel() {
        return tta.level();
    }

    /** A stable, machine-readable form for scripts and benchmarks; times in seconds and milliseconds. */
    public String toJson() {
        try {
            return Json.PRETTY.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
