package dev.lightspeed.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.lightspeed.data.Holdout;
import dev.lightspeed.models.AtomicFiles;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Failures;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.SafeTensors;
import dev.lightspeed.models.TensorData;
import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.RunFiles;
import dev.lightspeed.models.run.RunSummary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The files of a run folder. Every file is written whole to a temporary sibling and renamed into place, so a
 * crash or Ctrl-C never leaves a half-written file, and the last complete epoch stays on disk.
 */
public final class RunOutput {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final String HOLDOUT = "holdout";
    private static final String HOLDOUT_SEED = "holdout_seed";

    private final Path folder;
    /** The outermost folder this run created on the way to {@code folder}, or null when it existed. */
    private final Path createdRoot;
    private final StringBuilder metricsLines = new StringBuilder();

    private RunOutput(Path folder, Path createdRoot) {
        this.folder = folder;
        this.createdRoot = createdRoot;
    }

    /** Creates (or reuses) the folder and proves it writable before any training time is spent. */
    public static RunOutput prepare(Path folder) {
        Path createdRoot = null;
        for (Path f = folder.toAbsolutePath(); f != null && !Files.exists(f); f = f.getParent()) {
            createdRoot = f;
        }
        try {
            Files.createDirectories(folder);
            Path probe = Files.createTempFile(folder, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new InputError("cannot write to output folder " + folder + " (" + Failures.oneLine(e)
                    + "); choose a writable folder");
        }
        return new RunOutput(folder, createdRoot);
    }

    /**
     * Removes the folders this run created (the run folder and any parents made for it) again, innermost first, as
     * long as they are empty: a run that never got to write a file leaves nothing behind.
     */
    public void discardIfEmpty() {
        if (createdRoot == null) {
            return;
        }
        for (Path f = folder.toAbsolutePath(); f != null && f.startsWith(createdRoot); f = f.getParent()) {
            try (var entries = Files.list(f)) {
                if (entries.findAny().isPresent()) {
                    return;
                }
                Files.delete(f);
            } catch (IOException e) {
                // Best effort: an empty folder is harmless.
                return;
            }
        }
    }

    public Path folder() {
        return folder;
    }

    public Path model() {
        return folder.resolve(RunFiles.MODEL);
    }

    public Path resumeState() {
        return folder.resolve(RunFiles.RESUME);
    }

    /** Loads lines of an earlier run's metrics when resuming, so that the file keeps every epoch. */
    void keepEarlierMetrics(int lastEpoch) throws IOException {
        Path file = folder.resolve(RunFiles.METRICS);
        if (!Files.exists(file)) {
            return;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && JSON.readTree(line).path("epoch").asInt() <= lastEpoch) {
                metricsLines.append(line).append('\n');
            }
        }
    }

    void appendMetrics(EpochMetrics row) throws IOException {
        metricsLines.append(JSON.writeValueAsString(row)).append('\n');
        AtomicFiles.write(folder.resolve(RunFiles.METRICS), metricsLines.toString().getBytes(StandardCharsets.UTF_8));
    }

    public void writeSummary(RunSummary summary) throws IOException {
        byte[] bytes = JSON.copy().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsBytes(summary);
        AtomicFiles.write(folder.resolve(RunFiles.SUMMARY), bytes);
    }

    void writeCheckpoint(Checkpoint checkpoint, Map<String, TensorData> optimizerState, int step, Holdout holdout)
            throws IOException {
        checkpoint.save(model());
        Map<String, TensorData> all = new LinkedHashMap<>(checkpoint.storedTensors());
        optimizerState.forEach((name, t) -> all.put(Checkpoint.TRAINING_STATE_PREFIX + name, t));
        Map<String, String> meta = new LinkedHashMap<>(checkpoint.metadata());
        meta.put("step", Integer.toString(step));
        meta.put(HOLDOUT, Integer.toString(holdout.count()));
        meta.put(HOLDOUT_SEED, Long.toString(holdout.seed()));
        SafeTensors.write(resumeState(), all, meta);
    }

    /** The images the run in a resume state held out of training; none for states written before holdouts. */
    public static Holdout savedHoldout(Map<String, String> resumeMetadata) {
        String count = resumeMetadata.get(HOLDOUT);
        return count == null ? Holdout.NONE
                : new Holdout(Integer.parseInt(count), Long.parseLong(resumeMetadata.get(HOLDOUT_SEED)));
    }

}
