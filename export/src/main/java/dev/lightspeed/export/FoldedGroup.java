package dev.lightspeed.export;

/**
 * One conv group at inference time: {@code pooled} (conv1 with norm1 folded in, then a 2×2 max pool) and
 * {@code second} (conv2 with norm2 folded in), each followed by GELU.
 */
record FoldedGroup(FoldedConv pooled, FoldedConv second) {
}
