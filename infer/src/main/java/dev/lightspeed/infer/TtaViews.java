package dev.lightspeed.infer;

import dev.lightspeed.models.TestTimeAugmentation;
import dev.lightspeed.models.TestTimeAugmentation.View;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@link TestTimeAugmentation} of the fullest level for a model that scores single views: the views are
 * computed here from the raw pixels, scored as separate batches, and their logits combined with the views'
 * weights. The exporter's TTA graph computes the same average inside the model.
 */
public final class TtaViews {

    public static final int LEVEL = TestTimeAugmentation.MAX_LEVEL;
    private static final List<View> VIEWS = TestTimeAugmentation.views(LEVEL);
    public static final int VIEW_COUNT = VIEWS.size();

    private TtaViews() {
    }

    /** The views of {@code count} NCHW images of {@code channels × size × size}, in the order of the definition. */
    public static float[][] views(float[] pixels, int count, int channels, int size) {
        int planes = count * channels;
        float[][] views = new float[VIEW_COUNT][];
        Map<Integer, float[]> byOffset = new HashMap<>();
        for (int v = 0; v < VIEW_COUNT; v++) {
            View view = VIEWS.get(v);
            float[] shifted = byOffset.computeIfAbsent(view.offset(), offset -> shifted(pixels, planes, size, offset));
            views[v] = view.mirrored() ? mirrored(shifted, planes, size) : shifted;
        }
        return views;
    }

    /** The weighted sum of the views' logits, each {@code count × classes}. */
    public static float[] combine(float[][] viewLogits, int count, int classes) {
        float[] result = new float[count * classes];
        for (int v = 0; v < VIEW_COUNT; v++) {
            float weight = (float) VIEWS.get(v).weight();
            for (int i = 0; i < result.length; i++) {
                result[i] += weight * viewLogits[v][i];
            }
        }
        return result;
    }

    /** Pixel (y, x) of the result is pixel (y + offset, x + offset) of the source, reflected at the borders. */
    private static float[] shifted(float[] pixels, int planes, int size, int offset) {
        float[] result = new float[planes * size * size];
        for (int plane = 0; plane < planes; plane++) {
            int base = plane * size * size;
            for (int y = 0; y < size; y++) {
                int sourceRow = base + reflect(y + offset, size) * size;
                for (int x = 0; x < size; x++) {
                    result[base + y * size + x] = pixels[sourceRow + reflect(x + offset, size)];
                }
            }
        }
        return result;
    }

    private static float[] mirrored(float[] pixels, int planes, int size) {
        float[] result = new float[pixels.length];
        for (int row = 0; row < planes * size; row++) {
            int base = row * size;
            for (int x = 0; x < size; x++) {
                result[base + x] = pixels[base + size - 1 - x];
            }
        }
        return result;
    }

    /** Reflect padding's index map: -1 → 1 and size → size - 2 (the border pixel is not repeated). */
    private static int reflect(int index, int size) {
        if (index < 0) {
            return -index;
        }
        return index >= size ? 2 * (size - 1) - index : index;
    }
}
