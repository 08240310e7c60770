package dev.lightspeed.infer;

import dev.lightspeed.models.Failures;

/**
 * ONNX Runtime's error messages carry a status-code prefix and sometimes several lines; the command line prints
 * errors as one line, so only the first line of the message, without the prefix, goes into ours.
 */
final class OrtMessages {

    private OrtMessages() {
    }

    static String firstLine(Throwable error) {
        return Failures.oneLine(error).replaceFirst("^Error code - ORT_[A-Z_]+ - message: ", "");
    }
}
