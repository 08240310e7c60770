package dev.lightspeed.infer;

/** One class and the softmax probability a model gives it. */
public record ClassProbability(String name, double probability) {
}
