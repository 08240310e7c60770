package dev.lightspeed.study.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.lightspeed.models.Failures;
import dev.lightspeed.models.InputError;
import dev.lightspeed.models.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * What a report reads from a sweep folder's sweep.json: the axes in their order and where each run's folder is.
 * Other fields (the base recipe, the sweep's options) are ignored here.
 *
 * @param runs every run the sweep plans, finished or not
 */
record SweepIndex(String format, List<Axis> axes, List<PlannedRun> runs) {

    static final String FILE = "sweep.json";
    static final String FORMAT = "lightspeed-sweep-v1";

    /**
     * @param folder relative to the sweep folder
     * @param point  the run's value of each axis, as text the axis lists
     */
    record PlannedRun(int index, String folder, Map<String, String> point, long seed) {
    }

    SweepIndex {
        axes = axes == null ? List.of() : List.copyOf(axes);
        runs = runs == null ? List.of() : List.copyOf(runs);
    }

    static SweepIndex read(Path file) {
        SweepIndex index;
        try {
            index = Json.LENIENT.readValue(Files.readString(file, StandardCharsets.UTF_8), SweepIndex.class);
        } catch (JsonProcessingException e) {
            throw unreadable(file, "not a sweep index: " + e.getOriginalMessage().lines().findFirst().orElse(""));
        } catch (IOException e) {
            throw unreadable(file, Failures.oneLine(e));
        }
        if (!FORMAT.equals(index.format())) {
            throw unreadable(file, "format is " + index.format() + ", this version reads " + FORMAT);
        }
        for (PlannedRun run : index.runs()) {
            if (run.folder() == null || run.point() == null) {
                throw unreadable(file, "run " + run.index() + " lacks its folder or point");
            }
            for (Axis axis : index.axes()) {
                if (!run.point().containsKey(axis.name())) {
                    throw unreadable(file, "run " + run.index() + " has no value for axis " + axis.name());
                }
            }
        }
        return index;
    }

    Point pointOf(PlannedRun run) {
        return new Point(axes.stream().map(axis -> run.point().get(axis.name())).toList());
    }

    private static InputError unreadable(Path file, String reason) {
        return new InputError("cannot read " + file + " (" + reason
                + "); point report at a folder whose sweep.json a sweep wrote");
    }
}
