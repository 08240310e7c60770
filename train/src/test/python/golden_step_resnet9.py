#!/usr/bin/env python3
"""Writes a fixture of one training step of a small Myrtle.ai DAWNBench ResNet-9.

This is an independent reference, written from the published recipe (David Page's "How to train your ResNet",
github.com/davidcpage/cifar10-fast: dawn.py, dawn_utils.py, torch_backend.py, core.py), not from the Java trainer.
It is a yardstick only: nothing in the build runs it.

Rerun from the repository root (needs PyTorch, e.g. Debian's python3-torch; the fixture was made with 1.13):

    python3 train/src/test/python/golden_step_resnet9.py train/src/test/resources/golden

It writes golden-step-resnet9.safetensors (float32 tensors) and golden-step-resnet9.json (the recipe values and
scalars), then reads the safetensors back and checks them.

The network, every conv 3x3 with padding 1 and no bias, each followed by batchnorm (learned scale and bias) and
ReLU:
- prep: conv 3 -> W0;
- layer1: conv W0 -> W1, max pool 2, then x + res2(res1(x)) with two conv W1 -> W1 (the ReLU after res2 comes
  before the sum, and there is none after it);
- layer2: conv W1 -> W2, max pool 2;
- layer3: as layer1 with W2 -> W3;
- a max pool over the whole remaining 4x4 map, flatten, a bias-free linear head W3 -> classes, logits times 0.125.
The recipe's widths are 64, 128, 256, 512; the fixture's are 8, 16, 16, 32.

What one step is, as the recipe has it:
- forward in training mode: batchnorm (PyTorch's defaults, eps 1e-5, momentum 0.1) normalizes with the batch's
  biased variance and moves its running statistics as running <- 0.9 running + 0.1 batch (the batch variance
  unbiased there);
- loss: cross entropy, no label smoothing, averaged over the batch (the recipe sums it over its batch of 512 and
  divides the lr by 512 while multiplying the weight decay by 512, which gives the same weights; its momentum
  buffers are then 512 times the ones stored here);
- optimizer: Nesterov SGD, momentum 0.9, on every trainable tensor (conv filters, batchnorm scales and biases, head),
  with PyTorch's coupled weight decay 5e-4: d = g + 5e-4 w; b <- 0.9 b + d; w <- w - lr (d + 0.9 b);
- schedule: the lr is piecewise linear in the epoch, 0 at epoch 0, 0.4 at epoch 5, 0 at epoch 24; step k of a run
  of n steps per epoch has the lr at epoch k / n (so step 0 has lr 0 and only moves the momentum).

The fixture holds two optimizer steps from the same forward and backward: step 0 (empty momentum) and step 30 of a
run of 10 steps per epoch (lr 0.4 * 3 / 5 = 0.24, in the warm-up), from given non-zero momentum buffers, which are
stored too. Momentum buffers are named "sgd." + the tensor's name, as in golden_step.py.

Weights start as PyTorch initializes them (conv and linear uniform in +-1/sqrt(fan in), batchnorm scale 1, bias 0,
running mean 0, running variance 1), which is also how the recipe starts them. The recipe computes in float16
(batchnorm in float32); this reference is float32 throughout.

The repository's versions differ in the optimizer. This follows dawn.py as first published (with utils.py's
Nesterov, which is PyTorch's formulation and reads step k's lr at epoch k / n). The later torch_backend.py's
nesterov_update keeps the lr inside the buffer (v <- 0.9 v - lr d; w <- w - lr d + 0.9 v), which differs whenever
the lr changes from step to step, as it does all through this schedule, and its opt_step reads step k's lr at epoch
(k + 1) / n, so its first step already moves the weights.
"""

import json
import math
import struct
import sys
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F

# The published recipe.
PEAK_LR = 0.4
LR_KNOTS = (0, 5, 24)  # epochs
LR_VALUES = (0.0, PEAK_LR, 0.0)
EPOCHS = LR_KNOTS[-1]
MOMENTUM = 0.9
WEIGHT_DECAY = 5e-4  # per mean-loss step; the recipe writes it as 5e-4 * batch size with a summed loss
LOGIT_SCALE = 0.125
BATCHNORM_EPS = 1e-5
BATCHNORM_MOMENTUM = 0.1  # weight of the new batch statistic
PUBLISHED_WIDTHS = (64, 128, 256, 512)
PUBLISHED_BATCH = 512

# The small instance.
WIDTHS = (8, 16, 16, 32)
BATCH = 16
IMAGE_SIZE = 32
CHANNELS = 3
CLASSES = 10
STEPS_PER_EPOCH = 10
STEPS = (0, 30)
SEED = 64  # of seeds 0 to 79, the one whose data pass check_well_conditioned by the widest factor (3.13)
MARGIN_OVER_ROUNDING = 3

HEAD_WEIGHT = "head.weight"
NORM_PARTS = ("weight", "bias", "running_mean", "running_var")


def blocks():
    """(conv name, norm prefix, in width, out width) in forward order, layer by layer."""
    w0, w1, w2, w3 = WIDTHS
    return {
        "prep": [("prep.conv.weight", "prep.norm", CHANNELS, w0)],
        "layer1": [("layer1.conv.weight", "layer1.norm", w0, w1)],
        "layer1.residual": [("layer1.residual.conv1.weight", "layer1.residual.norm1", w1, w1),
                            ("layer1.residual.conv2.weight", "layer1.residual.norm2", w1, w1)],
        "layer2": [("layer2.conv.weight", "layer2.norm", w1, w2)],
        "layer3": [("layer3.conv.weight", "layer3.norm", w2, w3)],
        "layer3.residual": [("layer3.residual.conv1.weight", "layer3.residual.norm1", w3, w3),
                            ("layer3.residual.conv2.weight", "layer3.residual.norm2", w3, w3)],
    }


def all_blocks():
    return [b for group in blocks().values() for b in group]


def filter_names():
    return [conv for conv, _, _, _ in all_blocks()]


def norm_names(*parts):
    return [f"{norm}.{p}" for _, norm, _, _ in all_blocks() for p in parts]


TRAINABLE = filter_names() + norm_names("weight", "bias") + [HEAD_WEIGHT]
RUNNING = norm_names("running_mean", "running_var")


def initial_values(generator):
    """PyTorch's default initialization, which the recipe keeps (it only sets the batchnorm scale to 1 and the bias
    to 0, which PyTorch now does by default too)."""
    def uniform(shape, fan_in):
        bound = 1 / math.sqrt(fan_in)  # kaiming_uniform_(a=sqrt(5)) as Conv2d and Linear use it
        return (torch.rand(shape, generator=generator) * 2 - 1) * bound

    values = {}
    for conv, norm, width_in, width in all_blocks():
        values[conv] = uniform((width, width_in, 3, 3), width_in * 9)
        values[norm + ".weight"] = torch.ones(width)
        values[norm + ".bias"] = torch.zeros(width)
        values[norm + ".running_mean"] = torch.zeros(width)
        values[norm + ".running_var"] = torch.ones(width)
    values[HEAD_WEIGHT] = uniform((CLASSES, WIDTHS[-1]), WIDTHS[-1])
    return values


def batch_norm(x, weight, bias, running_mean, running_var):
    """Training-mode batchnorm; returns the output and the new running statistics."""
    n = x.shape[0] * x.shape[2] * x.shape[3]
    mean = x.mean(dim=(0, 2, 3))
    variance = ((x - mean.view(1, -1, 1, 1)) ** 2).mean(dim=(0, 2, 3))
    y = (x - mean.view(1, -1, 1, 1)) / torch.sqrt(variance.view(1, -1, 1, 1) + BATCHNORM_EPS)
    y = y * weight.view(1, -1, 1, 1) + bias.view(1, -1, 1, 1)
    with torch.no_grad():
        new_mean = (1 - BATCHNORM_MOMENTUM) * running_mean + BATCHNORM_MOMENTUM * mean
        new_var = (1 - BATCHNORM_MOMENTUM) * running_var + BATCHNORM_MOMENTUM * variance * n / (n - 1)
    # PyTorch's own batchnorm (the recipe's BatchNorm2d with its defaults) must agree.
    check_mean, check_var = running_mean.detach().clone(), running_var.detach().clone()
    check = F.batch_norm(x, check_mean, check_var, weight, bias, training=True, momentum=BATCHNORM_MOMENTUM,
                         eps=BATCHNORM_EPS)
    assert torch.allclose(check, y, atol=1e-4), "batchnorm output disagrees with F.batch_norm"
    assert torch.allclose(check_mean, new_mean) and torch.allclose(check_var, new_var), "running statistics"
    return y, new_mean, new_var


def forward(p, images, probes=None):
    """Logits and the running statistics after this training-mode forward. If probes is a dict, the inputs of every
    ReLU and max pool are put into it, for check_well_conditioned."""
    running = {}
    probes = {} if probes is None else probes

    def conv_bn_relu(x, block):
        conv, norm, _, _ = block
        x = F.conv2d(x, p[conv], padding=1)
        x, running[norm + ".running_mean"], running[norm + ".running_var"] = batch_norm(
            x, p[norm + ".weight"], p[norm + ".bias"], p[norm + ".running_mean"], p[norm + ".running_var"])
        probes["relu " + norm] = x.detach()
        return F.relu(x)

    def max_pool(x, kernel, name):
        probes["pool " + name] = (x.detach(), kernel)
        return F.max_pool2d(x, kernel)

    b = blocks()
    x = conv_bn_relu(images, b["prep"][0])
    for layer in ("layer1", "layer2", "layer3"):
        x = max_pool(conv_bn_relu(x, b[layer][0]), 2, layer)
        if layer + ".residual" in b:
            first, second = b[layer + ".residual"]
            x = x + conv_bn_relu(conv_bn_relu(x, first), second)
    assert x.shape[2:] == (4, 4), "the recipe's MaxPool2d(4) is a global pool only on 32x32 inputs"
    x = max_pool(x, x.shape[-1], "head")  # one winner per channel, as MaxPool2d routes the gradient
    x = x.reshape(len(x), -1)
    return (x @ p[HEAD_WEIGHT].T) * LOGIT_SCALE, running


def cross_entropy_mean(logits, labels):
    loss = -F.log_softmax(logits, dim=1).gather(1, labels.view(-1, 1)).squeeze(1).mean()
    check = F.cross_entropy(logits, labels)
    assert torch.allclose(check, loss, rtol=1e-6), "loss disagrees with F.cross_entropy"
    return loss


def learning_rate(step):
    """The recipe's PiecewiseLinear schedule, read at epoch step / steps per epoch."""
    return float(np.interp(step / STEPS_PER_EPOCH, LR_KNOTS, LR_VALUES))


def optimizer_step(weights, grads, momentum, step):
    """One Nesterov SGD step; returns the new weights and momentum buffers (inputs are left untouched)."""
    weights = {k: v.clone() for k, v in weights.items()}
    momentum = {k: v.clone() for k, v in momentum.items()}
    lr = learning_rate(step)
    for name in TRAINABLE:
        d = grads[name] + WEIGHT_DECAY * weights[name]
        buffer = MOMENTUM * momentum["sgd." + name] + d
        momentum["sgd." + name] = buffer
        weights[name] = weights[name] - lr * (d + MOMENTUM * buffer)
    return weights, momentum


def check_sgd_against_torch(weights, grads, momentum, step, mine, mine_momentum):
    """The hand-written step against torch.optim.SGD set up as the recipe's Nesterov optimizer."""
    params = {n: torch.nn.Parameter(weights[n].clone()) for n in TRAINABLE}
    sgd = torch.optim.SGD(list(params.values()), lr=learning_rate(step), momentum=MOMENTUM,
                          weight_decay=WEIGHT_DECAY, nesterov=True)
    for name, p in params.items():
        p.grad = grads[name].clone()
        if step > 0:
            sgd.state[p]["momentum_buffer"] = momentum["sgd." + name].clone()
    sgd.step()
    for name, p in params.items():
        assert torch.allclose(p.detach(), mine[name], atol=1e-7, rtol=1e-6), f"SGD disagrees on {name}"
        assert torch.allclose(sgd.state[p]["momentum_buffer"], mine_momentum["sgd." + name], atol=1e-7,
                              rtol=1e-6), f"SGD momentum disagrees on {name}"


def check_summed_loss_equivalence(weights, grads, momentum, step, mine, mine_momentum):
    """The recipe's own scaling (loss summed over the batch, lr / batch, weight decay * batch) must give the same
    weights, with momentum buffers batch times larger."""
    lr = learning_rate(step) / BATCH
    decay = WEIGHT_DECAY * BATCH
    for name in TRAINABLE:
        d = BATCH * grads[name] + decay * weights[name]
        buffer = MOMENTUM * BATCH * momentum["sgd." + name] + d
        after = weights[name] - lr * (d + MOMENTUM * buffer)
        assert torch.allclose(after, mine[name], atol=1e-7, rtol=1e-5), f"summed-loss step differs on {name}"
        assert torch.allclose(buffer / BATCH, mine_momentum["sgd." + name], atol=1e-7, rtol=1e-5), name


def forward_backward(initial, images, labels, dtype, probes=None):
    """Loss, logits, running statistics after the forward, and the gradients of the trainable tensors."""
    params = {k: v.to(dtype).clone().requires_grad_(k in TRAINABLE) for k, v in initial.items()}
    logits, running = forward(params, images.to(dtype), probes)
    loss = cross_entropy_mean(logits, labels)
    loss.backward()
    grads = {n: params[n].grad.float() for n in TRAINABLE}
    return loss.item(), logits.detach().float(), {k: v.float() for k, v in running.items()}, grads


def pool_margin(x, kernel):
    """The smallest gap between the two largest inputs of a max-pool window, over windows whose largest input is
    positive (a window of ReLU zeros passes no gradient whichever input wins)."""
    n, c, h, w = x.shape
    windows = x.reshape(n, c, h // kernel, kernel, w // kernel, kernel).permute(0, 1, 2, 4, 3, 5)
    top = windows.reshape(n, c, h // kernel, w // kernel, -1).topk(2, dim=-1).values
    live = top[..., 0] > 0
    return (top[..., 0] - top[..., 1])[live].min().item()


def check_well_conditioned(initial, images, labels, loss, grads):
    """The fp32 results must sit close to float64 ones, and so must any other correct fp32 implementation's.
    ReLU and max pool route the gradient by comparisons: a ReLU input within rounding of 0, or a max-pool window
    whose two largest inputs nearly tie, would route it by rounding alone, and then two correct fp32
    implementations could disagree by far more than rounding (one misrouted element of a 16 x 32 x 32 map moves a
    filter gradient by about 1/128; a near tie in a max pool was seen to move gradients by 5e-4). So every such
    margin (the smallest |input| of a ReLU, the smallest top-two gap of a max pool) must be at least
    MARGIN_OVER_ROUNDING times the largest fp32 rounding error anywhere in that input (fp32 against float64), or
    the data must be replaced (change SEED). Rounding grows with depth to a few 1e-6 here, so few seeds pass."""
    probes32, probes64 = {}, {}
    forward_backward(initial, images, labels, torch.float32, probes32)
    exact_loss, _, _, exact = forward_backward(initial, images, labels, torch.float64, probes64)
    for site, value in probes64.items():
        x64, kernel = value if isinstance(value, tuple) else (value, None)
        x32 = probes32[site][0] if kernel else probes32[site]
        rounding = (x32.double() - x64).abs().max().item()
        margin = x64.abs().min().item() if kernel is None else pool_margin(x64, kernel)
        assert margin > MARGIN_OVER_ROUNDING * rounding, \
            f"{site}: margin {margin:.1e} against rounding {rounding:.1e}; change SEED"
    assert abs(loss - exact_loss) < 1e-5 * abs(exact_loss), "loss far from its float64 value"
    for name, g in grads.items():
        scale = exact[name].abs().max()
        assert scale > 0, f"{name} has no gradient at all"
        gap = ((g - exact[name]).abs().max() / scale).item()
        assert gap < 2e-5, f"gradient of {name} is {gap:.1e} from its float64 value; change SEED"


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


def read_safetensors(path):
    raw = Path(path).read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    header = json.loads(raw[8:8 + length])
    body = raw[8 + length:]
    tensors = {}
    for name, entry in header.items():
        assert entry["dtype"] == "F32", name
        start, end = entry["data_offsets"]
        tensors[name] = torch.from_numpy(np.frombuffer(body[start:end], dtype="<f4").copy()).view(entry["shape"])
    assert max(e["data_offsets"][1] for e in header.values()) == len(body), "trailing or missing bytes"
    return tensors


def main(out_dir):
    torch.set_default_dtype(torch.float32)
    generator = torch.Generator().manual_seed(SEED)
    images = torch.randn((BATCH, CHANNELS, IMAGE_SIZE, IMAGE_SIZE), generator=generator)  # normalized images
    labels = torch.randint(0, CLASSES, (BATCH,), generator=generator)
    initial = initial_values(generator)

    loss, logits, running, grads = forward_backward(initial, images, labels, torch.float32)
    check_well_conditioned(initial, images, labels, loss, grads)
    weights = {n: initial[n] for n in TRAINABLE}
    # Buffers of about the size a run's would have: a few times the size of this step's d = g + decay * w.
    momentum_before = {}
    for n in TRAINABLE:
        d = grads[n] + WEIGHT_DECAY * weights[n]
        rms = d.pow(2).mean().sqrt().item()
        momentum_before["sgd." + n] = torch.randn(d.shape, generator=generator) * 3 * rms
    zero_momentum = {k: torch.zeros_like(v) for k, v in momentum_before.items()}

    tensors = {"images": images, "labels": labels.float()}
    tensors.update({"initial/" + k: v for k, v in initial.items()})
    tensors.update({"momentum_before/" + k: v for k, v in momentum_before.items()})
    tensors["logits"] = logits
    tensors.update({"grad/" + k: v for k, v in grads.items()})
    tensors.update({"running_after/" + k: v for k, v in running.items()})
    for step in STEPS:
        before = momentum_before if step > 0 else zero_momentum
        after, momentum_after = optimizer_step(weights, grads, before, step)
        check_sgd_against_torch(weights, grads, before, step, after, momentum_after)
        check_summed_loss_equivalence(weights, grads, before, step, after, momentum_after)
        if learning_rate(step) == 0:
            # Not stored: the weights after a step at lr 0 are the initial ones, exactly (and the file stays small).
            assert all(torch.equal(after[n], weights[n]) for n in TRAINABLE), "an lr of 0 moved a weight"
        else:
            tensors.update({f"step_{step}/weights/{k}": v for k, v in after.items()})
        tensors.update({f"step_{step}/momentum/{k}": v for k, v in momentum_after.items()})

    sidecar = {
        "description": "One training step of a small Myrtle.ai DAWNBench ResNet-9; see golden_step_resnet9.py",
        "torch_version": torch.__version__,
        "architecture": {"widths": list(WIDTHS), "image_size": IMAGE_SIZE, "input_channels": CHANNELS,
                         "classes": CLASSES, "residual_layers": ["layer1", "layer3"], "pool": 2,
                         "final_pool": "global max", "logit_scale": LOGIT_SCALE, "batchnorm_eps": BATCHNORM_EPS,
                         "batchnorm_momentum": BATCHNORM_MOMENTUM, "published_widths": list(PUBLISHED_WIDTHS)},
        "recipe": {"peak_lr": PEAK_LR, "lr_knots_epochs": list(LR_KNOTS), "lr_values": list(LR_VALUES),
                   "epochs": EPOCHS, "momentum": MOMENTUM, "nesterov": True, "weight_decay": WEIGHT_DECAY,
                   "loss": "cross entropy", "loss_reduction": "mean", "label_smoothing": 0.0,
                   "published_batch_size": PUBLISHED_BATCH},
        "batch_size": BATCH,
        "steps_per_epoch": STEPS_PER_EPOCH,
        "steps": list(STEPS),
        "lr": {str(step): learning_rate(step) for step in STEPS},
        "seed": SEED,
        "loss": loss,
    }
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / "golden-step-resnet9.safetensors"
    write_safetensors(path, tensors)
    (out / "golden-step-resnet9.json").write_text(json.dumps(sidecar, indent=2) + "\n")

    back = read_safetensors(path)
    assert back.keys() == tensors.keys(), "tensor names read back differ"
    for name, t in tensors.items():
        assert torch.equal(back[name], t.float()), f"{name} read back differs"
    print(f"loss {loss:.6f}; lr {sidecar['lr']}; wrote {len(tensors)} tensors to {out} and read them back")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit("usage: golden_step_resnet9.py OUTPUT_FOLDER")
    main(sys.argv[1])
