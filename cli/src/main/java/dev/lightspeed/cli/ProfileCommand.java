package dev.lightspeed.cli;

import dev.lightspeed.models.InputError;
import dev.lightspeed.models.trace.ChromeTrace;
import dev.lightspeed.study.profile.OperatorChart;
import dev.lightspeed.study.profile.OperatorTable;
import dev.lightspeed.study.profile.ProfileComparison;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Path;

/**
 * {@code lightspeed profile FILE}: the operators of a trace, cProfile style; with {@code --compare}, two traces
 * side by side.
 */
final class ProfileCommand implements Command {

    static final int DEFAULT_TOP = 25;

    @Override
    public String name() {
        return "profile";
    }

    @Override
    public String summary() {
        return "table the operators of a trace (calls, self and cumulative time), or compare two traces";
    }

    @Override
    public String usage() {
        return "FILE [--compare OTHER] [--top N] [--chart PNG]";
    }

    @Override
    public Options options() {
        Options o = new Options();
        o.addOption(Option.builder().longOpt("compare").hasArg().argName("OTHER")
                .desc("a second trace: each operator's self time in FILE (A) and OTHER (B), the change and B/A,"
                        + " largest changes first").get());
        o.addOption(Option.builder().longOpt("top").hasArg().argName("N")
                .desc("operators to show (default " + DEFAULT_TOP + ")").get());
        o.addOption(Option.builder().longOpt("chart").hasArg().argName("PNG")
                .desc("also draw the top operators' self times as a bar chart (A and B side by side with --compare)")
                .get());
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) throws Exception {
        if (line.getArgList().size() != 1) {
            throw new InputError("profile takes one trace file (written by --profile-out), got "
                    + (line.getArgList().isEmpty() ? "none" : String.join(" ", line.getArgList())));
        }
        int top = Arguments.intValue(line, "top", DEFAULT_TOP, 1);
        Path chart = line.hasOption("chart") ? OutputPaths.requireWritable("--chart",
                Path.of(line.getOptionValue("chart"))) : null;
        Path file = Path.of(line.getArgList().get(0));
        OperatorTable table = OperatorTable.of(ChromeTrace.read(file).requireCompleteEvents());
        if (!line.hasOption("compare")) {
            out.println(file + ": " + String.join(System.lineSeparator(), table.lines(top)));
            if (chart != null) {
                OperatorChart.write(chart, table, top, "Top operators of " + file.getFileName());
                out.println("chart: " + chart);
            }
            return Main.OK;
        }
        Path other = Path.of(line.getOptionValue("compare"));
        OperatorTable otherTable = OperatorTable.of(ChromeTrace.read(other).requireCompleteEvents());
        ProfileComparison comparison = ProfileComparison.of(table, otherTable);
        out.println("A: " + file);
        out.println("B: " + other);
        comparison.lines(top).forEach(out::println);
        if (chart != null) {
            OperatorChart.write(chart, comparison, top, file.getFileName().toString(),
                    other.getFileName().toString());
            out.println("chart: " + chart);
        }
        return Main.OK;
    }
}
