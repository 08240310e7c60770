package dev.lightspeed.data;

/** Conversion of stored 8-bit pixels to the [0, 1] floats the models take. */
public final class Pixels {

    private Pixels() {
    }

    /**
     * Images {@code first .. first + count - 1} of a byte array of NCHW images as floats in [0, 1], written to
     * the start of {@code into}.
     */
    public static void toUnitRange(byte[] images, int imageBytes, int first, int count, float[] into) {
        toUnitRange(images, imageBytes, first, count, into, 0);
    }

    /** As {@link #toUnitRange(byte[], int, int, int, float[])}, written from {@code into[intoOffset]} on. */
    public static void toUnitRange(byte[] images, int imageBytes, int first, int count, float[] into,
            int intoOffset) {
        int offset = first * imageBytes;
        int length = count * imageBytes;
        for (int i = 0; i < length; i++) {
            into[intoOffset + i] = Byte.toUnsignedInt(images[offset + i]) / 255f;
        }
    }
}
