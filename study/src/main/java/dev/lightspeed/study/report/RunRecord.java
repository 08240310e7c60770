package dev.lightspeed.study.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Json;
import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.models.run.RunSummary;

import java.io.IOException;
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
import java.util.Optional;
import java.util.Set;

/**
 * What a report needs from one run folder: its epochs, its summary when it has ended (null while it has not), and
 * the hyperparameters of its recipe flattened to text ({@code batch-size} → {@code 500},
 * {@code architecture.layers} → the list as JSON text).
 *
 * @param name the folder relative to the reported folder, with {@code /} between names ({@code .} for itself)
 */
record RunRecord(String name, List<EpochMetrics> epochs, RunSummary summary, Map<String, String> hyperparameters) {

    public RunRecord {
        epochs = List.copyOf(epochs);
        hyperparameters = Collections.unmodifiableMap(new LinkedHashMap<>(hyperparameters));
    }

    /** True once the run has ended with every epoch trained; a diverged run has ended but not finished. */
    public boolean finished() {
        return summary != null && !summary.diverged();
    }

    /** True when the run's loss diverged: it has a summary and a recipe, but no accuracy. */
    public boolean diverged() {
        return summary != null && summary.diverged();
    }

    /** True once the run has ended, finished or diverged: its summary is written. */
    public boolean ended() {
        return summary != null;
    }

    /** The measure from summary.json, or null while the run is unfinished or where it did not measure it. */
    public Double value(Measure measure) {
        return finished() ? measure.of(summary) : null;
    }

    static boolean isRun(Path folder) {
        return RunFolder.holdsRun(folder);
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

    static RunRecord read(Path root, Path folder) {
        String name = relativeName(root, folder);
        RunFolder run = RunFolder.open(folder);
        List<EpochMetrics> epochs = run.readMetrics();
        Optional<ObjectNode> stored = run.readSummaryTree();
        if (stored.isEmpty()) {
            return new RunRecord(name, epochs, null, Map.of());
        }
        ObjectNode summary = stored.get();
        Map<String, String> hyperparameters = new LinkedHashMap<>();
        // Lenient (Json.LENIENT), unlike recipe files: a report reads runs of older and newer versions. The recipe is
        // kept as text rather than bound to Recipe: Recipe validates strictly (a field this version
        // does not know is an error), and a report only compares values.
        flatten("", summary.remove("recipe"), hyperparameters);
        for (Measure measure : Measure.values()) {
            if (!summary.hasNonNull(measure.column())) {
                // An older summary.json lacks some measures, and a diverged run has no accuracy; NaN reads as "not
                // measured", where 0 would be a value.
                summary.put(measure.column(), Double.NaN);
            }
        }
        try {
            return new RunRecord(name, epochs, Json.LENIENT.treeToValue(summary, RunSummary.class), hyperparameters);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new InputError("cannot read the summary of " + folder + " (not a run summary: "
                    + firstLine(e.getMessage()) + "); repair or remove that run folder");
        }
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
}
