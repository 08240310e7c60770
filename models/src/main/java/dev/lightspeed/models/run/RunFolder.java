package dev.lightspeed.models.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lightspeed.models.AtomicFiles;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Failures;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Json;
import dev.lightspeed.models.SafeTensors;
import dev.lightspeed.models.TensorData;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A run folder, and the one place that knows its files: the per-epoch metrics (metrics.jsonl), the checkpoint
 * after the last complete epoch (model.safetensors), the state to continue from (resume.safetensors), the summary
 * written when the run ends (summary.json) and, when asked for, a trace of some steps (profile.json). Every file
 * is written whole to a hidden sibling and renamed into place, so a crash or Ctrl-C never leaves a half-written
 * file and the last complete epoch stays on disk. The trainer writes through it; {@code report}, {@code export}
 * and the sweep read through it.
 */
public final class RunFolder {

    private static final String METRICS = "metrics.jsonl";
    private static final String SUMMARY = "summary.json";
    private static final String MODEL = "model.safetensors";
    private static final String RESUME = "resume.safetensors";
    /** The trace file's name, which help texts show; readers and writers go through {@link #trace()}. */
    public static final String TRACE_FILE = "profile.json";
    private static final String STEP = "step";
    private static final String HOLDOUT = "holdout";
    private static final String HOLDOUT_SEED = "holdout_seed";
    private static final String WORLD_SIZE = "world_size";

    /**
     * Lenient on purpose, unlike recipe files: a run folder may have been written by an older or newer version, and
     * a field this one does not know changes nothing it reads.
     */
    private static final ObjectMapper JSON = Json.LENIENT;

    private final Path path;
    /** The outermost folder {@link #create} made on the way to {@code path}, or null when it existed. */
    private final Path createdRoot;
    private final StringBuilder metricsLines = new StringBuilder();
    private Optional<ResumeState> resumeState;

    private RunFolder(Path path, Path createdRoot) {
        this.path = path;
        this.createdRoot = createdRoot;
    }

    /**
     * Creates the folder (and its missing parents), or takes it as it is, and proves it writable before any
     * training time is spent.
     *
     * @throws InputError when it cannot be written
     */
    public static RunFolder create(Path path) {
        Path createdRoot = null;
        for (Path f = path.toAbsolutePath(); f != null && !Files.exists(f); f = f.getParent()) {
            createdRoot = f;
        }
        try {
            Files.createDirectories(path);
            Path probe = Files.createTempFile(path, ".write-check", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new InputError("cannot write to run folder " + path + " (" + Failures.oneLine(e)
                    + "); choose a writable folder");
        }
        return new RunFolder(path, createdRoot);
    }

    /**
     * An existing run folder, to read or to continue.
     *
     * @throws InputError when there is no folder there
     */
    public static RunFolder open(Path path) {
        if (!Files.isDirectory(path)) {
            throw new InputError("run folder " + path + (Files.exists(path) ? " is not a folder" : " does not exist")
                    + "; name the folder a run was trained into");
        }
        return new RunFolder(path, null);
    }

    /**
     * The folder at {@code path} as it is, neither created nor checked: what a replica of a data-parallel run that
     * does not write the run is given, to read the state it continues from when there is one.
     */
    public static RunFolder at(Path path) {
        return new RunFolder(path, null);
    }

    /** True when {@code folder} holds a run's records (metrics or a summary), finished or not. */
    public static boolean holdsRun(Path folder) {
        return Files.isRegularFile(folder.resolve(METRICS)) || Files.isRegularFile(folder.resolve(SUMMARY));
    }

    public Path path() {
        return path;
    }

    /** The trained model: the checkpoint after the last complete epoch. */
    public Path model() {
        return path.resolve(MODEL);
    }

    /** Where a trace of some of the run's steps goes when a sweep asks every run for one. */
    public Path trace() {
        return path.resolve(TRACE_FILE);
    }

    /** True once the run has ended (finished or diverged) and written its summary. */
    public boolean hasSummary() {
        return Files.isRegularFile(path.resolve(SUMMARY));
    }

    /**
     * The state a run continues from, read once per folder object; empty when the folder holds none.
     *
     * @throws InputError when the file is there but is not a readable resume state
     */
    public Optional<ResumeState> resumeState() {
        if (resumeState == null) {
            Path file = path.resolve(RESUME);
            if (!Files.isRegularFile(file)) {
                resumeState = Optional.empty();
            } else {
                SafeTensors.Contents contents = SafeTensors.read(file);
                Map<String, String> meta = contents.metadata();
                Checkpoint checkpoint = Checkpoint.fromContents(file, meta, contents.tensors());
                Map<String, TensorData> trainingState = new LinkedHashMap<>();
                contents.tensors().forEach((name, values) -> {
                    if (name.startsWith(Checkpoint.TRAINING_STATE_PREFIX)) {
                        trainingState.put(name.substring(Checkpoint.TRAINING_STATE_PREFIX.length()), values);
                    }
                });
                // States written before holdouts existed held nothing out.
                String holdout = meta.get(HOLDOUT);
                resumeState = Optional.of(new ResumeState(checkpoint, trainingState,
                        Integer.parseInt(meta.getOrDefault(STEP, "0")),
                        holdout == null ? 0 : Integer.parseInt(holdout),
                        holdout == null ? 0 : Long.parseLong(meta.get(HOLDOUT_SEED)),
                        Integer.parseInt(meta.getOrDefault(WORLD_SIZE, "1"))));
            }
        }
        return resumeState;
    }

    /** When continuing a run: keeps the metrics rows of its first {@code epochs} epochs, to which rows are added. */
    public void keepEpochsUpTo(int epochs) throws IOException {
        metricsLines.setLength(0);
        Path file = path.resolve(METRICS);
        if (!Files.isRegularFile(file)) {
            return;
        }
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            if (!line.isBlank() && JSON.readTree(line).path("epoch").asInt() <= epochs) {
                metricsLines.append(line).append('\n');
            }
        }
    }

    /** Adds an epoch's row to metrics.jsonl. */
    public void appendMetrics(EpochMetrics row) throws IOException {
        metricsLines.append(JSON.writeValueAsString(row)).append('\n');
        AtomicFiles.write(path.resolve(METRICS), metricsLines.toString().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Saves the model after an epoch, and beside it the state to continue from: the model again with the
     * optimizer's tensors, the steps done, the held-out images and how many data-parallel processes train the run.
     */
    public void writeCheckpoint(Checkpoint checkpoint, Map<String, TensorData> trainingState, int step, int holdout,
            long holdoutSeed, int worldSize) throws IOException {
        checkpoint.save(model());
        Map<String, TensorData> all = new LinkedHashMap<>(checkpoint.storedTensors());
        trainingState.forEach((name, t) -> all.put(Checkpoint.TRAINING_STATE_PREFIX + name, t));
        Map<String, String> meta = new LinkedHashMap<>(checkpoint.metadata());
        meta.put(STEP, Integer.toString(step));
        meta.put(HOLDOUT, Integer.toString(holdout));
        meta.put(HOLDOUT_SEED, Long.toString(holdoutSeed));
        meta.put(WORLD_SIZE, Integer.toString(worldSize));
        SafeTensors.write(path.resolve(RESUME), all, meta);
        resumeState = null;
    }

    public void writeSummary(RunSummary summary) throws IOException {
        byte[] bytes = Json.PRETTY.writeValueAsBytes(summary);
        AtomicFiles.write(path.resolve(SUMMARY), bytes);
    }

    /**
     * The metrics rows, one per epoch in epoch order (a row written again by a continued run replaces the earlier
     * one).
     *
     * @throws InputError when the file cannot be read or a line is not a metrics row
     */
    public List<EpochMetrics> readMetrics() {
        Path file = path.resolve(METRICS);
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<String> lines = readLines(file);
        Map<Integer, EpochMetrics> byEpoch = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                EpochMetrics row = JSON.readValue(lines.get(i), EpochMetrics.class);
                byEpoch.put(row.epoch(), row);
            } catch (JsonProcessingException e) {
                throw unreadable(file, "line " + (i + 1) + " is not a metrics row: " + firstLine(e.getOriginalMessage()));
            }
        }
        return List.copyOf(byEpoch.values());
    }

    /**
     * summary.json as written, for readers that must take summaries of other versions (a report binds only the
     * fields it shows); empty while the run has not ended.
     *
     * @throws InputError when the file is not one JSON object
     */
    public Optional<ObjectNode> readSummaryTree() {
        Path file = path.resolve(SUMMARY);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        JsonNode tree;
        try {
            tree = JSON.readTree(String.join("\n", readLines(file)));
        } catch (JsonProcessingException e) {
            throw unreadable(file, "not valid JSON: " + firstLine(e.getOriginalMessage()));
        }
        if (!(tree instanceof ObjectNode object)) {
            throw unreadable(file, "it must hold one JSON object");
        }
        return Optional.of(object);
    }

    /**
     * summary.json bound to this version's summary, for a reader that needs its numbers.
     *
     * @throws InputError when it is not a run summary
     */
    public Optional<RunSummary> readSummary() {
        return readSummaryTree().map(tree -> {
            try {
                return JSON.treeToValue(tree, RunSummary.class);
            } catch (JsonProcessingException | IllegalArgumentException e) {
                throw unreadable(path.resolve(SUMMARY), "not a run summary: " + firstLine(e.getMessage()));
            }
        });
    }

    /** Removes the run's files, so that it trains again from the start; other files in the folder stay. */
    public void clear() throws IOException {
        for (String name : List.of(RESUME, MODEL, METRICS, SUMMARY, TRACE_FILE)) {
            Files.deleteIfExists(path.resolve(name));
        }
        metricsLines.setLength(0);
        resumeState = null;
    }

    /**
     * Removes the folders {@link #create} made (the run folder and any parents made for it) again, innermost
     * first, as long as they are empty: a run that never got to write a file leaves nothing behind.
     */
    public void discardIfEmpty() {
        if (createdRoot == null) {
            return;
        }
        for (Path f = path.toAbsolutePath(); f != null && f.startsWith(createdRoot); f = f.getParent()) {
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

    @Override
    public String toString() {
        return path.toString();
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw unreadable(file, Failures.oneLine(e));
        }
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    private static InputError unreadable(Path file, String reason) {
        return new InputError("cannot read " + file + " (" + reason + "); repair or remove that run folder");
    }
}
