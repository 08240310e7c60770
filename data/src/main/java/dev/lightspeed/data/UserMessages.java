package dev.lightspeed.data;

import java.util.Locale;

/**
 * Pieces of the one-line messages carried by {@code InputError} (the reason of a failure is
 * {@link dev.lightspeed.models.Failures#oneLine}).
 */
final class UserMessages {

    /** How the six files are named in advice, short enough to keep messages on one readable line. */
    static final String FILE_LIST = "data_batch_1.bin ... data_batch_5.bin and test_batch.bin";

    private UserMessages() {
    }

    /** A count with thousands separators, independent of the user's locale so messages read the same everywhere. */
    static String count(long value) {
        return String.format(Locale.ROOT, "%,d", value);
    }
}
