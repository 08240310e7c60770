package dev.lightspeed.models.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

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
 * @param images     images scored
 * @param correct    images whose top-1 class was the label
 * @param perClass   per-class accuracy in label order
 * @param timings    where the time went
 */
public record EvalReport(String model, String precision, String provider, int threads, int batchSize, TtaMode tta, int images,
        int correct, List<ClassAccuracy> perClass, Timings timings) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public EvalReport {
        perClass = List.copyOf(perClass);
    }

    public double accuracy() {
        return images == 0 ? Double.NaN : (double) correct / images;
    }

    /** A stable, machine-readable form for scripts and benchmarks; times in seconds and milliseconds. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("model", model);
        root.put("precision", precision);
        root.put("provider", provider);
        root.put("threads", threads);
        root.put("batch_size", batchSize);
        root.put("tta", tta.label());
        root.put("tta_level", tta.level());
        root.put("images", images);
        root.put("correct", correct);
        root.put("accuracy", accuracy());
        ArrayNode classes = root.putArray("per_class");
        for (ClassAccuracy c : perClass) {
            ObjectNode node = classes.addObject();
            node.put("name", c.name());
            node.put("correct", c.correct());
            node.put("total", c.total());
            if (c.total() > 0) {
                node.put("accuracy", c.accuracy());
            } else {
                node.putNull("accuracy");
            }
        }
        ObjectNode time = root.putObject("timings");
        time.put("session_seconds", timings.sessionSeconds());
        time.put("warmup_seconds", timings.warmupSeconds());
        time.put("warmup_batches", timings.warmupBatches());
        time.put("scoring_seconds", timings.scoringSeconds());
        time.put("batches", timings.batches());
        time.put("images_per_second", timings.imagesPerSecond());
        time.put("p50_batch_ms", timings.p50BatchMillis());
        time.put("p95_batch_ms", timings.p95BatchMillis());
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
