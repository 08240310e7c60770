package dev.lightspeed.cli;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/**
 * A generated image folder (train/ and val/, classes cat, dog and owl) of noisy pictures whose dominant colour is
 * their class's (red, green, blue), in odd sizes, JPEG and PNG: easy to learn, quick to train on.
 */
final class ColourFolder {

    static final List<String> CLASSES = List.of("cat", "dog", "owl");

    private ColourFolder() {
    }

    static Path write(Path root, int trainPerClass, int valPerClass) throws Exception {
        Random random = new Random(7);
        for (String split : List.of("train", "val")) {
            for (int c = 0; c < CLASSES.size(); c++) {
                Path folder = Files.createDirectories(root.resolve(split).resolve(CLASSES.get(c)));
                int count = split.equals("train") ? trainPerClass : valPerClass;
                for (int i = 0; i < count; i++) {
                    int width = 18 + random.nextInt(12);
                    int height = 18 + random.nextInt(12);
                    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
                    for (int y = 0; y < height; y++) {
                        for (int x = 0; x < width; x++) {
                            int[] rgb = {random.nextInt(120), random.nextInt(120), random.nextInt(120)};
                            rgb[c] += 120;
                            image.setRGB(x, y, rgb[0] << 16 | rgb[1] << 8 | rgb[2]);
                        }
                    }
                    String format = i % 2 == 0 ? "png" : "jpg";
                    ImageIO.write(image, format, folder.resolve(i + "." + format).toFile());
                }
            }
        }
        return root;
    }
}
