package dev.lightspeed.models.run;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One row of the training table, and one line of metrics.jsonl. The file keeps one flat JSON object per epoch
 * (snake_case keys: {@code train_loss}, {@code val_acc}, {@code tta_test_acc}, ...), the columns the speedrun
 * references print; in Java the row is made of its parts.
 *
 * @param epoch      counted from 1
 * @param training   the epoch's own training batches
 * @param validation the images held out of training; null when the run held none out or did not score the epoch
 * @param test       the dataset's test split; null after an epoch the run did not score ({@code --eval-every})
 * @param times      where the epoch's time and memory went
 */
public record EpochMetrics(int epoch, TrainingScores training, SplitScores validation, SplitScores test,
        EpochTimes times) {

    /** The metrics.jsonl object, keys in the order the file has always had them. */
    @JsonValue
    Map<String, Object> toJson() {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("epoch", epoch);
        row.put("train_loss", training.loss());
        row.put("train_acc", training.accuracy());
        row.put("val_loss", validation == null ? null : validation.loss());
        row.put("val_acc", validation == null ? null : validation.accuracy());
        row.put("test_loss", test == null ? null : test.loss());
        row.put("test_acc", test == null ? null : test.accuracy());
        row.put("tta_val_acc", validation == null ? null : validation.ttaAccuracy());
        row.put("tta_test_acc", test == null ? null : test.ttaAccuracy());
        row.put("ema_val_acc", validation == null ? null : validation.emaAccuracy());
        row.put("ema_test_acc", test == null ? null : test.emaAccuracy());
        row.put("tta_ema_test_acc", test == null ? null : test.ttaEmaAccuracy());
        row.put("epoch_train_seconds", times.trainSeconds());
        row.put("total_time_seconds", times.totalSeconds());
        row.put("images_per_second", times.imagesPerSecond());
        row.put("peak_rss_bytes", times.peakRssBytes());
        row.put("phase_seconds", times.phaseSeconds());
        return row;
    }

    /**
     * A metrics.jsonl object. A key the row lacks (a row of an older version) reads as not measured: null where the
     * part allows it, NaN for a number that every row has; a {@code test_acc} of null is an epoch not scored.
     */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    static EpochMetrics fromJson(JsonNode row) {
        SplitScores validation = row.hasNonNull("val_acc")
                ? new SplitScores(number(row, "val_loss"), number(row, "val_acc"), optional(row, "tta_val_acc"),
                        optional(row, "ema_val_acc"), null)
                : null;
        SplitScores test = row.has("test_acc") && !row.hasNonNull("test_acc") ? null
                : new SplitScores(number(row, "test_loss"), number(row, "test_acc"), optional(row, "tta_test_acc"),
                        optional(row, "ema_test_acc"), optional(row, "tta_ema_test_acc"));
        Map<String, Double> phases = new LinkedHashMap<>();
        row.path("phase_seconds").properties().forEach(e -> phases.put(e.getKey(), e.getValue().asDouble()));
        return new EpochMetrics(row.path("epoch").asInt(),
                new TrainingScores(number(row, "train_loss"), number(row, "train_acc")), validation, test,
                new EpochTimes(number(row, "epoch_train_seconds"), number(row, "total_time_seconds"),
                        number(row, "images_per_second"), row.path("peak_rss_bytes").asLong(), phases));
    }

    private static double number(JsonNode row, String key) {
        JsonNode value = row.get(key);
        return value == null || !value.isNumber() ? Double.NaN : value.asDouble();
    }

    private static Double optional(JsonNode row, String key) {
        JsonNode value = row.get(key);
        return value == null || !value.isNumber() ? null : value.asDouble();
    }
}
