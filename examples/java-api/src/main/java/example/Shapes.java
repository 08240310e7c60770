package example;

import javax.imageio.ImageIO;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

/** A generated image folder: circles, squares and triangles of random size, place and colour on noise. */
final class Shapes {

    static final List<String> CLASSES = List.of("circle", "square", "triangle");
    private static final int SIZE = 32;

    private Shapes() {
    }

    /** Writes {@code train} and {@code val} PNGs per class into train/ and val/ under {@code root}. */
    static Path writeFolder(Path root, int train, int val) throws IOException {
        Random random = new Random(2024);
        for (String split : List.of("train", "val")) {
            for (String shape : CLASSES) {
                Path folder = Files.createDirectories(root.resolve(split).resolve(shape));
                for (int i = 0; i < (split.equals("train") ? train : val); i++) {
                    ImageIO.write(draw(shape, random), "png", folder.resolve(i + ".png").toFile());
                }
            }
        }
        return root;
    }

    private static BufferedImage draw(String shape, Random random) {
        BufferedImage image = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < SIZE; y++) {
            for (int x = 0; x < SIZE; x++) {
                int gray = 60 + random.nextInt(60);
                image.setRGB(x, y, gray << 16 | gray << 8 | gray);
            }
        }
        Graphics2D g = image.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setColor(Color.getHSBColor(random.nextFloat(), 0.6f + 0.4f * random.nextFloat(), 0.8f));
        int side = 12 + random.nextInt(14);
        int x = random.nextInt(SIZE - side + 1);
        int y = random.nextInt(SIZE - side + 1);
        switch (shape) {
            case "circle" -> g.fillOval(x, y, side, side);
            case "square" -> g.fillRect(x, y, side, side);
            default -> g.fillPolygon(new int[] {x, x + side, x + side / 2}, new int[] {y + side, y + side, y}, 3);
        }
        g.dispose();
        return image;
    }
}
