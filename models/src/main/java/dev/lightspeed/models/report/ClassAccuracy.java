package dev.lightspeed.models.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;

/** Top-1 accuracy on the scored images of one class. */
@JsonPropertyOrder({"name", "correct", "total", "accuracy"})
@JsonNaming(PropertyNamingStrategies.SnakeCaseStrategy.class)
public record ClassAccuracy(String name, int correct, int total) {

    /** Fraction correct; NaN when the split holds no image of this class. */
    @JsonIgnore
    public double accuracy() {
        return total == 0 ? Double.NaN : (double) correct / total;
    }

    /** The accuracy as the JSON report states it: null, not NaN, for a class without images. */
    @JsonProperty("accuracy")
    @JsonInclude(JsonInclude.Include.ALWAYS)
    Double accuracyOrNull() {
        return total == 0 ? null : accuracy();
    }
}
