package dev.lightspeed.train;

import dev.lightspeed.models.Recipe;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Scalar;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

import static dev.lightspeed.train.Tensors.scalar;

/**
 * The training set's augmentation, done on the device a whole epoch at a time, in this order: random translation
 * by up to {@code translate} pixels (crops of a copy padded once, by reflection or with zeros, the mean of the
 * normalized images); a flip, "alternating" (a random half is mirrored once, then every image is mirrored on odd
 * epochs, so each image is seen both ways in turn) or "random" (each image mirrored with probability ½, drawn
 * afresh every epoch); and cutout (one k×k square per image, at a uniformly random place fully inside it, set to 0,
 * the mean). Random draws come from host generators seeded by (seed, epoch), one stream per kind of draw: a run's
 * data order is reproducible on any device and after {@code --resume}.
 */
public final class Augmentation {

    private static final long[] WIDTH = {3};
    /**
     * The first stream of the random flips (epoch e draws from FLIPS + 2e) and of the cutout squares (FLIPS + 2e +
     * 1): past the streams of the crops (2e) and orders (2e + 1) of any run shorter than 2³¹ epochs.
     */
    private static final long FLIPS = 1L << 32;

    private final Recipe recipe;
    private final long seed;
    private final ComputeDevice device;
    private final boolean alternating;
    private final boolean randomFlip;
    private final Tensor base;
    private final Tensor padded;

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    public Augmentation(DeviceImages train, Recipe recipe, long seed, ComputeDevice device) {
        this.recipe = recipe;
        this.seed = seed;
        this.device = device;
        this.alternating = Recipe.ALTERNATING.equals(recipe.flip());
        this.randomFlip = Recipe.RANDOM.equals(recipe.flip());
        try (NoGradGuard noGrad = new NoGradGuard(); Temporaries temporaries = new Temporaries()) {
            Tensor images = train.images();
            if (alternating) {
                images = flipRandomHalf(images, new SplittableRandom(mix(seed, -1)));
            }
            int pad = recipe.translate();
            this.base = alternating ? temporaries.keep(images) : images;
            this.padded = pad > 0 ? temporaries.keep(pad(images, pad).contiguous(MemoryFormat.ChannelsLast)) : null;
        }
    }

    /** {@code images} padded by {@code pad} on every side as the recipe's translate padding says. */
    private Tensor pad(Tensor images, int pad) {
        long[] sides = {pad, pad, pad, pad};
        return Recipe.ZEROS.equals(recipe.translatePadding())
                ? torch.pad(images, sides, "constant", new DoubleOptional(0.0))
                : torch.pad(images, sides, "reflect", new DoubleOptional());
    }

    static long mix(long seed, long stream) {
        return new SplittableRandom(seed ^ (0x9E3779B97F4A7C15L * (stream + 2))).nextLong();
    }

    private static Tensor flipRandomHalf(Tensor images, SplittableRandom random) {
        long n = images.size(0);
        boolean[] flip = new boolean[(int) n];
        for (int i = 0; i < n; i++) {
            flip[i] = random.nextBoolean();
        }
        return flipped(images, flip);
    }

    /** The images whose entry in {@code flip} is true mirrored, the others as they are. */
    private static Tensor flipped(Tensor images, boolean[] flip) {
        Tensor mask = Tensor.create(flip, flip.length, 1, 1, 1).to(images.device(), ScalarType.Bool);
        return torch.where(mask, images.flip(WIDTH), images).contiguous(MemoryFormat.ChannelsLast);
    }

    /** Which images the random flip mirrors in {@code epoch} (0-based): each with probability ½. */
    boolean[] randomFlips(int epoch, int count) {
        SplittableRandom random = new SplittableRandom(mix(seed, FLIPS + 2L * epoch));
        boolean[] flip = new boolean[count];
        for (int i = 0; i < count; i++) {
            flip[i] = random.nextBoolean();
        }
        return flip;
    }

    /**
     * The top-left corner (row, column) of each image's cutout square in {@code epoch}: uniform over the places
     * where the square lies fully inside an image of {@code side}².
     */
    long[][] cutoutCorners(int epoch, int count, int side) {
        int places = side - recipe.cutout() + 1;
        SplittableRandom random = new SplittableRandom(mix(seed, FLIPS + 2L * epoch + 1));
        long[][] corners = new long[2][count];
        for (int i = 0; i < count; i++) {
            corners[0][i] = random.nextInt(places);
            corners[1][i] = random.nextInt(places);
        }
        return corners;
    }

    /** The augmented training images of one epoch (0-based), same order as the dataset. */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    public Tensor epochImages(int epoch) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor images = padded == null ? base : randomCrops(epoch);
            if (alternating && epoch % 2 == 1) {
                images = images.flip(WIDTH).contiguous(MemoryFormat.ChannelsLast);
            } else if (randomFlip) {
                images = flipped(images, randomFlips(epoch, (int) images.size(0)));
            }
            return recipe.cutout() > 0 ? cutout(images, epoch) : images;
        }
    }

    /** Each image with its epoch's k×k square set to 0: one mask over every image, written in one pass. */
    private Tensor cutout(Tensor images, int epoch) {
        int n = (int) images.size(0);
        long side = images.size(2);
        long[][] corners = cutoutCorners(epoch, n, (int) side);
        Tensor positions = torch.arange(scalar(side), device.options(ScalarType.Long));
        Tensor rows = positions.view(1, 1, side, 1).sub(Tensors.fromHost(corners[0], device).view(n, 1, 1, 1));
        Tensor columns = positions.view(1, 1, 1, side).sub(Tensors.fromHost(corners[1], device).view(n, 1, 1, 1));
        Scalar k = scalar(recipe.cutout());
        Tensor inside = rows.ge(scalar(0)).logical_and(rows.lt(k))
                .logical_and(columns.ge(scalar(0)).logical_and(columns.lt(k)));
        return images.masked_fill(inside, scalar(0)).contiguous(MemoryFormat.ChannelsLast);
    }

    /**
     * Every image shifted by its own random (dy, dx) in [-r, r]²: one strided copy per shift, each covering the
     * images that drew it, which is cheaper than a per-pixel gather for small r.
     */
    private Tensor randomCrops(int epoch) {
        int r = recipe.translate();
        long n = padded.size(0);
        long side = padded.size(2) - 2L * r;
        SplittableRandom random = new SplittableRandom(mix(seed, 2L * epoch));
        int shifts = 2 * r + 1;
        List<List<Long>> byShift = new ArrayList<>();
        for (int s = 0; s < shifts * shifts; s++) {
            byShift.add(new ArrayList<>());
        }
        for (long i = 0; i < n; i++) {
            byShift.get(random.nextInt(shifts * shifts)).add(i);
        }
        Tensor out = torch.empty_like(base);
        for (int s = 0; s < byShift.size(); s++) {
            List<Long> members = byShift.get(s);
            if (members.isEmpty()) {
                continue;
            }
            long[] idx = members.stream().mapToLong(Long::longValue).toArray();
            Tensor index = Tensors.fromHost(idx, device);
            int dy = s / shifts;
            int dx = s % shifts;
            // Narrow first: the gather then copies only the image-sized window, not the padded image.
            out.index_copy_(0, index, padded.narrow(2, dy, side).narrow(3, dx, side).index_select(0, index));
        }
        return out;
    }

    /** A permutation of the training set for the epoch's batches. */
    public long[] epochOrder(int epoch, int count) {
        SplittableRandom random = new SplittableRandom(mix(seed, 2L * epoch + 1));
        long[] order = new long[count];
        for (int i = 0; i < count; i++) {
            order[i] = i;
        }
        for (int i = count - 1; i > 0; i--) {
            int j = random.nextInt(i + 1);
            long t = order[i];
            order[i] = order[j];
            order[j] = t;
        }
        return order;
    }
}
