package dev.lightspeed.study.report;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.RecipeJson;
import dev.lightspeed.models.run.EpochMetrics;
import dev.lightspeed.models.run.EpochTimes;
import dev.lightspeed.models.run.RunFolder;
import dev.lightspeed.models.run.RunStatus;
import dev.lightspeed.models.run.RunSummary;
import dev.lightspeed.models.run.SplitScores;
import dev.lightspeed.models.run.TrainingScores;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Run folders and sweep.json files as training and sweeping write them, built from the run records, with
 * accuracies a test chooses. A run is described by its final primary accuracy {@code acc}; the other numbers
 * follow from it by fixed offsets, so that a test can compute every expected value by hand:
 * <ul>
 *   <li>with a holdout: tta_val_acc = acc, val_acc = acc - 0.005, tta_test_acc = acc - 0.01,
 *       test_acc = acc - 0.015; without: val_* are null, tta_test_acc = acc, test_acc = acc - 0.005;</li>
 *   <li>after epoch e of E, the per-epoch accuracies are the final plain ones minus 0.1 × (E - e);</li>
 *   <li>train_seconds = 10 × (seed + 1), wall_seconds = train_seconds + 5.</li>
 * </ul>
 */
final class RunFixtures {

    static final ObjectMapper JSON = new ObjectMapper();
    static final int EPOCHS = 2;
    static final int HOLDOUT = 5000;

    private RunFixtures() {
    }

    /** The recipe at {@code point}; an ablation's point ({@code ablation} → {@code whitening=off}) applies it. */
    static Recipe recipe(Map<String, String> point) {
        Recipe recipe = Presets.named(Presets.DEFAULT).with("epochs", Integer.toString(EPOCHS));
        for (Map.Entry<String, String> value : point.entrySet()) {
            if (value.getKey().equals(dev.lightspeed.study.Axis.ABLATION)) {
                String[] assignment = value.getValue().split("=", 2);
                recipe = assignment.length == 2 ? recipe.with(assignment[0], assignment[1]) : recipe;
            } else {
                recipe = recipe.with(value.getKey(), value.getValue());
            }
        }
        return recipe;
    }

    /** The folder the sweep gives a run: {@code batch-size=500_lr-scale=0.5/seed-0}. */
    static String folderOf(Map<String, String> point, long seed) {
        List<String> parts = new ArrayList<>();
        point.forEach((name, value) -> parts.add(name + "=" + value));
        return (parts.isEmpty() ? "base" : String.join("_", parts)) + "/seed-" + seed;
    }

    static double trainSeconds(long seed) {
        return 10.0 * (seed + 1);
    }

    static double wallSeconds(long seed) {
        return trainSeconds(seed) + 5;
    }

    /** A run that completed all its epochs and wrote summary.json. */
    static void finished(Path folder, Map<String, String> point, long seed, int holdout, double acc)
            throws IOException {
        RunFolder run = epochs(folder, EPOCHS, EPOCHS, holdout, acc);
        boolean heldOut = holdout > 0;
        run.writeSummary(new RunSummary(Presets.DEFAULT, recipe(point), seed, "cifar10", holdout, heldOut ? 17 : 0,
                "cpu", "fp32", 2, 1, EPOCHS, 2, RunStatus.FINISHED, null, heldOut ? acc - 0.005 : null,
                heldOut ? acc : null, heldOut ? acc - 0.015 : acc - 0.005, heldOut ? acc - 0.01 : acc, null, null,
                trainSeconds(seed), wallSeconds(seed), 1000, 1 << 20, Map.of("forward", 1.0), run.model().toString()));
    }

    /** A run whose loss diverged at {@code step}, in its first epoch: a summary without accuracies, no rows. */
    static void diverged(Path folder, Map<String, String> point, long seed, int holdout, int step)
            throws IOException {
        RunFolder run = RunFolder.create(folder);
        run.writeSummary(new RunSummary(Presets.DEFAULT, recipe(point), seed, "cifar10", holdout,
                holdout > 0 ? 17 : 0, "cpu", "fp32", 2, 1, EPOCHS, 2, RunStatus.DIVERGED, step, null, null, null, null,
                null, null, 1, 2, 1000, 1 << 20, Map.of("forward", 1.0), run.model().toString()));
    }

    /** A run stopped after {@code done} of its epochs: metrics.jsonl only. */
    static void unfinished(Path folder, int done, int holdout, double acc) throws IOException {
        epochs(folder, done, EPOCHS, holdout, acc);
    }

    private static RunFolder epochs(Path folder, int done, int total, int holdout, double acc) throws IOException {
        RunFolder run = RunFolder.create(folder);
        boolean heldOut = holdout > 0;
        for (int epoch = 1; epoch <= done; epoch++) {
            double behind = 0.1 * (total - epoch);
            boolean last = epoch == total;
            double testAcc = (heldOut ? acc - 0.015 : acc - 0.005) - behind;
            SplitScores validation = heldOut ? new SplitScores(0.9 / epoch, acc - 0.005 - behind,
                    last ? acc : null, null, null) : null;
            SplitScores test = new SplitScores(0.8 / epoch, testAcc, last ? (heldOut ? acc - 0.01 : acc) : null,
                    null, null);
            run.appendMetrics(new EpochMetrics(epoch, new TrainingScores(1.0 / epoch, 0.5 + 0.1 * epoch), validation,
                    test, new EpochTimes(5, 6.0 * epoch, 1000, 1 << 20, Map.of("forward", 1.0))));
        }
        return run;
    }

    /**
     * sweep.json for the grid of {@code axes} (first axis outermost) × seeds 0 .. repeats - 1, in the format the
     * sweep command writes, with fields a report does not read.
     */
    static void sweepJson(Path sweep, Map<String, List<String>> axes, int repeats) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", "lightspeed-sweep-v1");
        root.set("base", RecipeJson.tree(recipe(Map.of())));
        ArrayNode axisNodes = root.putArray("axes");
        axes.forEach((name, values) -> {
            ObjectNode axis = axisNodes.addObject().put("name", name);
            values.forEach(axis.putArray("values")::add);
        });
        root.put("repeats", repeats).put("seed", 0).put("holdout", HOLDOUT);
        ArrayNode runs = root.putArray("runs");
        int index = 0;
        for (Map<String, String> point : grid(axes)) {
            for (int seed = 0; seed < repeats; seed++) {
                ObjectNode run = runs.addObject().put("index", index++).put("folder", folderOf(point, seed));
                point.forEach(run.putObject("point")::put);
                run.put("seed", seed);
            }
        }
        Files.createDirectories(sweep);
        Files.write(sweep.resolve("sweep.json"), JSON.writeValueAsBytes(root));
    }

    /** Every point of the grid, the first axis outermost. */
    static List<Map<String, String>> grid(Map<String, List<String>> axes) {
        List<Map<String, String>> points = List.of(new LinkedHashMap<>());
        for (Map.Entry<String, List<String>> axis : axes.entrySet()) {
            List<Map<String, String>> extended = new ArrayList<>();
            for (Map<String, String> point : points) {
                for (String value : axis.getValue()) {
                    Map<String, String> next = new LinkedHashMap<>(point);
                    next.put(axis.getKey(), value);
                    extended.add(next);
                }
            }
            points = extended;
        }
        return points;
    }
}
