package dev.lightspeed.cli;

import dev.lightspeed.cli.CommandLineRun.Outcome;

import dev.lightspeed.data.Cifar10;
import dev.lightspeed.models.ArchitectureSpec;
import dev.lightspeed.models.ImageGeometry;
import dev.lightspeed.models.Checkpoint;
import dev.lightspeed.models.Normalization;
import dev.lightspeed.models.Presets;
import dev.lightspeed.models.TensorData;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * What the export, eval and predict command tests share: checkpoints with random weights, a small synthetic
 * CIFAR-10 folder, and a way to run the command line and capture what it prints.
 */
final class OnnxCommandFixtures {

    private OnnxCommandFixtures() {
    }

    static Outcome run(String... args) {
        return CommandLineRun.run(err -> List.of(new ExportCommand(), new EvalCommand(), new PredictCommand(err)), args);
    }

    /** An airbench94 checkpoint with random weights, saved as the trainer saves it. */
    static Path checkpoint(Path folder, String name) throws IOException {
        return checkpoint(folder, name, ArchitectureSpec.airbench94(), Cifar10.INFO.classes(),
                Cifar10.INFO.normalization());
    }

    static Path checkpoint(Path folder, String name, ArchitectureSpec spec, List<String> classes,
            Normalization normalization) throws IOException {
        Random random = new Random(name.hashCode());
        Map<String, TensorData> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, long[]> entry : spec.tensorShapes().entrySet()) {
            long[] shape = entry.getValue();
            float[] values = new float[(int) TensorData.elementCount(shape)];
            long fanIn = shape.length > 1 ? values.length / shape[0] : 1;
            for (int i = 0; i < values.length; i++) {
                values[i] = entry.getKey().endsWith("running_var") ? 0.5f + random.nextFloat()
                        : (float) (random.nextGaussian() / Math.sqrt(fanIn));
            }
            tensors.put(entry.getKey(), new TensorData(shape, values));
        }
        Checkpoint checkpoint = new Checkpoint(spec, Presets.named(Presets.DEFAULT), classes, normalization, 1, 8,
                0.94, 2, tensors);
        Path file = folder.resolve(name);
        checkpoint.save(file);
        return file;
    }

    /** An exported model of 1×28×28 (gray) images, which CIFAR-10 data and RGB image files do not fit. */
    static Path grayModel(Path folder) throws IOException {
        ArchitectureSpec gray28 = ArchitectureSpec.airbench94().fittedTo(new ImageGeometry(1, 28), 10);
        Path checkpoint = checkpoint(folder, "gray28.safetensors", gray28, Cifar10.INFO.classes(),
                new Normalization(List.of(0.5), List.of(0.25)));
        Path model = folder.resolve("gray28.onnx");
        Outcome export = run("export", "--checkpoint", checkpoint.toString(), "--out", model.toString());
        if (export.status() != 0) {
            throw new IllegalStateException("export of the gray model failed: " + export.err());
        }
        return model;
    }

    static List<String> numberedClasses(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add("class" + i);
        }
        return names;
    }

    /**
     * A folder with the six CIFAR-10 files, each holding a few random records instead of 10,000: eval reads only
     * the test batch.
     */
    static Path syntheticCifar(Path folder, int testImages) throws IOException {
        Path data = Files.createDirectories(folder.resolve("cifar10"));
        Random random = new Random(99);
        // A record is a label byte and the image; its size follows from the reader's file size.
        int recordBytes = Math.toIntExact(Cifar10.FILE_BYTES / Cifar10.RECORDS_PER_FILE);
        for (String file : Cifar10.ALL_FILES) {
            int records = file.equals(Cifar10.TEST_FILE) ? testImages : 2;
            byte[] bytes = new byte[records * recordBytes];
            random.nextBytes(bytes);
            for (int r = 0; r < records; r++) {
                bytes[r * recordBytes] = (byte) (r % Cifar10.INFO.numClasses());
            }
            Files.write(data.resolve(file), bytes);
        }
        return data;
    }
}
