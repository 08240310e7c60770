package dev.lightspeed.models;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;

/**
 * lightspeed's JSON settings, one per purpose, so that a file of one kind is read the same way wherever it is read.
 * The two mappers differ only in reading; they write alike, compact, and {@link #PRETTY} writes indented. The
 * mappers are shared by everyone: never reconfigure one (take a {@code copy()} for a variant).
 */
public final class Json {

    /**
     * For the formats lightspeed owns and validates: recipes (presets, recipe files, {@code --set}), the metadata
     * of a checkpoint (and the safetensors header that holds it), the class list of an exported model, and
     * sweep.json as a sweep checks the folder it continues. Anything this version cannot take at its word is an
     * error rather than a guess: a field it does not know (in a recipe it could change what the numbers mean), a key
     * given twice (which one was meant?), anything after the value, null for a number, a fraction for a whole
     * number.
     */
    public static final ObjectMapper STRICT = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
            .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
            .build();

    /**
     * For what older or newer versions and other tools write, read only to be shown or compared: a run's
     * metrics.jsonl and summary.json and a sweep's sweep.json as {@code report} reads them (a field a newer run
     * added changes nothing an older report shows), Chrome trace files (many profilers write them, each with fields
     * of its own), and an earlier run's metrics.jsonl that a resumed run keeps. A field it does not know is
     * skipped, a field a record lacks reads as null (a number as 0); otherwise Jackson's defaults (a key given twice
     * keeps its last value).
     */
    public static final ObjectMapper LENIENT = JsonMapper.builder()
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    /** Indented, for the files people open: summary.json, sweep.json and the eval report. */
    public static final ObjectWriter PRETTY = STRICT.writer().with(SerializationFeature.INDENT_OUTPUT);

    private Json() {
    }
}
