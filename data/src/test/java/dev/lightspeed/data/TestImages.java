package dev.lightspeed.data;

import org.w3c.dom.Node;

import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Small image files of known content, written the way other programs write them. */
final class TestImages {

    private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";

    private TestImages() {
    }

    /** A {@code width × height} image of one colour, {@code 0xRRGGBB}. */
    static BufferedImage uniform(int width, int height, int rgb) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, rgb);
            }
        }
        return image;
    }

    /** A grayscale image of one level. */
    static BufferedImage gray(int width, int height, int level) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setSample(x, y, 0, level);
            }
        }
        return image;
    }

    /** A palette image (as GIF-like PNGs are stored) whose every pixel is palette entry 1, {@code 0xRRGGBB}. */
    static BufferedImage palette(int width, int height, int rgb) {
        byte[] reds = {0, (byte) (rgb >> 16)};
        byte[] greens = {0, (byte) (rgb >> 8)};
        byte[] blues = {0, (byte) rgb};
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_BYTE_INDEXED,
                new IndexColorModel(8, 2, reds, greens, blues));
        WritableRaster raster = image.getRaster();
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setSample(x, y, 0, 1);
            }
        }
        return image;
    }

    static Path write(BufferedImage image, String format, Path file) throws IOException {
        Files.createDirectories(file.getParent());
        if (!ImageIO.write(image, format, file.toFile())) {
            throw new IOException("no " + format + " writer for " + file);
        }
        return file;
    }

    /**
     * A CMYK JPEG of one ink mix, stored as Photoshop stores them: an Adobe marker and inverted samples (255 means
     * no ink).
     */
    static Path cmykJpeg(int width, int height, int cyan, int magenta, int yellow, int black, Path file)
            throws IOException {
        WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, width, height, 4, null);
        int[] inverted = {255 - cyan, 255 - magenta, 255 - yellow, 255 - black};
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                raster.setPixel(x, y, inverted);
            }
        }
        // The writer offers no metadata for a bare raster: take what it writes without, and add the marker.
        IIOMetadata metadata = readMetadata(jpeg(raster, null));
        IIOMetadataNode tree = (IIOMetadataNode) metadata.getAsTree(JPEG_METADATA);
        IIOMetadataNode adobe = new IIOMetadataNode("app14Adobe");
        adobe.setAttribute("version", "100");
        adobe.setAttribute("flags0", "0");
        adobe.setAttribute("flags1", "0");
        adobe.setAttribute("transform", "0");
        Node markers = tree.getElementsByTagName("markerSequence").item(0);
        markers.insertBefore(adobe, markers.getFirstChild());
        metadata.setFromTree(JPEG_METADATA, tree);
        Files.createDirectories(file.getParent());
        return Files.write(file, jpeg(raster, metadata));
    }

    private static byte[] jpeg(Raster raster, IIOMetadata metadata) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, metadata), null);
        } finally {
            writer.dispose();
        }
        return bytes.toByteArray();
    }

    private static IIOMetadata readMetadata(byte[] jpeg) throws IOException {
        ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(jpeg))) {
            reader.setInput(in);
            return reader.getImageMetadata(0);
        } finally {
            reader.dispose();
        }
    }
}
