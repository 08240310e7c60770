package dev.lightspeed.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The safetensors file format (8-byte little-endian header length, JSON header, raw little-endian data),
 * float32 tensors only. Writes go to a temporary file that is renamed into place.
 */
public final class SafeTensors {

    private static final String METADATA = "__metadata__";
    /** Generous bound on the JSON header so that a corrupt length cannot make us allocate gigabytes. */
    private static final long MAX_HEADER_BYTES = 100L << 20;

    /** The tensors and string metadata of one file. */
    public record Contents(Map<String, TensorData> tensors, Map<String, String> metadata) {
    }

    private SafeTensors() {
    }

    public static void write(Path path, Map<String, TensorData> tensors, Map<String, String> metadata)
            throws IOException {
        ObjectNode header = Json.STRICT.createObjectNode();
        ObjectNode meta = header.putObject(METADATA);
        metadata.forEach(meta::put);
        long offset = 0;
        for (Map.Entry<String, TensorData> e : tensors.entrySet()) {
            ObjectNode entry = header.putObject(e.getKey());
            entry.put("dtype", "F32");
            ArrayNode shape = entry.putArray("shape");
            for (long d : e.getValue().shape()) {
                shape.add(d);
            }
            long bytes = 4L * e.getValue().values().length;
            entry.putArray("data_offsets").add(offset).add(offset + bytes);
            offset += bytes;
        }
        byte[] headerBytes = Json.STRICT.writeValueAsBytes(header);
        // The format pads the header with spaces so that the data starts 8-byte aligned.
        int padded = (headerBytes.length + 7) / 8 * 8;
        ByteBuffer prefix = ByteBuffer.allocate(8 + padded).order(ByteOrder.LITTLE_ENDIAN);
        prefix.putLong(padded).put(headerBytes);
        while (prefix.hasRemaining()) {
            prefix.put((byte) ' ');
        }
        prefix.flip();

        AtomicFiles.write(path, out -> {
            writeFully(out, prefix);
            for (TensorData t : tensors.values()) {
                ByteBuffer data = ByteBuffer.allocate(4 * t.values().length).order(ByteOrder.LITTLE_ENDIAN);
                data.asFloatBuffer().put(t.values());
                writeFully(out, data);
            }
        });
    }

    private static void writeFully(FileChannel out, ByteBuffer buffer) throws IOException {
        while (buffer.hasRemaining()) {
            out.write(buffer);
        }
    }

    /** Reads a whole file; anything that is not a float32 safetensors file is an {@link InputError}. */
    public static Contents read(Path path) {
        if (!Files.isRegularFile(path)) {
            throw new InputError("checkpoint " + path + " does not exist; pass the model.safetensors written by train");
        }
        try (FileChannel in = FileChannel.open(path, StandardOpenOption.READ)) {
            long size = in.size();
            ByteBuffer lengthBytes = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
            readFully(in, lengthBytes, path);
            long headerLength = lengthBytes.flip().getLong();
            if (headerLength <= 0 || headerLength > MAX_HEADER_BYTES || 8 + headerLength > size) {
                throw notSafetensors(path, "bad header length");
            }
            ByteBuffer headerBytes = ByteBuffer.allocate((int) headerLength);
            readFully(in, headerBytes, path);
            JsonNode header;
            try {
                header = Json.STRICT.readTree(new String(headerBytes.array(), StandardCharsets.UTF_8));
            } catch (IOException e) {
                throw notSafetensors(path, "header is not JSON");
            }
            if (header == null || !header.isObject()) {
                throw notSafetensors(path, "header is not a JSON object");
            }
            long dataStart = 8 + headerLength;
            Map<String, String> metadata = new LinkedHashMap<>();
            Map<String, TensorData> tensors = new LinkedHashMap<>();
            for (Map.Entry<String, JsonNode> field : header.properties()) {
                if (field.getKey().equals(METADATA)) {
                    field.getValue().properties().forEach(m -> metadata.put(m.getKey(), m.getValue().asText()));
                    continue;
                }
                tensors.put(field.getKey(), readTensor(in, path, field.getKey(), field.getValue(), dataStart, size));
            }
            return new Contents(tensors, metadata);
        } catch (IOException e) {
            throw new InputError("cannot read checkpoint " + path + " (" + Failures.oneLine(e) + ")", e);
        }
    }

    private static TensorData readTensor(FileChannel in, Path path, String name, JsonNode entry, long dataStart,
            long fileSize) throws IOException {
        if (!"F32".equals(entry.path("dtype").asText())) {
            throw notSafetensors(path, "tensor " + name + " has dtype " + entry.path("dtype").asText()
                    + ", only F32 is supported");
        }
        JsonNode shapeNode = entry.path("shape");
        long[] shape = new long[shapeNode.size()];
        for (int i = 0; i < shape.length; i++) {
            shape[i] = shapeNode.get(i).asLong();
        }
        long begin = entry.path("data_offsets").path(0).asLong(-1);
        long end = entry.path("data_offsets").path(1).asLong(-1);
        long count = TensorData.elementCount(shape);
        if (begin < 0 || end - begin != 4 * count || dataStart + end > fileSize || count > Integer.MAX_VALUE) {
            throw notSafetensors(path, "tensor " + name + " has inconsistent offsets (file truncated?)");
        }
        ByteBuffer data = ByteBuffer.allocate((int) (4 * count)).order(ByteOrder.LITTLE_ENDIAN);
        in.position(dataStart + begin);
        readFully(in, data, path);
        float[] values = new float[(int) count];
        data.flip().asFloatBuffer().get(values);
        return new TensorData(shape, values);
    }

    private static void readFully(FileChannel in, ByteBuffer buffer, Path path) throws IOException {
        while (buffer.hasRemaining()) {
            if (in.read(buffer) < 0) {
                throw notSafetensors(path, "file ends early");
            }
        }
    }

    private static InputError notSafetensors(Path path, String why) {
        return new InputError(path + " is not a valid safetensors checkpoint (" + why
                + "); pass the model.safetensors written by train");
    }
}
