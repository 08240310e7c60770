package dev.lightspeed.study.report;

import dev.lightspeed.study.Stats;
import dev.lightspeed.models.Failures;
import dev.lightspeed.models.InputError;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The runs below a reported folder, placed on the study's grid: a sweep folder (its sweep.json names the axes and
 * the runs), a folder of run folders (the axes are the hyperparameters whose values differ between the finished
 * runs' recipes), or one run folder.
 *
 * @param axes           the hyperparameters that vary, in order
 * @param axesFromSweep  true when sweep.json named the axes, false when they were inferred from recipes
 * @param runs           every run folder found, finished or not
 * @param notStarted     runs that sweep.json plans but whose folder holds no run files yet
 * @param points         every point of the grid in sweep order, with its finished runs summarized
 */
record Study(Path folder, List<Axis> axes, boolean axesFromSweep, List<PlacedRun> runs, int notStarted,
             PrimaryAccuracy primary, List<PointSummary> points) {

    /** Run folders are looked for this many levels below a folder without sweep.json. */
    static final int SEARCH_DEPTH = 3;
    /** The value of a hyperparameter that an older run's recipe does not name. */
    static final String UNSET = "unset";

    /**
     * @param point null for an unfinished run outside a sweep: without its recipe its point is unknown
     */
    public record PlacedRun(RunRecord run, Point point) {
    }

    public Study {
        axes = List.copyOf(axes);
        runs = List.copyOf(runs);
        points = List.copyOf(points);
    }

    public static Study load(Path folder) {
        if (!Files.isDirectory(folder)) {
            throw new InputError(folder + " is not a folder; point report at a sweep folder or a run folder");
        }
        Path sweepFile = folder.resolve(SweepIndex.FILE);
        if (RunRecord.isRun(folder)) {
            return ofRecipes(folder, List.of(RunRecord.read(folder, folder)));
        }
        if (Files.isRegularFile(sweepFile)) {
            return ofSweep(folder, SweepIndex.read(sweepFile));
        }
        List<Path> found;
        try {
            found = RunRecord.findBelow(folder, SEARCH_DEPTH);
        } catch (IOException e) {
            throw new InputError("cannot list " + folder + " (" + Failures.oneLine(e) + ")");
        }
        return ofRecipes(folder, found.stream().map(f -> RunRecord.read(folder, f)).toList());
    }

    private static Study ofSweep(Path folder, SweepIndex index) {
        List<PlacedRun> runs = new ArrayList<>();
        List<Point> points = new ArrayList<>();
        int notStarted = 0;
        for (SweepIndex.PlannedRun planned : index.runs()) {
            Point point = index.pointOf(planned);
            points.add(point);
            Path runFolder = folder.resolve(planned.folder());
            if (RunRecord.isRun(runFolder)) {
                runs.add(new PlacedRun(RunRecord.read(folder, runFolder), point));
            } else {
                notStarted++;
            }
        }
        return assemble(folder, index.axes(), true, runs, notStarted, points);
    }

    private static Study ofRecipes(Path folder, List<RunRecord> found) {
        List<RunRecord> ended = found.stream().filter(RunRecord::ended).toList();
        List<Axis> axes = inferAxes(ended);
        List<PlacedRun> runs = found.stream().map(run -> new PlacedRun(run, run.ended()
                ? new Point(axes.stream().map(a -> run.hyperparameters().getOrDefault(a.name(), UNSET)).toList())
                : null)).toList();
        List<Point> points = runs.stream().map(PlacedRun::point).filter(Objects::nonNull).toList();
        return assemble(folder, axes, false, runs, 0, points);
    }

    private static Study assemble(Path folder, List<Axis> axes, boolean axesFromSweep, List<PlacedRun> runs,
                                  int notStarted, List<Point> points) {
        if (runs.isEmpty()) {
            throw new InputError("no runs in " + folder + " (no run folder with metrics or a summary below it);"
                    + " point report at a sweep folder or a run folder");
        }
        PrimaryAccuracy primary = PrimaryAccuracy.of(runs.stream().map(PlacedRun::run).toList());
        List<Point> grid = new ArrayList<>(new LinkedHashSet<>(points));
        grid.sort(Point.inSweepOrder(axes));
        List<PointSummary> summaries = grid.stream().map(point -> summarize(point, runs)).toList();
        return new Study(folder, axes, axesFromSweep, runs, notStarted, primary, summaries);
    }

    private static PointSummary summarize(Point point, List<PlacedRun> runs) {
        List<RunRecord> finished = runs.stream().filter(r -> point.equals(r.point()) && r.run().finished())
                .map(PlacedRun::run).toList();
        Map<Measure, Stats> stats = new EnumMap<>(Measure.class);
        for (Measure measure : Measure.values()) {
            stats.put(measure, Stats.of(finished.stream().map(r -> r.value(measure)).filter(Objects::nonNull)
                    .toList()));
        }
        int diverged = (int) runs.stream().filter(r -> point.equals(r.point()) && r.run().diverged()).count();
        return new PointSummary(point, finished.size(), diverged, stats);
    }

    /** The recipe fields whose values differ between ended runs, in recipe order. */
    static List<Axis> inferAxes(List<RunRecord> finished) {
        Set<String> names = new LinkedHashSet<>();
        finished.forEach(run -> names.addAll(run.hyperparameters().keySet()));
        List<Axis> axes = new ArrayList<>();
        for (String name : names) {
            List<String> values = finished.stream().map(r -> r.hyperparameters().getOrDefault(name, UNSET))
                    .distinct().toList();
            if (values.size() > 1) {
                axes.add(new Axis(name, ascending(values)));
            }
        }
        return axes;
    }

    /** Numbers in numeric order, anything else in the order the runs were found. */
    private static List<String> ascending(List<String> values) {
        Map<String, Double> numbers = new LinkedHashMap<>();
        for (String value : values) {
            try {
                numbers.put(value, Double.parseDouble(value));
            } catch (NumberFormatException e) {
                return values;
            }
        }
        return values.stream().sorted(Comparator.comparing(numbers::get)).toList();
    }

    /** The reported folder's own name ({@code sweep-1}), for titles. */
    public String name() {
        Path name = folder.toAbsolutePath().normalize().getFileName();
        return name == null ? folder.toString() : name.toString();
    }

    public List<RunRecord> finishedRuns() {
        return runs.stream().map(PlacedRun::run).filter(RunRecord::finished).toList();
    }

    /** Runs still training or stopped before their end: no summary yet. */
    public long unfinishedRuns() {
        return runs.stream().filter(r -> !r.run().ended()).count();
    }

    public long divergedRuns() {
        return runs.stream().filter(r -> r.run().diverged()).count();
    }

    /** The point with the highest mean primary accuracy, if any point has a finished run. */
    public Optional<PointSummary> best() {
        Measure measure = primary.measure();
        return points.stream().filter(p -> p.stats(measure).hasMean())
                .max(Comparator.comparingDouble(p -> p.stats(measure).mean()));
    }

    /** One run and no sweep around it: a sweep's first finished run still gets the sweep's figures. */
    public boolean singleRun() {
        return runs.size() == 1 && !axesFromSweep;
    }
}
