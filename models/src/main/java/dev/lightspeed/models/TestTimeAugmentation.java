package dev.lightspeed.models;

import java.util.ArrayList;
import java.util.List;

/**
 * Test-time augmentation: a model's logits for an image are the weighted sum of its logits for several views of
 * the image. Level 0 is the image alone; level 1 averages the image and its mirror image; level 2 adds the
 * image shifted by one pixel each way along the diagonal (reflect padding), with half the weight on the
 * unshifted pair. Every scorer (libtorch, the exported TTA graph, views fed to a plain ONNX model) takes its
 * views and weights from here, so that they all compute the same average.
 *
 * <p>Views are taken from raw pixels: mirroring and reflect padding commute with the per-channel normalization
 * that a network applies first. All weights are powers of two, so scaling a view's logits is exact and scorers
 * differ at most in the order of the additions.
 */
public final class TestTimeAugmentation {

    public static final int MAX_LEVEL = 2;

    /**
     * One view of an image.
     *
     * @param offset   pixel (y, x) of the view is pixel (y + offset, x + offset) of the image, reflected at the
     *                 borders without repeating the border pixel (PyTorch's and ONNX's "reflect" padding)
     * @param mirrored the shifted view is then mirrored left to right
     * @param weight   the view's share of the averaged logits; the weights of a level sum to 1
     */
    public record View(int offset, boolean mirrored, double weight) {
    }

    /** A shifted image and its share, before it is split between the image and its mirror image. */
    private record Shift(int offset, double weight) {
    }

    private TestTimeAugmentation() {
    }

    /**
     * The views of a level: first the unmirrored views, by offset, then the mirror image of each in the same order
     * (so a scorer can mirror the first half as one batch).
     */
    public static List<View> views(int level) {
        List<Shift> shifts = switch (level) {
            case 0, 1 -> List.of(new Shift(0, 1));
            case 2 -> List.of(new Shift(0, 0.5), new Shift(-1, 0.25), new Shift(1, 0.25));
            default -> throw new IllegalArgumentException("tta level must be 0, 1 or 2, got " + level);
        };
        int mirrorings = level == 0 ? 1 : 2;
        List<View> views = new ArrayList<>();
        for (int m = 0; m < mirrorings; m++) {
            for (Shift shift : shifts) {
                views.add(new View(shift.offset(), m == 1, shift.weight() / mirrorings));
            }
        }
        return List.copyOf(views);
    }

    /** The reflect padding that every view of a level fits in: its largest offset. */
    public static int padding(int level) {
        return views(level).stream().mapToInt(v -> Math.abs(v.offset())).max().orElse(0);
    }
}
