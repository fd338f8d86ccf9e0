#!/usr/bin/env python3
"""PyTorch side-by-side anchor for the "missing features" MNIST experiment.

mfx's comparator: `npm run bench` runs it (through bench/torch_phases.py, which
times its phases) next to the equal .mfx experiment (bench/torch-arms.mfx) on
the same images. It keeps the research code's setup: the same network, arms,
optimiser, batch, normalisation and occluded test sets. Needs PyTorch and
NumPy for /usr/bin/python3 (Debian/Ubuntu: apt-get install -y python3-torch).

Reproduces, on CPU, the comparison from the EuroPython 2019 talk
"Classification Based on Missing Features in Deep Convolutional Neural
Networks": a small LeNet-style CNN trained normally (baseline), with the
flattened conv features inverted as f(x) = 1 - x (inverted), or trained
normally and then re-headed on inverted frozen features (hybrid,
hybrid-relu6), evaluated on the MNIST test set with parts of each digit
blanked out.  Its numbers are a reference for the TypeScript/TensorFlow.js
port; throughput is reported so the two runtimes can be compared too.

Run:  /usr/bin/python3 bench/torch_reference.py --data DIR [--epochs 10]
      [--arms baseline,inverted,hybrid,hybrid-relu6] [--threads N]
      [--train-subset N] [--test-subset N] [--json out.json]
DIR holds the four MNIST IDX files (train-images-idx3-ubyte, ...), plain
or with a .gz suffix.
"""
import argparse
import gzip
import json
import os
import struct
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

ARMS = ("baseline", "inverted", "hybrid", "hybrid-relu6")
MEAN, STD = 0.1307, 0.3081


def read_idx(folder, name, magic, tail_dims):
    """Read one IDX file (uint8 payload) and check its header."""
    path = os.path.join(folder, name)
    if not os.path.exists(path) and os.path.exists(path + ".gz"):
        path += ".gz"
    if not os.path.exists(path):
        sys.exit(f"error: {name} (or {name}.gz) not found in {folder}")
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as fh:
        raw = fh.read()
    ndim = 1 + len(tail_dims)
    if len(raw) < 4 + 4 * ndim:
        sys.exit(f"error: {path} is too short to be an IDX file")
    got = struct.unpack(">I", raw[:4])[0]
    if got != magic:
        sys.exit(f"error: {path} has magic {got}, expected {magic}")
    dims = struct.unpack(f">{ndim}I", raw[4:4 + 4 * ndim])
    if tuple(dims[1:]) != tail_dims:
        sys.exit(f"error: {path} has dimensions {dims}, expected (N, *{tail_dims})")
    payload = raw[4 + 4 * ndim:]
    if len(payload) != int(np.prod(dims)):
        sys.exit(f"error: {path} holds {len(payload)} data bytes, header says {int(np.prod(dims))}")
    return np.frombuffer(payload, dtype=np.uint8).reshape(dims)


def load_split(folder, prefix):
    images = read_idx(folder, f"{prefix}-images-idx3-ubyte", 2051, (28, 28))
    labels = read_idx(folder, f"{prefix}-labels-idx1-ubyte", 2049, ())
    if len(images) != len(labels):
        sys.exit(f"error: {prefix}: {len(images)} images but {len(labels)} labels")
    if labels.max() > 9:
        sys.exit(f"error: {prefix}: label {labels.max()} out of range 0..9")
    return images, labels


def occlusion_masks():
    """Boolean 28x28 masks, True where the pixel is removed (set to 0)."""
    r, c = np.mgrid[0:28, 0:28]
    return {
        "unmodified": np.zeros((28, 28), dtype=bool),
        "hcut": r < 14,
        "vcut": c < 14,
        "dcut": ((r < 14) & (c > 14)) | ((r > 14) & (c < 14)),
        "tcut": ((5 < r) & (r < 15) & (5 < c) & (c < 15))
        | ((17 < r) & (r < 27) & (10 < c) & (c < 20))
        | ((7 < r) & (r < 17) & (16 < c) & (c < 26)),
    }


def to_tensor(images):
    """uint8 (N,28,28) -> normalised float32 tensor (N,1,28,28)."""
    x = images.astype(np.float32) / 255.0
    return torch.from_numpy((x - MEAN) / STD).unsqueeze(1).contiguous()


class Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 10, 5)
        self.conv2 = nn.Conv2d(10, 20, 5)
        self.conv2_drop = nn.Dropout2d(0.5)
        self.fc1 = nn.Linear(320, 50)
        self.fc2 = nn.Linear(50, 10)
        self.mode = "plain"  # plain | invert (1-x) | relu6-invert (clamp 0..6, then 6-x)

    def forward(self, x):
        x = F.relu(F.max_pool2d(self.conv1(x), 2))
        x = F.max_pool2d(self.conv2_drop(self.conv2(x)), 2)
        if self.mode == "relu6-invert":
            x = 6.0 - F.relu6(x).flatten(1)
        else:
            x = F.relu(x).flatten(1)
            if self.mode == "invert":
                x = 1.0 - x
        x = F.dropout(F.relu(self.fc1(x)), 0.5, self.training)
        return F.log_softmax(self.fc2(x), dim=1)


def make_optimizer(model, args):
    params = [p for p in model.parameters() if p.requires_grad]
    return torch.optim.SGD(params, lr=args.lr, momentum=args.momentum)


def train_epochs(model, opt, x, y, epochs, batch, rng):
    model.train()
    n = len(x)
    for _ in range(epochs):
        perm = torch.from_numpy(rng.permutation(n))
        for i in range(0, n, batch):
            idx = perm[i:i + batch]
            opt.zero_grad()
            loss = F.nll_loss(model(x[idx]), y[idx])
            loss.backward()
            opt.step()
    return epochs * n


@torch.no_grad()
def accuracy(model, x, y, batch=1000):
    model.eval()
    correct = 0
    for i in range(0, len(x), batch):
        correct += (model(x[i:i + batch]).argmax(1) == y[i:i + batch]).sum().item()
    return 100.0 * correct / len(x)


def run_arm(arm, args, train_x, train_y, tests):
    # Reseed per arm so an arm's result does not depend on which others run.
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)
    rng = np.random.RandomState(args.seed)
    model = Net()
    if arm == "inverted":
        model.mode = "invert"
    t0 = time.perf_counter()
    seen = train_epochs(model, make_optimizer(model, args), train_x, train_y,
                        args.epochs, args.batch, rng)
    if arm.startswith("hybrid"):
        for layer in (model.conv1, model.conv2):
            for p in layer.parameters():  # weights and biases
                p.requires_grad_(False)
        model.fc1.reset_parameters()
        model.fc2.reset_parameters()
        model.mode = "relu6-invert" if arm == "hybrid-relu6" else "invert"
        seen += train_epochs(model, make_optimizer(model, args), train_x, train_y,
                             args.epochs, args.batch, rng)
    train_s = time.perf_counter() - t0
    acc = {name: accuracy(model, tx, ty) for name, (tx, ty) in tests.items()}
    wall_s = time.perf_counter() - t0
    return {"epochs_trained": seen // len(train_x), "images_trained": seen,
            "train_seconds": train_s, "wall_seconds": wall_s,
            "images_per_second": seen / train_s, "accuracy": acc}


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="folder with the MNIST IDX files")
    ap.add_argument("--epochs", type=int, default=10, help="epochs per phase (default 10)")
    ap.add_argument("--arms", default=",".join(ARMS), help="comma list of " + ", ".join(ARMS))
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--momentum", type=float, default=0.5)
    ap.add_argument("--batch", type=int, default=64, help="training batch size")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--train-subset", type=int, default=0, help="use only the first N training images")
    ap.add_argument("--test-subset", type=int, default=0, help="use only the first N test images")
    ap.add_argument("--json", help="also write all figures to this JSON file")
    args = ap.parse_args()
    arms = list(dict.fromkeys(a.strip() for a in args.arms.split(",") if a.strip()))
    bad = [a for a in arms if a not in ARMS]
    if bad or not arms:
        ap.error(f"unknown arm(s) {bad}; choose from {', '.join(ARMS)}")
    if args.epochs < 1:
        ap.error("--epochs must be at least 1")

    torch.set_num_threads(args.threads)
    t_load = time.perf_counter()
    tr_img, tr_lab = load_split(args.data, "train")
    te_img, te_lab = load_split(args.data, "t10k")
    if args.train_subset > 0:
        tr_img, tr_lab = tr_img[:args.train_subset], tr_lab[:args.train_subset]
    if args.test_subset > 0:
        te_img, te_lab = te_img[:args.test_subset], te_lab[:args.test_subset]
    train_x, train_y = to_tensor(tr_img), torch.from_numpy(tr_lab.astype(np.int64))
    test_y = torch.from_numpy(te_lab.astype(np.int64))
    tests = {name: (to_tensor(np.where(mask, 0, te_img).astype(np.uint8)), test_y)
             for name, mask in occlusion_masks().items()}
    print(f"torch {torch.__version__}, {args.threads} thread(s); data loaded in "
          f"{time.perf_counter() - t_load:.1f}s ({len(train_x)} train, {len(test_y)} test)")

    results = {}
    for arm in arms:
        res = run_arm(arm, args, train_x, train_y, tests)
        results[arm] = res
        print(f"{arm:>13}: {res['epochs_trained']:2d} epochs, {res['images_per_second']:8.0f} img/s "
              f"training, train {res['train_seconds']:.1f}s, wall {res['wall_seconds']:.1f}s", flush=True)

    others = [a for a in arms if a != "baseline"] if "baseline" in results else []
    for arm in others:
        base = results["baseline"]["accuracy"]
        results[arm]["delta_vs_baseline"] = {
            k: v - base[k] for k, v in results[arm]["accuracy"].items()}

    cols = [f"{a}" for a in arms] + [f"d:{a}" for a in others]
    width = max(13, *(len(c) + 1 for c in cols))
    print("\naccuracy (%) per test set" + (", d: = points vs baseline" if others else ""))
    print(f"{'dataset':<11}" + "".join(f"{c:>{width}}" for c in cols))
    for ds in tests:
        row = [f"{results[a]['accuracy'][ds]:.2f}" for a in arms]
        row += [f"{results[a]['delta_vs_baseline'][ds]:+.2f}" for a in others]
        print(f"{ds:<11}" + "".join(f"{v:>{width}}" for v in row))

    if args.json:
        out = {"config": {k: getattr(args, k) for k in
                          ("epochs", "lr", "momentum", "batch", "seed", "threads",
                "train_subset", "test_subset")},
               "torch_version": torch.__version__, "arms": arms, "results": results}
        with open(args.json, "w") as fh:
            json.dump(out, fh, indent=2)
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
