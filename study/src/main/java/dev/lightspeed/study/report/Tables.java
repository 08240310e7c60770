package dev.lightspeed.study.report;

import dev.lightspeed.study.Stats;
import dev.lightspeed.models.run.RunSummary;

import java.util.ArrayList;
import java.util.List;

/** results.csv (one row per finished run) and summary.csv (one row per point), in the units of summary.json. */
final class Tables {

    static final String RESULTS = "results.csv";
    static final String SUMMARY = "summary.csv";
    static final String MEAN = "_mean";
    static final String STD = "_std";
    private static final String EPOCHS = "epochs";

    private Tables() {
    }

    static Csv results(Study study) {
        // An epochs axis already holds what the epochs column would repeat.
        boolean epochsColumn = study.axes().stream().noneMatch(a -> a.name().equals(EPOCHS));
        List<String> header = new ArrayList<>(List.of("folder"));
        study.axes().forEach(a -> header.add(a.name()));
        header.add("seed");
        if (epochsColumn) {
            header.add(EPOCHS);
        }
        header.add("status");
        for (Measure measure : Measure.values()) {
            header.add(measure.column());
        }
        Csv csv = new Csv(header);
        for (Study.PlacedRun placed : study.runs()) {
            RunSummary summary = placed.run().summary();
            if (summary == null) {
                continue;
            }
            List<String> row = new ArrayList<>(List.of(placed.run().name()));
            row.addAll(placed.point().values());
            row.add(Long.toString(summary.seed()));
            if (epochsColumn) {
                row.add(Integer.toString(summary.epochs()));
            }
            row.add(summary.status().label());
            for (Measure measure : Measure.values()) {
                row.add(Csv.number(placed.run().diverged() && measure.isAccuracy() ? null : measure.of(summary)));
            }
            csv.row(row);
        }
        return csv;
    }

    static Csv summary(Study study) {
        List<String> header = new ArrayList<>();
        study.axes().forEach(a -> header.add(a.name()));
        header.add("n");
        header.add("diverged");
        for (Measure measure : Measure.values()) {
            header.add(measure.column() + MEAN);
            header.add(measure.column() + STD);
        }
        Csv csv = new Csv(header);
        for (PointSummary point : study.points()) {
            List<String> row = new ArrayList<>(point.point().values());
            row.add(Integer.toString(point.n()));
            row.add(Integer.toString(point.diverged()));
            for (Measure measure : Measure.values()) {
                Stats stats = point.stats(measure);
                row.add(Csv.number(stats.mean()));
                row.add(Csv.number(stats.std()));
            }
            csv.row(row);
        }
        return csv;
    }
}
