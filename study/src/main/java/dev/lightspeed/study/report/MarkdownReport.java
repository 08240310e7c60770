package dev.lightspeed.study.report;

import dev.lightspeed.study.Stats;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.stream.Collectors;

/** report.md: what the numbers are, how many runs there are, the figures and the summary table, in one page. */
final class MarkdownReport {

    static final String FILE = "report.md";

    /** A figure file beside report.md and the sentence under it. */
    record Figure(String file, String caption) {
    }

    private MarkdownReport() {
    }

    static String text(Study study, List<Figure> figures) {
        StringBuilder md = new StringBuilder();
        md.append("# Report on ").append(study.name()).append("\n\n");
        md.append(whatIsMeasured(study)).append("\n\n");
        md.append(runCounts(study)).append("\n\n");
        if (!study.axes().isEmpty()) {
            md.append(axes(study)).append("\n\n");
        }
        bestPoint(study).ifPresent(best -> md.append(best).append("\n\n"));
        for (Figure figure : figures) {
            md.append("![").append(figure.caption()).append("](").append(figure.file()).append(")\n\n*")
                    .append(figure.caption()).append("*\n\n");
        }
        if (Ablation.applies(study)) {
            md.append("## Ablations\n\n").append(Ablation.table(study)).append('\n');
        }
        md.append("## Summary\n\n").append(table(study)).append('\n');
        md.append(Tables.RESULTS).append(" has one row per ended run (finished or diverged), ").append(Tables.SUMMARY)
                .append(" one row per point (mean and sample std); their accuracies are fractions, as the runs "
                        + "wrote them (0.9341 is 93.41 %).\n");
        return md.toString();
    }

    /**
     * The point with the highest mean primary accuracy, in a sentence; none for a study of one point, nor for an
     * ablation study, whose question is what each ablation costs against the full recipe (its table), not a winner.
     */
    static Optional<String> bestPoint(Study study) {
        Measure measure = study.primary().measure();
        return study.best().filter(b -> study.points().size() > 1 && !Ablation.applies(study)).map(best -> "Best point: " + best.point()
                .label(study.axes()) + ", with " + meanStd(best.stats(measure), true) + " % " + measure.description()
                + " (" + (best.n() > 1 ? "mean ± std over " : "") + "n=" + best.n() + ").");
    }

    static String whatIsMeasured(Study study) {
        if (study.primary() == PrimaryAccuracy.HELD_OUT_VALIDATION) {
            String holdouts = study.finishedRuns().stream().map(r -> Integer.toString(r.summary().holdout()))
                    .distinct().collect(Collectors.joining(" or "));
            return "Settings are compared on **held-out validation accuracy with test-time augmentation (TTA)**: "
                    + "accuracy on " + (holdouts.isEmpty() ? "the" : holdouts) + " training images that each run "
                    + "kept out of its training. Test accuracy, on the dataset's test split, is shown alongside and "
                    + "was not used to compare settings.";
        }
        return "Settings are compared on **test accuracy with test-time augmentation (TTA)**, on the dataset's test "
                + "split: not every run held training images out, so no held-out validation accuracy is shared by "
                + "all runs.";
    }

    static String runCounts(Study study) {
        long unfinished = study.unfinishedRuns();
        String counts = "Runs: " + study.finishedRuns().size() + " finished, "
                + (study.divergedRuns() > 0 ? study.divergedRuns() + " diverged, " : "") + unfinished + " unfinished";
        if (study.axesFromSweep()) {
            counts += ", " + study.notStarted() + " not started";
        }
        if (unfinished > 0) {
            counts += study.axesFromSweep()
                    ? " (unfinished runs count only in the per-epoch curves)"
                    : " (unfinished runs are left out: without a summary.json their recipe, and so their point, "
                    + "is unknown)";
        }
        return counts + ".";
    }

    private static String axes(Study study) {
        return "Axes (" + (study.axesFromSweep() ? "from sweep.json" : "the recipe fields that differ between "
                + "the finished runs") + "): " + study.axes().stream()
                .map(a -> a.name() + " (" + String.join(", ", a.values()) + ")").collect(Collectors.joining("; "))
                + ".";
    }

    private static String table(Study study) {
        List<Measure> measures = Arrays.stream(Measure.values())
                .filter(m -> study.points().stream().anyMatch(p -> p.stats(m).hasMean())).toList();
        List<String> header = new ArrayList<>();
        study.axes().forEach(a -> header.add(a.name()));
        header.add("n");
        measures.forEach(m -> header.add(m.label()));
        StringBuilder table = new StringBuilder(row(header));
        table.append(row(header.stream().map(h -> "---").toList()));
        Optional<PointSummary> best = study.points().size() > 1 ? study.best() : Optional.empty();
        for (PointSummary point : study.points()) {
            List<String> cells = new ArrayList<>(point.point().values());
            cells.add(Integer.toString(point.n()));
            measures.forEach(m -> cells.add(point.allDiverged() && m.isAccuracy() ? Heatmap.DIVERGED
                    : meanStd(point.stats(m), m.isAccuracy())));
            boolean bold = best.isPresent() && best.get().point().equals(point.point());
            table.append(row(bold ? cells.stream().map(c -> c.isEmpty() ? c : "**" + c + "**").toList() : cells));
        }
        if (study.points().isEmpty()) {
            table.append("\n(no finished run yet)\n");
        }
        return table.toString();
    }

    /** {@code 93.41 ± 0.12} for accuracies (percent), {@code 41.2 ± 0.3} for seconds; {@code –} without values. */
    static String meanStd(Stats stats, boolean accuracy) {
        if (!stats.hasMean()) {
            return "–";
        }
        String mean = accuracy ? Charts.percent(stats.mean()) : seconds(stats.mean());
        if (!stats.hasStd()) {
            return mean;
        }
        return mean + " ± " + (accuracy ? Charts.percent(stats.std()) : seconds(stats.std()));
    }

    private static String seconds(double value) {
        return String.format(Locale.ROOT, "%.1f", value);
    }

    static String row(List<String> cells) {
        return "| " + cells.stream().map(c -> c.replace("|", "\\|")).collect(Collectors.joining(" | ")) + " |\n";
    }
}
