package dev.lightspeed.study.report;

import dev.lightspeed.study.Stats;
import dev.lightspeed.models.AtomicFiles;
import dev.lightspeed.models.Failures;
import dev.lightspeed.models.InputError;
import org.jfree.chart.JFreeChart;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.stream.Collectors;

/**
 * {@code lightspeed report DIR}: reads the runs of a sweep folder, a folder of run folders or one run folder and
 * writes beside them results.csv, summary.csv, PNG figures and report.md, each replacing the file of an earlier
 * report whole.
 */
public final class Report {

    /**
     * @param files          the files written, in the order written (report.md last)
     * @param finishedRuns   runs that trained every epoch
     * @param divergedRuns   runs whose loss diverged (they ended without an accuracy)
     * @param unfinishedRuns runs with epochs but no summary yet
     * @param notStarted     runs that sweep.json plans whose folder holds no run files
     */
    public record Written(List<Path> files, int finishedRuns, int divergedRuns, int unfinishedRuns,
            int notStarted) {
        public Written {
            files = List.copyOf(files);
        }
    }

    private Report() {
    }

    /**
     * Writes the report into {@code folder}, printing to {@code progress} what it found (runs finished, unfinished
     * and not started; the axes; the accuracy it compares on), each file it wrote, and the best point. Throws
     * {@link InputError} for a folder without runs, an unreadable run file or sweep.json, or a file it cannot
     * write; the files written before such a failure are whole.
     */
    public static Written write(Path folder, PrintStream progress) {
        Study study = Study.load(folder);
        progress.println(MarkdownReport.runCounts(study));
        if (!study.axes().isEmpty()) {
            progress.println("Axes " + (study.axesFromSweep() ? "from sweep.json" : "inferred from the recipes")
                    + ": " + study.axes().stream().map(Axis::name).collect(Collectors.joining(", ")) + ".");
        }
        progress.println("Comparing on " + study.primary().measure().description() + ".");

        Map<String, byte[]> files = new LinkedHashMap<>();
        files.put(Tables.RESULTS, Tables.results(study).bytes());
        files.put(Tables.SUMMARY, Tables.summary(study).bytes());
        List<MarkdownReport.Figure> figures = new ArrayList<>();
        for (Map.Entry<MarkdownReport.Figure, JFreeChart> figure : figures(study, progress).entrySet()) {
            files.put(figure.getKey().file(), Charts.png(figure.getValue()));
            figures.add(figure.getKey());
        }
        files.put(MarkdownReport.FILE, MarkdownReport.text(study, figures).getBytes(StandardCharsets.UTF_8));

        List<Path> written = new ArrayList<>();
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Path target = folder.resolve(file.getKey());
            try {
                AtomicFiles.write(target, file.getValue());
            } catch (IOException e) {
                throw new InputError("cannot write " + target + " (" + Failures.oneLine(e)
                        + "); make the folder writable or copy it somewhere that is");
            }
            written.add(target);
            progress.println("wrote " + target);
        }
        MarkdownReport.bestPoint(study).ifPresent(progress::println);
        return new Written(written, study.finishedRuns().size(), (int) study.divergedRuns(),
                (int) study.unfinishedRuns(), study.notStarted());
    }

    /** The figures that fit the study, each with its file name and caption. */
    private static Map<MarkdownReport.Figure, JFreeChart> figures(Study study, PrintStream progress) {
        Map<MarkdownReport.Figure, JFreeChart> figures = new LinkedHashMap<>();
        String accuracy = study.primary().measure().description();
        if (study.singleRun()) {
            RunRecord run = study.runs().get(0).run();
            String name = run.name().equals(".") ? study.name() : run.name();
            figures.put(new MarkdownReport.Figure(RunFigure.FILE, "Loss and accuracy per epoch of run " + name
                    + ", on its training batches and on each split it evaluated."), RunFigure.chart(run, name));
            return figures;
        }
        boolean anyFinished = !study.finishedRuns().isEmpty();
        if (Ablation.applies(study) && anyFinished) {
            // Its values are assignments, not a scale: bars of the change against the full recipe, not a line.
            figures.put(new MarkdownReport.Figure(Ablation.FILE, "Change in mean " + accuracy + " when each"
                    + " ablation is applied alone to the full recipe (ablation none), in percentage points, sorted by"
                    + " change; error bars: ± one sample std of the per-seed difference."), Ablation.chart(study));
        } else if (study.axes().size() == 1 && anyFinished) {
            Axis axis = study.axes().get(0);
            figures.put(new MarkdownReport.Figure(AxisFigure.fileName(axis), "Mean " + accuracy + " against "
                    + axis.name() + "; error bars: ± one sample std over the repeats."), AxisFigure.chart(study));
        }
        List<Heatmap> heatmaps = Heatmap.of(study);
        if (study.axes().size() > 2 && !heatmaps.isEmpty()) {
            progress.println("More than two axes: one heatmap of " + study.axes().get(0).name() + " and "
                    + study.axes().get(1).name() + " per combination of the other axes' values that has a finished"
                    + " run (" + heatmaps.size() + ").");
        }
        for (Heatmap heatmap : heatmaps) {
            String fixed = heatmap.fixed().isEmpty() ? "" : " with " + heatmap.fixed().entrySet().stream()
                    .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(", "));
            figures.put(new MarkdownReport.Figure(heatmap.fileName(), "Mean " + accuracy + " at each point"
                    + fixed + ", with ± sample std and n in each cell; the best cell is outlined and starred."),
                    heatmap.chart());
        }
        Map<Point, SortedMap<Integer, Stats>> curves = EpochCurves.perPoint(study);
        if (!curves.isEmpty()) {
            figures.put(new MarkdownReport.Figure(EpochCurves.FILE, "Mean " + study.primary()
                    .perEpochDescription() + ", one line per point, in a band of ± one sample std over its runs."),
                    EpochCurves.chart(study, curves));
        }
        if (anyFinished) {
            figures.put(new MarkdownReport.Figure(TimeVsAccuracy.FILE, "Wall seconds against " + accuracy
                    + ", one dot per finished run."), TimeVsAccuracy.chart(study));
        }
        return figures;
    }
}
