package dev.lightspeed.train;

import dev.lightspeed.models.Recipe;
import dev.lightspeed.models.run.ResumeState;
import org.bytedeco.pytorch.Tensor;

/**
 * Where a run's training begins: a new network (initialized from the seed, its whitening stem, if it has one,
 * fitted to the first training images) and fresh optimizer state at epoch 0, or the network, optimizer state and
 * weight average that a resume state saved after its last complete epoch.
 *
 * @param average null when the recipe keeps no weight average
 */
record RunStart(int epoch, Network network, Optimization optimization, WeightAverage average) {

    static RunStart fresh(Recipe recipe, ComputeDevice device, long seed, DeviceImages train, int stepsPerEpoch) {
        Network network = Network.initialize(recipe.architecture(), device, seed);
        recipe.architecture().whitening().ifPresent(stem -> {
            int samples = Math.min(stem.samples(), train.count());
            Tensor whiteningImages = train.images().narrow(0, 0, samples);
            Whitening.fit(network, whiteningImages, stem.eps());
        });
        Optimization optimization = new Optimization(network, recipe, stepsPerEpoch);
        return new RunStart(0, network, optimization,
                recipe.averagesWeights() ? WeightAverage.of(recipe, network) : null);
    }

    static RunStart resumed(ResumeState saved, ComputeDevice device, int stepsPerEpoch) {
        Recipe recipe = saved.recipe();
        Network network = Network.fromValues(saved.checkpoint().architecture(), device, saved.checkpoint().tensors());
        Optimization optimization = new Optimization(network, recipe, stepsPerEpoch);
        optimization.restore(saved.trainingState(), device);
        return new RunStart(saved.epoch(), network, optimization, recipe.averagesWeights()
                ? WeightAverage.restored(recipe, network, saved.checkpoint().emaTensors()) : null);
    }
}
