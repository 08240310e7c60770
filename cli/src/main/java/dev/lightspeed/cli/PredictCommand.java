package dev.lightspeed.cli;

import dev.lightspeed.data.ImageLoader;
import dev.lightspeed.infer.ClassProbability;
import dev.lightspeed.infer.OnnxClassifier;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.InputError;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * {@code lightspeed predict}: the most probable classes of image files. A file that cannot be read gets a one-line
 * error on standard error while the others still get their answers; the exit status then says that one failed.
 */
final class PredictCommand implements Command {

    private static final int DEFAULT_TOP = 3;
    /** Channels of the pixels {@link ImageLoader} decodes. */
    private static final int RGB = 3;

    private final PrintStream errors;

    PredictCommand() {
        this(System.err);
    }

    /** {@code errors} receives the per-file errors (standard error on the command line). */
    PredictCommand(PrintStream errors) {
        this.errors = errors;
    }

    @Override
    public String name() {
        return "predict";
    }

    @Override
    public String summary() {
        return "classify PNG or JPEG images with an ONNX model: top classes with probabilities";
    }

    @Override
    public String usage() {
        return "--model FILE [--top K] [--provider NAME] IMAGE...";
    }

    @Override
    public Options options() {
        Options o = new Options();
        EvalCommand.addSessionOptions(o);
        o.addOption(Option.builder().longOpt("top").hasArg().argName("K")
                .desc("classes to show per image (default " + DEFAULT_TOP + ")").get());
        return o;
    }

    @Override
    public int run(CommandLine line, PrintStream out) {
        Path model = EvalCommand.modelPath(line);
        List<String> files = line.getArgList();
        if (files.isEmpty()) {
            throw new InputError("no IMAGE given; pass one or more PNG or JPEG files after the options, "
                    + "e.g. lightspeed predict --model model.onnx cat.png");
        }
        int top = Arguments.intValue(line, "top", DEFAULT_TOP, 1);
        try (OnnxClassifier classifier = OnnxClassifier.open(model, EvalCommand.sessionSettings(line))) {
            ImageGeometry geometry = classifier.info().geometry();
            if (geometry.channels() != RGB) {
                throw new InputError(model + " takes " + geometry + " images; predict reads image files as RGB, "
                        + RGB + " channels");
            }
            List<String> readable = new ArrayList<>();
            List<float[]> images = new ArrayList<>();
            for (String file : files) {
                try {
                    images.add(ImageLoader.load(Path.of(file), geometry.size()));
                    readable.add(file);
                } catch (InputError e) {
                    errors.println("lightspeed predict: " + e.getMessage());
                }
            }
            // Decoded here rather than by the classifier, so that each unreadable file is reported and the rest
            // are scored in batches.
            List<List<ClassProbability>> predictions = classifier.classify(images, top);
            for (int i = 0; i < readable.size(); i++) {
                out.println(readable.get(i) + ": " + predictions.get(i).stream()
                        .map(p -> String.format(Locale.ROOT, "%s %.1f %%", p.name(), 100 * p.probability()))
                        .collect(Collectors.joining(", ")));
            }
            return readable.size() == files.size() ? Main.OK : Main.USAGE;
        }
    }
}
