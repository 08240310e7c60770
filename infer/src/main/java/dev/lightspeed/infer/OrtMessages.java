package dev.lightspeed.infer;

/**
 * ONNX Runtime's error messages carry a status-code prefix and sometimes several lines; the command line prints
 * errors as one line, so only the first line of the message, without the prefix, goes into ours.
 */
final class OrtMessages {

    private OrtMessages() {
    }

    static String firstLine(Throwable error) {
        String message = error.getMessage();
        if (message == null || message.isBlank()) {
            return error.getClass().getSimpleName();
        }
        String line = message.strip().lines().findFirst().orElse("").strip();
        return line.replaceFirst("^Error code - ORT_[A-Z_]+ - message: ", "");
    }
}
