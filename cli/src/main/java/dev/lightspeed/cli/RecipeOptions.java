package dev.lightspeed.cli;

import dev.lightspeed.data.DatasetKind;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.RecipeJson;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** The flags that choose a recipe (--preset or --recipe) and change its hyperparameters (--set), as train and sweep take them. */
final class RecipeOptions {

    private RecipeOptions() {
    }

    /** "airbench94 on cifar10, …", from the one place that maps a dataset to its preset. */
    private static String defaultsByDataset() {
        return Stream.of(DatasetKind.values())
                .map(kind -> DataOptions.defaultPreset(kind) + " on " + kind.optionValue())
                .collect(Collectors.joining(", "));
    }

    static void add(Options o) {
        o.addOption(Option.builder().longOpt("preset").hasArg().argName("NAME")
                .desc("training recipe (" + String.join(", ", Presets.names()) + "; default " + defaultsByDataset()
                        + ")").get());
        o.addOption(Option.builder().longOpt("recipe").hasArg().argName("FILE")
                .desc("training recipe from a JSON file: every field, or \"" + RecipeJson.BASE
                        + "\": PRESET and the fields to change (instead of --preset)").get());
        o.addOption(Option.builder().longOpt("set").hasArg().argName("NAME=VALUE")
                .desc("override any hyperparameter (repeatable): " + String.join(", ", Recipe.overridableNames())).get());
    }

    /** The recipe --recipe FILE or --preset NAME chooses, before any override; {@code defaultPreset} without either. */
    static Recipe chosen(CommandLine line, String defaultPreset) {
        if (line.hasOption("recipe") && line.hasOption("preset")) {
            throw new InputError("--recipe and --preset both choose the recipe; to start from a preset, put \""
                    + RecipeJson.BASE + "\": \"" + line.getOptionValue("preset") + "\" in the recipe file");
        }
        return line.hasOption("recipe") ? RecipeJson.readFile(Path.of(line.getOptionValue("recipe")))
                : Presets.named(line.getOptionValue("preset", defaultPreset));
    }

    /** The --set NAME=VALUE pairs, in order. */
    static List<String[]> assignments(CommandLine line) {
        List<String[]> assignments = new ArrayList<>();
        String[] sets = line.getOptionValues("set");
        for (String assignment : sets == null ? new String[0] : sets) {
            int eq = assignment.indexOf('=');
            if (eq <= 0) {
                throw new InputError("--set expects NAME=VALUE, got '" + assignment + "'");
            }
            assignments.add(new String[] {assignment.substring(0, eq).trim(), assignment.substring(eq + 1)});
        }
        return assignments;
    }
}
