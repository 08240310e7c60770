package dev.lightspeed.study;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.lightspeed.models.AtomicFiles;
import dev.lightspeed.models.Failures;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Json;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.RecipeJson;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a sweep runs: a base recipe, the axes of its grid, how many repeats of each point (seeds seed, seed+1, ...,
 * the same seeds at every point so that points are compared on equal draws), and how many training images are
 * held out for validation. Stored as {@code sweep.json} in the sweep folder, with the planned runs, so that
 * rerunning the command continues the sweep and another spec cannot be mixed into it.
 *
 * <p>An ablation study is a sweep whose only axis is {@link Axis#ablation}: its first point is the base recipe, each
 * other point the base recipe with one assignment applied.
 */
public record SweepSpec(Recipe base, List<Axis> axes, int repeats, long seed, int holdout) {

    public static final String FILE = "sweep.json";
    public static final String FORMAT = "lightspeed-sweep-v1";
    /** An ablation's folder name is cut to this many characters (file systems allow 255 bytes). */
    private static final int MAX_FOLDER_NAME = 120;

    public SweepSpec {
        axes = List.copyOf(axes);
        Set<String> names = new HashSet<>();
        for (Axis axis : axes) {
            if (!names.add(axis.name())) {
                throw InputError.in("grid", "grid " + axis.name() + " is given twice; put all its values in one axis");
            }
        }
        if (axes.size() > 1 && axes.stream().anyMatch(Axis::ablates)) {
            throw InputError.in("ablate", "ablate cannot be combined with grid axes: an ablation study compares"
                    + " single changes against the full recipe; sweep the grid separately");
        }
        if (repeats < 1) {
            throw InputError.in("repeats", "repeats must be at least 1, got " + repeats);
        }
        if (holdout < 0) {
            throw InputError.in("holdout", "holdout must be 0 or more, got " + holdout);
        }
    }

    /**
     * A spec whose base is {@code recipe} with {@code sets} (name, value) applied; refuses a set that names an axis,
     * since the axis would silently overrule it.
     */
    public static SweepSpec of(Recipe recipe, List<String[]> sets, List<Axis> axes, int repeats, long seed,
            int holdout) {
        Recipe base = recipe;
        for (String[] set : sets) {
            for (Axis axis : axes) {
                if (axis.name().equals(set[0])) {
                    throw InputError.in("set", "set " + set[0] + "=" + set[1] + " contradicts grid " + axis
                            + "; drop one of them");
                }
            }
            base = base.with(set[0], set[1]);
        }
        return new SweepSpec(base, axes, repeats, seed, holdout);
    }

    /**
     * Every run, points in grid order (the last axis varying fastest), repeats innermost. Every point's recipe is
     * built here, so a value the recipe refuses stops the sweep before its first run.
     */
    public List<PlannedRun> plan() {
        List<Map<String, String>> points = new ArrayList<>();
        points.add(new LinkedHashMap<>());
        for (Axis axis : axes) {
            List<Map<String, String>> next = new ArrayList<>();
            for (Map<String, String> point : points) {
                for (String value : axis.values()) {
                    Map<String, String> extended = new LinkedHashMap<>(point);
                    extended.put(axis.name(), value);
                    next.add(extended);
                }
            }
            points = next;
        }
        List<PlannedRun> runs = new ArrayList<>();
        Map<Recipe, String> ablations = new HashMap<>();
        Map<String, String> ablationFolders = new HashMap<>();
        for (Map<String, String> point : points) {
            Recipe recipe = base;
            for (Map.Entry<String, String> e : point.entrySet()) {
                if (e.getKey().equals(Axis.ABLATION)) {
                    recipe = ablated(e.getValue());
                    continue;
                }
                try {
                    recipe = recipe.with(e.getKey(), e.getValue());
                } catch (InputError error) {
                    throw InputError.in("grid", "grid " + e.getKey() + "=" + e.getValue() + ": " + error.getMessage());
                }
            }
            String pointFolder = folderName(point);
            String ablation = point.get(Axis.ABLATION);
            if (ablation != null) {
                String sameRecipe = ablations.putIfAbsent(recipe, ablation);
                if (sameRecipe != null) {
                    throw InputError.in("ablate", "ablate " + ablation + " makes the same recipe as " + sameRecipe
                            + "; give each ablation once");
                }
                // Case-insensitive, as the file systems of macOS and Windows compare names.
                String sameFolder = ablationFolders.putIfAbsent(pointFolder.toLowerCase(Locale.ROOT), ablation);
                if (sameFolder != null) {
                    throw InputError.in("ablate", "ablate " + ablation + " and " + sameFolder + " would share the"
                            + " run folder " + pointFolder + "; give values that differ in letters or digits");
                }
            }
            for (int r = 0; r < repeats; r++) {
                long runSeed = seed + r;
                runs.add(new PlannedRun(runs.size(), point, runSeed, pointFolder + "/seed-" + runSeed, recipe));
            }
        }
        return runs;
    }

    /**
     * The recipe of the ablation {@code ablation} (an {@link Axis#ablation} value): the base recipe, unchanged for
     * {@link Axis#FULL_RECIPE}; refused where the assignment does not change it, since the point would then compare
     * the full recipe with itself.
     */
    private Recipe ablated(String ablation) {
        if (ablation.equals(Axis.FULL_RECIPE)) {
            return base;
        }
        Recipe recipe = base;
        try {
            for (String[] assignment : Axis.assignments(ablation)) {
                recipe = recipe.with(assignment[0], assignment[1]);
            }
        } catch (InputError error) {
            throw InputError.in("ablate", "ablate " + ablation + ": " + error.getMessage());
        }
        if (recipe.equals(base)) {
            throw InputError.in("ablate", "ablate " + ablation + " leaves the base recipe unchanged, so it removes"
                    + " nothing; give a value the base recipe does not already have");
        }
        return recipe;
    }

    /**
     * {@code name=value} pairs joined by {@code _}, characters unsafe in file names replaced; an ablation's point is
     * {@code ablation=} and its assignment with each run of other characters made one {@code -}
     * ({@code ablation=whitening-off}).
     */
    static String folderName(Map<String, String> point) {
        if (point.isEmpty()) {
            return "base";
        }
        String ablation = point.get(Axis.ABLATION);
        if (ablation != null) {
            String readable = ablation.replaceAll("[^A-Za-z0-9.+-]+", "-").replaceAll("-$", "");
            return Axis.ABLATION + "=" + (readable.length() > MAX_FOLDER_NAME
                    ? readable.substring(0, MAX_FOLDER_NAME) : readable);
        }
        List<String> parts = new ArrayList<>();
        point.forEach((name, value) -> parts.add(name + "=" + value.replaceAll("[^A-Za-z0-9.+-]", "-")));
        return String.join("_", parts);
    }

    /** The spec as sweep.json stores it, without the planned runs: what two sweeps must share to be one. */
    ObjectNode specTree() {
        ObjectNode tree = Json.STRICT.createObjectNode();
        tree.put("format", FORMAT);
        tree.set("recipe", RecipeJson.tree(base));
        tree.set("axes", Json.STRICT.valueToTree(axes));
        tree.put("repeats", repeats);
        tree.put("seed", seed);
        tree.put("holdout", holdout);
        return tree;
    }

    /** sweep.json: the spec and its planned runs (index, folder, point, seed). */
    public byte[] toJson() {
        ObjectNode tree = specTree();
        ArrayNode runs = tree.putArray("runs");
        for (PlannedRun run : plan()) {
            ObjectNode node = runs.addObject();
            node.put("index", run.index());
            node.put("folder", run.folder());
            node.set("point", Json.STRICT.valueToTree(run.point()));
            node.put("seed", run.seed());
        }
        try {
            return Json.PRETTY.writeValueAsBytes(tree);
        } catch (IOException e) {
            throw new IllegalStateException("a sweep spec is plain data and always serializes", e);
        }
    }

    /**
     * Makes {@code folder} this sweep's: writes sweep.json into a new or empty folder, accepts a folder whose
     * sweep.json holds this same spec, and refuses any other folder, before any run starts.
     */
    public void claim(Path folder) throws IOException {
        Path file = folder.resolve(FILE);
        if (Files.isRegularFile(file)) {
            JsonNode stored;
            try {
                stored = Json.STRICT.readTree(file.toFile());
            } catch (IOException e) {
                throw new InputError(file + " is not a readable sweep file (" + Failures.oneLine(e)
                        + "); choose another sweep folder");
            }
            if (!stored.isObject()) {
                throw new InputError(file + " is not a sweep file (not a JSON object); choose another sweep folder");
            }
            ObjectNode storedSpec = stored.deepCopy();
            storedSpec.remove("runs");
            // Read as a recipe file is read, so that fields a later version added (with their defaults) do not
            // make a sweep started by an earlier version look like another sweep.
            if (storedSpec.hasNonNull("recipe")) {
                storedSpec.set("recipe", asStored(RecipeJson.tree(RecipeJson.recipe(storedSpec.get("recipe"),
                        file + " recipe"))));
            }
            if (!asStored(specTree()).equals(storedSpec)) {
                throw new InputError(folder + " holds another sweep (" + differences(storedSpec)
                        + "); rerun that sweep's command to continue it, or choose another sweep folder");
            }
            return;
        }
        if (Files.exists(folder)) {
            if (!Files.isDirectory(folder)) {
                throw new InputError("sweep folder " + folder + " is a file; choose a folder");
            }
            try (var entries = Files.list(folder)) {
                // Hidden files are other shards' writes in flight (sweep.json's temporary sibling among them).
                if (entries.anyMatch(entry -> !entry.getFileName().toString().startsWith("."))) {
                    throw new InputError("sweep folder " + folder + " holds files but no " + FILE
                            + "; a sweep starts in a new or empty folder");
                }
            }
        }
        // Planned before the folder is made, so that a point the recipe refuses leaves nothing behind.
        byte[] json = toJson();
        try {
            Files.createDirectories(folder);
            AtomicFiles.write(file, json);
        } catch (IOException | SecurityException e) {
            throw new InputError("cannot write to sweep folder " + folder + " (" + Failures.oneLine(e)
                    + "); choose a writable folder");
        }
    }

    /** The tree as it reads back from the file, whose numbers take the narrowest type that holds them. */
    private static JsonNode asStored(ObjectNode tree) {
        try {
            return Json.STRICT.readTree(Json.STRICT.writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new IllegalStateException("a sweep spec is plain data and always serializes", e);
        }
    }

    /** Which top-level fields differ, so the user sees what changed. */
    private String differences(ObjectNode stored) {
        JsonNode mine = asStored(specTree());
        List<String> differing = new ArrayList<>();
        Set<String> names = new TreeSet<>();
        mine.fieldNames().forEachRemaining(names::add);
        stored.fieldNames().forEachRemaining(names::add);
        for (String name : names) {
            if (!Objects.equals(mine.get(name), stored.get(name))) {
                differing.add(name);
            }
        }
        return "its " + String.join(", ", differing) + " differ" + (differing.size() == 1 ? "s" : "");
    }
}
