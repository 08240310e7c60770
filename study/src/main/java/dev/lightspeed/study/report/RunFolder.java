package dev.lightspeed.study.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lightspeed.models.Failures;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Json;
import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.RunFiles;
import dev.lightspeed.models.run.RunSummary;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a report needs from one run folder: its epochs from metrics.jsonl, its summary.json when it has finished
 * (null while it has not), and the hyperparameters of its recipe flattened to text ({@code batch-size} →
 * {@code 500}, {@code architecture.block-widths} → {@code [64,256,256]}).
 *
 * @param name the folder relative to the reported folder, with {@code /} between names ({@code .} for itself)
 */
record RunFolder(String name, List<EpochMetrics> epochs, RunSummary summary, Map<String, String> hyperparameters) {

    public RunFolder {
        epochs = List.copyOf(epochs);
        hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    }

    public boolean finished() {
        return summary != null;
    }

    /** The measure from summary.json, or null while the run is unfinished or where it did not measure it. */
    public Double value(Measure measure) {
        return summary == null ? null : measure.of(summary);
    }

    static boolean isRun(Path folder) {
        return Files.isRegularFile(folder.resolve(RunFiles.METRICS))
                || Files.isRegularFile(folder.resolve(RunFiles.SUMMARY));
    }

    /** Run folders at most {@code maxDepth} levels below {@code root}, not below one another, sorted by path. */
    static List<Path> findBelow(Path root, int maxDepth) throws IOException {
        List<Path> found = new ArrayList<>();
        Files.walkFileTree(root, Set.of(), maxDepth, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attributes) {
                if (dir.equals(root)) {
                    return FileVisitResult.CONTINUE;
                }
                if (dir.getFileName().toString().startsWith(".")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                if (isRun(dir)) {
                    found.add(dir);
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) {
                // At the depth limit folders arrive here rather than in preVisitDirectory.
                if (attributes.isDirectory() && !file.getFileName().toString().startsWith(".") && isRun(file)) {
                    found.add(file);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failure) {
                return FileVisitResult.CONTINUE;
            }
        });
        found.sort(Comparator.comparing(p -> relativeName(root, p)));
        return found;
    }

    static String relativeName(Path root, Path folder) {
        Path relative = root.relativize(folder);
        if (relative.toString().isEmpty()) {
            return ".";
        }
        List<String> names = new ArrayList<>();
        relative.forEach(part -> names.add(part.toString()));
        return String.join("/", names);
    }

    static RunFolder read(Path root, Path folder) {
        String name = relativeName(root, folder);
        List<EpochMetrics> epochs = readEpochs(folder.resolve(RunFiles.METRICS));
        Path summaryFile = folder.resolve(RunFiles.SUMMARY);
        if (!Files.isRegularFile(summaryFile)) {
            return new RunFolder(name, epochs, null, Map.of());
        }
        ObjectNode summary = readObject(summaryFile);
        Map<String, String> hyperparameters = new LinkedHashMap<>();
        // The recipe is kept as text rather than bound to Recipe: Recipe validates strictly (a field this version
        // does not know is an error), and a report only compares values.
        flatten("", summary.remove("recipe"), hyperparameters);
        for (Measure measure : Measure.values()) {
            if (!summary.hasNonNull(measure.column())) {
                // An older summary.json lacks some measures; NaN reads as "not measured", where 0 would be a value.
                summary.put(measure.column(), Double.NaN);
            }
        }
        try {
            return new RunFolder(name, epochs, Json.LENIENT.treeToValue(summary, RunSummary.class), hyperparameters);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw unreadable(summaryFile, "not a run summary: " + firstLine(e.getMessage()));
        }
    }

    private static List<EpochMetrics> readEpochs(Path file) {
        if (!Files.isRegularFile(file)) {
            return List.of();
        }
        List<String> lines = readLines(file);
        // Keyed by epoch so that a row written again (a resumed run) replaces the earlier one.
        Map<Integer, EpochMetrics> byEpoch = new TreeMap<>();
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).isBlank()) {
                continue;
            }
            try {
                EpochMetrics row = Json.LENIENT.readValue(lines.get(i), EpochMetrics.class);
                byEpoch.put(row.epoch(), row);
            } catch (JsonProcessingException e) {
                throw unreadable(file, "line " + (i + 1) + " is not a metrics row: "
                        + firstLine(e.getOriginalMessage()));
            }
        }
        return List.copyOf(byEpoch.values());
    }

    private static ObjectNode readObject(Path file) {
        JsonNode tree;
        try {
            tree = Json.LENIENT.readTree(String.join("\n", readLines(file)));
        } catch (JsonProcessingException e) {
            throw unreadable(file, "not valid JSON: " + firstLine(e.getOriginalMessage()));
        }
        if (!(tree instanceof ObjectNode object)) {
            throw unreadable(file, "it must hold one JSON object");
        }
        return object;
    }

    private static String firstLine(String text) {
        return text == null ? "" : text.lines().findFirst().orElse("");
    }

    private static void flatten(String prefix, JsonNode node, Map<String, String> into) {
        if (node == null) {
            return;
        }
        node.properties().forEach(field -> {
            String name = prefix + field.getKey();
            JsonNode value = field.getValue();
            if (value.isObject()) {
                flatten(name + ".", value, into);
            } else {
                into.put(name, value.isValueNode() ? value.asText() : value.toString());
            }
        });
    }

    private static List<String> readLines(Path file) {
        try {
            return Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw unreadable(file, Failures.oneLine(e));
        }
    }

    private static InputError unreadable(Path file, String reason) {
        return new InputError("cannot read " + file + " (" + reason + "); repair or remove that run folder");
    }
}
