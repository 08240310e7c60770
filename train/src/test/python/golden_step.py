#!/usr/bin/env python3
"""Writes the fixture of GoldenStepTest: one training step of a small airbench94-with-Muon network.

This is an independent reference, written from the published recipe (Keller Jordan's airbench94_muon.py,
github.com/KellerJordan/cifar10-airbench), not from the Java trainer. It is a yardstick only: nothing in the
build runs it.

Rerun from the repository root (needs PyTorch, e.g. Debian's python3-torch; the fixture was made with 1.13):

    python3 train/src/test/python/golden_step.py train/src/test/resources/golden

It writes golden-step.safetensors (float32 tensors) and golden-step.json (the recipe values and scalars), and
prints how far the recipe's bf16 Newton-Schulz lands from the fp32 one used here.

What one step is, as the recipe has it:
- forward in training mode: batchnorm normalizes with the batch's biased variance and moves its running
  statistics as running <- 0.6 running + 0.4 batch (the batch variance unbiased there); the logits are the
  bias-free head's output divided by the feature width;
- loss: cross entropy with label smoothing 0.2, summed (not averaged) over the batch;
- optimizers: Nesterov SGD (momentum 0.85) on the whitening bias and the batchnorm biases (lr 0.053) and the
  head (lr 0.67), each with weight decay 2e-6 * batch size / lr added to the gradient; Muon (lr 0.24, momentum
  0.6, 3 Newton-Schulz steps) on the conv filters, which are first rescaled to Frobenius norm sqrt(out);
- schedule: every lr decays linearly to 0 over 8 epochs, except the whitening bias, whose lr decays over its
  first 3 epochs, after which the bias gets no gradient and is left alone.

The fixture holds three optimizer steps from the same forward and backward: step 0 (empty momentum), and steps
12 and 35 of a run of 10 steps per epoch, both from the same given momentum buffers, the first inside the
whitening bias's 30 steps and the second after them.

Newton-Schulz runs in float32 here, while the recipe runs it in bfloat16 (a GPU speed choice): the trainer at
fp32 precision orthogonalizes in fp32, and a bf16 reference would move the filter updates by a few percent (the
script prints by how much), far more than the fp32 disagreement the test is meant to catch.
"""

import json
import math
import struct
import sys
from pathlib import Path

import torch
import torch.nn.functional as F

# The published recipe.
LABEL_SMOOTHING = 0.2
FILTER_LR = 0.24
MUON_MOMENTUM = 0.6
NEWTON_SCHULZ_STEPS = 3
NEWTON_SCHULZ_COEFFICIENTS = (3.4445, -4.7750, 2.0315)
BIAS_LR = 0.053
HEAD_LR = 0.67
SGD_MOMENTUM = 0.85
WEIGHT_DECAY_PER_SAMPLE = 2e-6
EPOCHS = 8
WHITEN_BIAS_EPOCHS = 3
WHITENING_EPS = 5e-4
BATCHNORM_EPS = 1e-12
BATCHNORM_KEEP = 0.6  # weight of the old running statistic (PyTorch's momentum is 1 - this)

# The small instance.
WIDTHS = (8, 16, 16)
BATCH = 16
IMAGE_SIZE = 32
CHANNELS = 3
CLASSES = 10
WHITENING_KERNEL = 2
FINAL_POOL = 3
STEPS_PER_EPOCH = 10
STEPS = (0, 12, 35)
SEED = 3  # the first seed whose fp32 results pass check_well_conditioned

WHITEN_WEIGHT = "whiten.weight"
WHITEN_BIAS = "whiten.bias"
HEAD_WEIGHT = "head.weight"


def conv_name(group, index):
    return f"groups.{group}.conv{index}.weight"


def norm_name(group, index, what):
    return f"groups.{group}.norm{index}.{what}"


def filter_names():
    return [conv_name(g, i) for g in range(len(WIDTHS)) for i in (1, 2)]


def norm_bias_names():
    return [norm_name(g, i, "bias") for g in range(len(WIDTHS)) for i in (1, 2)]


def running_names():
    return [norm_name(g, i, w) for g in range(len(WIDTHS)) for i in (1, 2) for w in ("running_mean", "running_var")]


TRAINABLE = [WHITEN_BIAS] + filter_names() + norm_bias_names() + [HEAD_WEIGHT]


def whitening_filters(images, kernel, eps):
    """Eigenvectors of the 2x2 patch covariance scaled by 1/sqrt(eigenvalue + eps), and their negations."""
    c = images.shape[1]
    patches = images.unfold(2, kernel, 1).unfold(3, kernel, 1).transpose(1, 3).reshape(-1, c, kernel, kernel)
    flat = patches.reshape(len(patches), -1)
    covariance = flat.T @ flat / len(flat)
    eigenvalues, eigenvectors = torch.linalg.eigh(covariance, UPLO="U")
    scaled = eigenvectors.T.reshape(-1, c, kernel, kernel) / torch.sqrt(eigenvalues.view(-1, 1, 1, 1) + eps)
    return torch.cat((scaled, -scaled))


def initial_values(generator, images):
    """Weights as the recipe initializes them, except biases and running statistics, which are given non-default
    values so that weight decay and the running-statistic blend show in the result."""
    def uniform(shape, bound):
        return (torch.rand(shape, generator=generator) * 2 - 1) * bound

    values = {WHITEN_WEIGHT: whitening_filters(images, WHITENING_KERNEL, WHITENING_EPS)}
    whiten_width = values[WHITEN_WEIGHT].shape[0]
    values[WHITEN_BIAS] = uniform((whiten_width,), 0.3)
    width_in = whiten_width
    for g, width in enumerate(WIDTHS):
        for i, fan_in_channels in ((1, width_in), (2, width)):
            w = uniform((width, fan_in_channels, 3, 3), 1 / math.sqrt(fan_in_channels * 9))
            # The recipe's Conv starts its first in-channel filters as the identity.
            torch.nn.init.dirac_(w[:fan_in_channels])
            values[conv_name(g, i)] = w
            values[norm_name(g, i, "bias")] = uniform((width,), 0.3)
            values[norm_name(g, i, "running_mean")] = uniform((width,), 0.5)
            values[norm_name(g, i, "running_var")] = 0.5 + torch.rand((width,), generator=generator)
        width_in = width
    head = uniform((CLASSES, WIDTHS[-1]), 1 / math.sqrt(WIDTHS[-1]))
    values[HEAD_WEIGHT] = head / head.std()
    return values


def batch_norm(x, bias, running_mean, running_var):
    """Training-mode batchnorm with the scale frozen at 1; returns the output and the new running statistics."""
    n = x.shape[0] * x.shape[2] * x.shape[3]
    mean = x.mean(dim=(0, 2, 3))
    variance = ((x - mean.view(1, -1, 1, 1)) ** 2).mean(dim=(0, 2, 3))
    y = (x - mean.view(1, -1, 1, 1)) / torch.sqrt(variance.view(1, -1, 1, 1) + BATCHNORM_EPS) + bias.view(1, -1, 1, 1)
    with torch.no_grad():
        new_mean = BATCHNORM_KEEP * running_mean + (1 - BATCHNORM_KEEP) * mean
        new_var = BATCHNORM_KEEP * running_var + (1 - BATCHNORM_KEEP) * variance * n / (n - 1)
    # PyTorch's own batchnorm must agree, or this reference misreads the recipe's BatchNorm2d(momentum=1-0.6).
    check_mean, check_var = running_mean.clone(), running_var.clone()
    check = F.batch_norm(x, check_mean, check_var, torch.ones_like(bias), bias, training=True,
                         momentum=1 - BATCHNORM_KEEP, eps=BATCHNORM_EPS)
    assert torch.allclose(check, y, atol=1e-4), "batchnorm output disagrees with F.batch_norm"
    assert torch.allclose(check_mean, new_mean) and torch.allclose(check_var, new_var), "running statistics"
    return y, new_mean, new_var


def forward(p, images, train_whiten_bias):
    """Logits and the running statistics after this training-mode forward."""
    running = {}
    bias = p[WHITEN_BIAS] if train_whiten_bias else p[WHITEN_BIAS].detach()
    x = F.gelu(F.conv2d(images, p[WHITEN_WEIGHT], bias))
    for g in range(len(WIDTHS)):
        x = F.conv2d(x, p[conv_name(g, 1)], padding=1)
        x = F.max_pool2d(x, 2)
        for i in (1, 2):
            if i == 2:
                x = F.conv2d(x, p[conv_name(g, 2)], padding=1)
            mean_name, var_name = norm_name(g, i, "running_mean"), norm_name(g, i, "running_var")
            x, running[mean_name], running[var_name] = batch_norm(x, p[norm_name(g, i, "bias")], p[mean_name],
                                                                   p[var_name])
            x = F.gelu(x)
    x = F.max_pool2d(x, FINAL_POOL)
    x = x.reshape(len(x), -1)
    return (x @ p[HEAD_WEIGHT].T) / x.shape[-1], running


def smoothed_cross_entropy_sum(logits, labels):
    """Each sample's target is (1 - s) on its class plus s spread evenly over all classes; summed over samples."""
    log_probs = F.log_softmax(logits, dim=1)
    nll = -log_probs.gather(1, labels.view(-1, 1)).squeeze(1)
    uniform = -log_probs.mean(dim=1)
    loss = ((1 - LABEL_SMOOTHING) * nll + LABEL_SMOOTHING * uniform).sum()
    check = F.cross_entropy(logits, labels, label_smoothing=LABEL_SMOOTHING, reduction="sum")
    assert torch.allclose(check, loss, rtol=1e-6), "loss disagrees with F.cross_entropy"
    return loss


def newton_schulz(g, dtype):
    a, b, c = NEWTON_SCHULZ_COEFFICIENTS
    x = g.to(dtype)
    x = x / (x.norm() + 1e-7)
    tall = g.shape[0] > g.shape[1]
    if tall:
        x = x.T
    for _ in range(NEWTON_SCHULZ_STEPS):
        gram = x @ x.T
        x = a * x + (b * gram + c * gram @ gram) @ x
    return x.T if tall else x


def linear_decay(peak, step, span):
    return peak * (1 - step / span)


def optimizer_step(weights, grads, momentum, step, ns_dtype):
    """One step of both optimizers; returns the new weights and momentum buffers (inputs are left untouched)."""
    weights = {k: v.clone() for k, v in weights.items()}
    momentum = {k: v.clone() for k, v in momentum.items()}
    total_steps = EPOCHS * STEPS_PER_EPOCH
    whiten_steps = WHITEN_BIAS_EPOCHS * STEPS_PER_EPOCH
    decay = WEIGHT_DECAY_PER_SAMPLE * BATCH
    sgd_groups = [([HEAD_WEIGHT], linear_decay(HEAD_LR, step, total_steps), HEAD_LR),
                  (norm_bias_names(), linear_decay(BIAS_LR, step, total_steps), BIAS_LR)]
    if step < whiten_steps:  # afterwards the bias is detached in the forward, so it has no gradient
        sgd_groups.append(([WHITEN_BIAS], linear_decay(BIAS_LR, step, whiten_steps), BIAS_LR))
    for names, lr, initial_lr in sgd_groups:
        for name in names:
            d = grads[name] + (decay / initial_lr) * weights[name]
            buffer = momentum["sgd." + name] * SGD_MOMENTUM + d
            momentum["sgd." + name] = buffer
            weights[name] = weights[name] - lr * (d + SGD_MOMENTUM * buffer)
    lr = linear_decay(FILTER_LR, step, total_steps)
    for name in filter_names():
        g = grads[name]
        buffer = momentum["muon." + name] * MUON_MOMENTUM + g
        momentum["muon." + name] = buffer
        direction = g + MUON_MOMENTUM * buffer
        w = weights[name]
        w = w * (math.sqrt(len(w)) / w.norm())
        update = newton_schulz(direction.reshape(len(direction), -1), ns_dtype).view(w.shape)
        weights[name] = w - lr * update.float()
    return weights, momentum


def check_sgd_against_torch(weights, grads, momentum, step):
    """The hand-written SGD step against torch.optim.SGD set up as the recipe sets it up."""
    mine, _ = optimizer_step(weights, grads, momentum, step, torch.float32)
    total_steps = EPOCHS * STEPS_PER_EPOCH
    for name, initial_lr in [(HEAD_WEIGHT, HEAD_LR)] + [(n, BIAS_LR) for n in norm_bias_names()]:
        p = torch.nn.Parameter(weights[name].clone())
        p.grad = grads[name].clone()
        decay = WEIGHT_DECAY_PER_SAMPLE * BATCH / initial_lr
        sgd = torch.optim.SGD([dict(params=[p], lr=initial_lr, weight_decay=decay)], momentum=SGD_MOMENTUM,
                              nesterov=True)
        if step > 0:
            sgd.state[p]["momentum_buffer"] = momentum["sgd." + name].clone()
        sgd.param_groups[0]["lr"] = linear_decay(initial_lr, step, total_steps)
        sgd.step()
        assert torch.allclose(p.detach(), mine[name], atol=1e-7, rtol=1e-6), "SGD disagrees with torch.optim.SGD"


def forward_backward(initial, images, labels, train_whiten_bias, dtype):
    """Loss, logits, running statistics after the forward, and the gradients of the trainable tensors."""
    params = {k: v.to(dtype).clone().requires_grad_(k in TRAINABLE) for k, v in initial.items()}
    logits, running = forward(params, images.to(dtype), train_whiten_bias)
    loss = smoothed_cross_entropy_sum(logits, labels)
    loss.backward()
    grads = {n: params[n].grad.float() for n in TRAINABLE if params[n].grad is not None}
    return loss.item(), logits.detach().float(), {k: v.float() for k, v in running.items()}, grads


def check_well_conditioned(initial, images, labels, train_whiten_bias, loss, grads):
    """The fp32 results must sit close to float64 ones. A max pool whose two largest inputs nearly tie would
    route a gradient by rounding alone, and then two correct fp32 implementations could disagree by far more
    than rounding; such data must be replaced (change SEED)."""
    exact_loss, _, _, exact = forward_backward(initial, images, labels, train_whiten_bias, torch.float64)
    assert abs(loss - exact_loss) < 1e-5 * abs(exact_loss), "loss far from its float64 value"
    for name, g in grads.items():
        gap = ((g - exact[name]).abs().max() / exact[name].abs().max()).item()
        assert gap < 2e-5, f"gradient of {name} is {gap:.1e} from its float64 value: a near tie; change SEED"


def report_bf16_gap(step, weights, grads, momentum):
    """How far the recipe's bf16 orthogonalization lands from the fp32 one, to show why the fixture uses fp32."""
    fp32, _ = optimizer_step(weights, grads, momentum, step, torch.float32)
    bf16, _ = optimizer_step(weights, grads, momentum, step, torch.bfloat16)
    lr = linear_decay(FILTER_LR, step, EPOCHS * STEPS_PER_EPOCH)
    gap = max(((bf16[n] - fp32[n]).norm() / (lr * math.sqrt(len(fp32[n])))).item() for n in filter_names())
    print(f"step {step}: the bf16 Newton-Schulz update differs from the fp32 one by up to {gap:.1e} (relative norm)")


def write_safetensors(path, tensors):
    header, offset, blobs = {}, 0, []
    for name, t in tensors.items():
        data = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        offset += len(data)
        blobs.append(data)
    encoded = json.dumps(header, separators=(",", ":")).encode()
    encoded += b" " * (-len(encoded) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(encoded)))
        f.write(encoded)
        for blob in blobs:
            f.write(blob)


def main(out_dir):
    torch.set_default_dtype(torch.float32)
    generator = torch.Generator().manual_seed(SEED)
    # Channels correlated with one another, as in real images, so that the whitening filters are not trivial.
    images = torch.randn((BATCH, CHANNELS, IMAGE_SIZE, IMAGE_SIZE), generator=generator)
    images = images + 0.8 * images[:, :1]
    labels = torch.randint(0, CLASSES, (BATCH,), generator=generator)
    initial = initial_values(generator, images)
    momentum_before = {("muon." if n in filter_names() else "sgd.") + n:
                       torch.randn(initial[n].shape, generator=generator) * 0.1 for n in TRAINABLE}
    zero_momentum = {k: torch.zeros_like(v) for k, v in momentum_before.items()}

    tensors = {"images": images, "labels": labels.float()}
    tensors.update({"initial/" + k: v for k, v in initial.items()})
    tensors.update({"momentum_before/" + k: v for k, v in momentum_before.items()})
    whiten_steps = WHITEN_BIAS_EPOCHS * STEPS_PER_EPOCH
    expected_loss = None
    for train_whiten_bias in (True, False):
        loss, logits, running, grads = forward_backward(initial, images, labels, train_whiten_bias, torch.float32)
        check_well_conditioned(initial, images, labels, train_whiten_bias, loss, grads)
        weights = {n: initial[n] for n in TRAINABLE}
        if train_whiten_bias:
            expected_loss = loss
            tensors["logits"] = logits
            tensors.update({"grad/" + k: v for k, v in grads.items()})
            tensors.update({"running_after/" + k: v for k, v in running.items()})
        else:
            assert WHITEN_BIAS not in grads
        for step in STEPS:
            if (step < whiten_steps) != train_whiten_bias:
                continue
            before = momentum_before if step > 0 else zero_momentum
            if train_whiten_bias:
                check_sgd_against_torch(weights, grads, before, step)
            after, momentum_after = optimizer_step(weights, grads, before, step, torch.float32)
            tensors.update({f"step_{step}/weights/{k}": v for k, v in after.items()})
            tensors.update({f"step_{step}/momentum/{k}": v for k, v in momentum_after.items()})
            report_bf16_gap(step, weights, grads, before)

    sidecar = {
        "description": "One training step of a small airbench94-with-Muon network; see golden_step.py",
        "torch_version": torch.__version__,
        "architecture": {"block_widths": list(WIDTHS), "image_size": IMAGE_SIZE, "input_channels": CHANNELS,
                         "classes": CLASSES, "whitening_kernel": WHITENING_KERNEL, "final_pool": FINAL_POOL,
                         "logit_divisor": WIDTHS[-1], "batchnorm_eps": BATCHNORM_EPS,
                         "batchnorm_keep": BATCHNORM_KEEP},
        "recipe": {"label_smoothing": LABEL_SMOOTHING, "filter_lr": FILTER_LR, "muon_momentum": MUON_MOMENTUM,
                   "newton_schulz_steps": NEWTON_SCHULZ_STEPS, "bias_lr": BIAS_LR, "head_lr": HEAD_LR,
                   "sgd_momentum": SGD_MOMENTUM, "weight_decay_per_sample": WEIGHT_DECAY_PER_SAMPLE,
                   "epochs": EPOCHS, "whiten_bias_epochs": WHITEN_BIAS_EPOCHS},
        "batch_size": BATCH,
        "steps_per_epoch": STEPS_PER_EPOCH,
        "steps": list(STEPS),
        "newton_schulz_dtype": "float32",
        "loss": expected_loss,
    }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    write_safetensors(out / "golden-step.safetensors", tensors)
    (out / "golden-step.json").write_text(json.dumps(sidecar, indent=2) + "\n")
    print(f"loss {expected_loss:.6f}; wrote {len(tensors)} tensors to {out}")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: golden_step.py OUTPUT_FOLDER")
    main(sys.argv[1])
