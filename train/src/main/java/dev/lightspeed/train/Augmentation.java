package dev.lightspeed.train;

import dev.lightspeed.models.Recipe;
import org.bytedeco.pytorch.DoubleOptional;
import org.bytedeco.pytorch.NoGradGuard;
import org.bytedeco.pytorch.Tensor;
import org.bytedeco.pytorch.global.torch;
import org.bytedeco.pytorch.global.torch.MemoryFormat;
import org.bytedeco.pytorch.global.torch.ScalarType;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The training set's augmentation, done on the device a whole epoch at a time: random translation by up to
 * {@code translate} pixels (from a reflect-padded copy made once), and "alternating flip" — a random half is
 * mirrored once, then every image is mirrored on odd epochs, so each image is seen both ways in turn.
 * Random draws come from host generators seeded by (seed, epoch): a run's data order is reproducible on any
 * device and after {@code --resume}.
 */
public final class Augmentation {

    private static final long[] WIDTH = {3};

    private final Recipe recipe;
    private final long seed;
    private final ComputeDevice device;
    private final Tensor base;
    private final Tensor padded;

    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    public Augmentation(DeviceImages train, Recipe recipe, long seed, ComputeDevice device) {
        this.recipe = recipe;
        this.seed = seed;
        this.device = device;
        try (NoGradGuard noGrad = new NoGradGuard(); Temporaries temporaries = new Temporaries()) {
            Tensor images = train.images();
            if (recipe.alternatingFlip()) {
                images = flipRandomHalf(images, new SplittableRandom(mix(seed, -1)));
            }
            int pad = recipe.translate();
            this.base = recipe.alternatingFlip() ? temporaries.keep(images) : images;
            this.padded = pad > 0
                    ? temporaries.keep(torch.pad(images, new long[] {pad, pad, pad, pad}, "reflect",
                            new DoubleOptional()).contiguous(MemoryFormat.ChannelsLast))
                    : null;
        }
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
        Tensor mask = Tensor.create(flip, n, 1, 1, 1).to(images.device(), ScalarType.Bool);
        return torch.where(mask, images.flip(WIDTH), images).contiguous(MemoryFormat.ChannelsLast);
    }

    /** The augmented training images of one epoch (0-based), same order as the dataset. */
    // The guards act by their scope alone (libtorch's RAII), so the try body never names them.
    @SuppressWarnings("try")
    public Tensor epochImages(int epoch) {
        try (NoGradGuard noGrad = new NoGradGuard()) {
            Tensor images = padded == null ? base : randomCrops(epoch);
            if (recipe.alternatingFlip() && epoch % 2 == 1) {
                images = images.flip(WIDTH).contiguous(MemoryFormat.ChannelsLast);
            }
            return images;
        }
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
