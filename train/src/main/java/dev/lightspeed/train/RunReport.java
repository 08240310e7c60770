package dev.lightspeed.train;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON shapes of metrics.jsonl rows and summary.json. */
public final class RunReport {

    private RunReport() {
    }

    public static Map<String, Object> row(EpochMetrics m) {
        Map<String, Object> row = new LinkedHashMap<>();
        row.put("epoch", m.epoch());
        row.put("train_loss", m.trainLoss());
        row.put("train_acc", m.trainAcc());
        row.put("test_loss", m.testLoss());
        row.put("test_acc", m.testAcc());
        row.put("tta_test_acc", Double.isNaN(m.ttaTestAcc()) ? null : m.ttaTestAcc());
        row.put("epoch_train_seconds", m.epochTrainSeconds());
        row.put("total_time_seconds", m.totalTimeSeconds());
        row.put("images_per_second", m.imagesPerSecond());
        row.put("peak_rss_bytes", m.peakRssBytes());
        row.put("phase_seconds", m.phaseSeconds());
        return row;
    }

    public static Map<String, Object> summary(TrainConfig config, Trainer.Result result, double wallSeconds) {
        List<EpochMetrics> epochs = result.epochs();
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("preset", config.recipe().preset());
        s.put("recipe", config.recipe());
        s.put("seed", config.seed());
        s.put("device", config.device().kind());
        s.put("precision", config.device().precisionName());
        s.put("threads", org.bytedeco.pytorch.global.torch.get_num_threads());
        s.put("epochs", config.recipe().epochs());
        s.put("tta_level", config.recipe().ttaLevel());
        s.put("tta_test_acc", result.ttaTestAcc());
        s.put("train_seconds", result.trainSeconds());
        s.put("wall_seconds", wallSeconds);
        double images = epochs.stream().mapToDouble(e -> e.imagesPerSecond() * e.epochTrainSeconds()).sum();
        s.put("images_per_second", result.trainSeconds() > 0 ? images / result.trainSeconds() : 0);
        s.put("peak_rss_bytes", epochs.stream().mapToLong(EpochMetrics::peakRssBytes).max().orElse(0));
        Map<String, Double> phases = new LinkedHashMap<>();
        epochs.forEach(e -> e.phaseSeconds().forEach((k, v) -> phases.merge(k, v, Double::sum)));
        s.put("phase_seconds", phases);
        s.put("checkpoint", result.output().model().toString());
        return s;
    }
}
