package dev.lightspeed.cli;

import dev.lightspeed.data.Cifar10;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static dev.lightspeed.cli.CommandLineRun.assertUsageError;
import static dev.lightspeed.cli.OnnxCommandFixtures.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PredictCommandTest {

    private static final Pattern ANSWER = Pattern.compile("(\\S+) (\\d+\\.\\d) %");

    @TempDir
    static Path folder;

    private static Path model;
    private static List<Path> images;

    @BeforeAll
    static void modelAndImages() throws Exception {
        Path checkpoint = OnnxCommandFixtures.checkpoint(folder, "model.safetensors");
        model = folder.resolve("model.onnx");
        assertEquals(0, run("export", "--checkpoint", checkpoint.toString(), "--out", model.toString()).status());
        images = List.of(
                write(randomImage(32, 32, BufferedImage.TYPE_INT_RGB), "rgb.png", "png"),
                write(randomImage(50, 50, BufferedImage.TYPE_BYTE_GRAY), "gray.png", "png"),
                write(randomImage(20, 20, BufferedImage.TYPE_INT_ARGB), "rgba.png", "png"),
                write(randomImage(64, 40, BufferedImage.TYPE_INT_RGB), "wide.png", "png"),
                write(randomImage(48, 48, BufferedImage.TYPE_INT_RGB), "photo.jpg", "jpeg"));
    }

    @Test
    void everyImageGetsItsTopThreeClasses() {
        CommandLineRun.Outcome outcome = predict(images.stream().map(Path::toString).toArray(String[]::new));

        assertEquals(0, outcome.status(), outcome.err());
        assertEquals("", outcome.err());
        List<String> lines = outcome.out().lines().toList();
        assertEquals(images.size(), lines.size(), outcome.out());
        for (int i = 0; i < images.size(); i++) {
            assertTrue(lines.get(i).startsWith(images.get(i) + ": "), lines.get(i));
            assertAnswer(lines.get(i), 3);
        }
    }

    @Test
    void unreadableFileGetsOneErrorLineAndTheOthersTheirAnswers() throws Exception {
        Path fake = Files.writeString(folder.resolve("x.png"), "this is text, not a PNG\n");

        CommandLineRun.Outcome outcome = predict(images.get(0).toString(), fake.toString(),
                images.get(1).toString());

        assertEquals(2, outcome.status(), "the exit status says that a file failed");
        assertEquals(List.of("lightspeed predict: " + fake + " is not a PNG or JPEG image; pass PNG or JPEG files"),
                outcome.err().lines().toList());
        List<String> lines = outcome.out().lines().toList();
        assertEquals(2, lines.size(), outcome.out());
        assertTrue(lines.get(0).startsWith(images.get(0) + ": "));
        assertTrue(lines.get(1).startsWith(images.get(1) + ": "));
    }

    @Test
    void topFlagChoosesHowManyClasses() {
        CommandLineRun.Outcome outcome = predict("--top", "10", images.get(0).toString());

        assertEquals(0, outcome.status(), outcome.err());
        assertAnswer(outcome.out().strip(), 10);
    }

    @Test
    void modelOfGrayImagesIsUsageError() throws Exception {
        Path gray = OnnxCommandFixtures.grayModel(folder);

        assertUsageError(run("predict", "--model", gray.toString(), images.get(0).toString()),
                "takes 1×28×28 images; predict reads image files as RGB, 3 channels");
    }

    @Test
    void noImageIsUsageError() {
        assertUsageError(predict(), "no IMAGE given");
    }

    @Test
    void missingModelIsUsageError() {
        assertUsageError(run("predict", "--model", folder.resolve("absent.onnx").toString(), images.get(0).toString()),
                "does not exist");
    }

    /** Classes are known names, in order of falling probability, the shown ones summing to at most 100 %. */
    private static void assertAnswer(String line, int expectedClasses) {
        Matcher matcher = ANSWER.matcher(line.substring(line.indexOf(": ") + 2));
        int found = 0;
        double previous = Double.MAX_VALUE;
        double sum = 0;
        while (matcher.find()) {
            assertTrue(Cifar10.INFO.classes().contains(matcher.group(1)), line);
            double percent = Double.parseDouble(matcher.group(2));
            assertTrue(percent <= previous, "falling probabilities: " + line);
            previous = percent;
            sum += percent;
            found++;
        }
        assertEquals(expectedClasses, found, line);
        assertTrue(sum <= 100.05, line);
        if (expectedClasses == Cifar10.INFO.classes().size()) {
            assertEquals(100, sum, 0.5, line);
        }
    }

    private static CommandLineRun.Outcome predict(String... more) {
        String[] args = new String[3 + more.length];
        args[0] = "predict";
        args[1] = "--model";
        args[2] = model.toString();
        System.arraycopy(more, 0, args, 3, more.length);
        return run(args);
    }

    private static BufferedImage randomImage(int width, int height, int type) {
        BufferedImage image = new BufferedImage(width, height, type);
        Random random = new Random(width * 31L + height);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return image;
    }

    private static Path write(BufferedImage image, String name, String format) throws Exception {
        Path file = folder.resolve(name);
        assertTrue(ImageIO.write(image, format, file.toFile()), "no writer for " + name);
        return file;
    }
}
