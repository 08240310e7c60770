package dev.lightspeed.data;

/** The CIFAR-10 training set (50,000 images) and test set (10,000 images). */
public record CifarDataset(CifarSplit train, CifarSplit test) {
}
