package dev.lightspeed.cli;

import dev.lightspeed.models.InputError;
import dev.lightspeed.study.report.Report;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code lightspeed report DIR}: tables and figures of a sweep folder (finished and unfinished runs alike), of a
 * folder of runs, or of one run, written into that folder.
 */
final class ReportCommand implements Command {

    @Override
    public String name() {
        return "report";
    }

    @Override
    public String summary() {
        return "tables (CSV), figures (PNG) and report.md of a sweep folder or a run folder";
    }

    @Override
    public String usage() {
        return "DIR";
    }

    @Override
    public Options options() {
        return new Options();
    }

    @Override
    public int run(CommandLine line, PrintStream out) {
        if (line.getArgList().size() != 1) {
            throw new InputError("report takes one folder (a sweep's --out or a run folder), got "
                    + (line.getArgList().isEmpty() ? "none" : String.join(" ", line.getArgList())));
        }
        Report.Written written = Report.write(Path.of(line.getArgList().get(0)), out);
        out.println("report: " + written.finishedRuns() + " finished runs, " + written.unfinishedRuns()
                + " unfinished; open " + written.files().get(written.files().size() - 1));
        return Main.OK;
    }
}
