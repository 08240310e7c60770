package dev.lightspeed.cli;

import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.RecipeJson;
import dev.lightspeed.models.run.ResumeState;
import dev.lightspeed.models.run.RunFolder;
import org.apache.commons.cli.CommandLine;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The recipe {@code train}'s flags ask for, and what {@code train --resume} makes of them: a run continues with the
 * recipe and seed it started with, so a flag that would change either is refused rather than dropped.
 */
final class ResumeChecks {

    private ResumeChecks() {
    }

    /**
     * The run {@code train --resume --out folder} continues, its state read once: refused when there is none,
     * when it has trained every epoch, or when a flag asks for another recipe, seed or holdout than it has.
     */
    static RunFolder savedRun(CommandLine line, Recipe requested, long requestedSeed, Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new InputError("nothing to resume in " + folder + " (no such folder); start a new run without"
                    + " --resume");
        }
        RunFolder run = RunFolder.open(folder);
        ResumeState saved = run.resumeState().orElseThrow(() -> new InputError("nothing to resume in " + folder
                + " (it holds no saved epoch); start a new run without --resume"));
        refuseChanges(line, requested, requestedSeed, saved.checkpoint(), folder);
        if (line.hasOption("holdout") && Arguments.intValue(line, "holdout", 0, 0) != saved.holdout()) {
            throw changed(folder, "--holdout " + line.getOptionValue("holdout"), "holdout " + saved.holdout(), "");
        }
        if (saved.complete()) {
            throw new InputError("the run in " + folder + " already finished all " + saved.recipe().epochs()
                    + " epochs; nothing to resume");
        }
        return run;
    }

    /** Recipe flags that replace one hyperparameter each; --set NAME=VALUE replaces any. */
    private static final List<String> OVERRIDE_FLAGS = List.of("epochs", "batch-size", "lr-scale");

    /** The recipe the flags ask for: --recipe FILE or --preset NAME, then the overrides in the order above. */
    static Recipe requestedRecipe(CommandLine line) {
        Recipe recipe = RecipeOptions.chosen(line, DataOptions.defaultPreset(DataOptions.kind(line)));
        for (String name : OVERRIDE_FLAGS) {
            if (line.hasOption(name)) {
                recipe = recipe.with(name, line.getOptionValue(name));
            }
        }
        for (String[] assignment : RecipeOptions.assignments(line)) {
            recipe = recipe.with(assignment[0], assignment[1]);
        }
        return recipe;
    }

    /**
     * --resume continues a run with the recipe and seed it started with, so a flag that would change either is
     * refused rather than dropped; one that repeats the saved value is accepted. Even more epochs cannot be
     * honoured: every learning rate decays to zero over the run's total steps, so the epochs already trained would
     * have had other rates.
     */
    private static void refuseChanges(CommandLine line, Recipe requested, long requestedSeed, Checkpoint saved,
            Path folder) {
        Recipe run = saved.recipe();
        if (line.hasOption("preset") && !line.getOptionValue("preset").equals(run.preset())) {
            throw changed(folder, "--preset " + line.getOptionValue("preset"), "recipe '" + run.preset() + "'", "");
        }
        ArchitectureSpec network = run.architecture();
        if (line.hasOption("recipe")
                && !requested.fittedTo(ImageGeometry.of(network), network.numClasses()).equals(run)) {
            throw changed(folder, "--recipe " + line.getOptionValue("recipe"), "recipe '" + run.preset()
                    + "' with other values", "");
        }
        for (String name : OVERRIDE_FLAGS) {
            if (line.hasOption(name) && !run.with(name, line.getOptionValue(name)).equals(run)) {
                throw changed(folder, "--" + name + " " + line.getOptionValue(name), name + "=" + savedValue(run, name),
                        name.equals("epochs") ? " (the learning rates decay over the run's total steps, so more"
                        + " epochs would change the epochs already trained)" : "");
            }
        }
        for (String[] assignment : RecipeOptions.assignments(line)) {
            if (!run.with(assignment[0], assignment[1]).equals(run)) {
                throw changed(folder, "--set " + assignment[0] + "=" + assignment[1], assignment[0] + "="
                        + savedValue(run, assignment[0]), "");
            }
        }
        if (line.hasOption("seed") && requestedSeed != saved.seed()) {
            throw changed(folder, "--seed " + requestedSeed, "seed " + saved.seed(), "");
        }
    }

    private static InputError changed(Path folder, String flag, String saved, String why) {
        return new InputError(flag + " differs from the run in " + folder + ", which has " + saved + why
                + "; --resume continues a run as it was started, so drop the flag or start a new run elsewhere");
    }

    /** A field's saved value; an edit of the network has none of its own, the saved layers stand for it. */
    private static String savedValue(Recipe recipe, String name) {
        var value = RecipeJson.tree(recipe).get(name);
        return value == null ? "as the saved network has it" : value.isContainerNode() ? value.toString()
                : value.asText();
    }
}
