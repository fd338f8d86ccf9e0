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

--net research is the bigger network and the five arms of the public
research code itself (mnist.py of github.com/nmilosev/negative-learning, the
version that wrote its mnist.txt), the PyTorch side of
docs/results/research-code/ (examples/research-code.mfx is the mfx side):
conv 1->20 5x5, ReLU, max-pool 2, conv 20->50 5x5, ReLU, max-pool 2,
flatten 800, [1 - x], fc 800->500, ReLU, fc 500->10, no dropout, arms
normal, negative_relu, hybrid, hybrid_nr, hybrid_alt.

Run:  /usr/bin/python3 bench/torch_reference.py --data DIR [--net reference|research]
      [--epochs 10] [--arms LIST] [--seed S] [--threads N]
      [--train-subset N] [--test-subset N] [--json out.json]
DIR holds the four MNIST IDX files (train-images-idx3-ubyte, ...), plain
or with a .gz suffix.
"""
import argparse
import copy
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
RESEARCH_ARMS = ("normal", "negative_relu", "hybrid", "hybrid_nr", "hybrid_alt")
NETS = {"reference": ARMS, "research": RESEARCH_ARMS}
# The arm every other arm's Delta is taken against, per net.
BASELINE = {"reference": "baseline", "research": "normal"}
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


class ResearchNet(nn.Module):
    """mnist.py's class Net (lines 26-45) with 10 outputs; `invert` is its 1 - x (line 42)."""

    def __init__(self):
        super().__init__()
        self.conv1 = nn.Conv2d(1, 20, 5, 1)
        self.conv2 = nn.Conv2d(20, 50, 5, 1)
        self.fc1 = nn.Linear(800, 500)
        self.fc2 = nn.Linear(500, 10)
        self.invert = False

    def forward(self, x):
        x = F.max_pool2d(F.relu(self.conv1(x)), 2, 2)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2, 2).flatten(1)
        if self.invert:
            x = 1.0 - x
        x = F.relu(self.fc1(x))
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


def reseed(seed):
    """Reseed per arm so an arm's result does not depend on which others run."""
    torch.manual_seed(seed)
    np.random.seed(seed)
    return np.random.RandomState(seed)


def arm_figures(model, seen, n_train, t0, cpu0, train_s, tests):
    acc = {name: accuracy(model, tx, ty) for name, (tx, ty) in tests.items()}
    return {"epochs_trained": seen // n_train, "images_trained": seen,
            "train_seconds": train_s, "wall_seconds": time.perf_counter() - t0,
            "cpu_seconds": time.process_time() - cpu0,
            "images_per_second": seen / train_s if train_s > 0 else None, "accuracy": acc}


def research_pretrained(args, train_x, train_y, memo):
    """`normal`'s training, which is also the hybrids' first phase, done once per run.

    Every arm reseeds, so each hybrid's pretraining would repeat normal's bit for bit (same
    init, same shuffles; no dropout draws); restoring the weights and both random states after
    it gives the numbers that recomputing gives (run an arm alone to recompute). mfx shares it
    the same way. mnist.py itself trains a separately initialised net per arm (lines 160, 179,
    196), from one unseeded-per-arm random stream.
    """
    rng = reseed(args.seed)
    model = ResearchNet()
    if memo:
        model.load_state_dict(memo["state"])
        torch.set_rng_state(memo["torch_rng"])
        rng.set_state(memo["numpy_rng"])
        return model, rng, 0
    seen = train_epochs(model, make_optimizer(model, args), train_x, train_y, args.epochs, args.batch, rng)
    memo.update(state=copy.deepcopy(model.state_dict()), torch_rng=torch.get_rng_state(),
                numpy_rng=rng.get_state())
    return model, rng, seen


def run_research_arm(arm, args, train_x, train_y, tests, memo):
    """One arm of mnist.py (lines 152-216), `args.epochs` per phase (10 there)."""
    t0, cpu0 = time.perf_counter(), time.process_time()
    if arm == "negative_relu":  # lines 155-156: from scratch on 1 - x
        rng = reseed(args.seed)
        model = ResearchNet()
        model.invert = True
        seen = train_epochs(model, make_optimizer(model, args), train_x, train_y,
                            args.epochs, args.batch, rng)
    else:
        model, rng, seen = research_pretrained(args, train_x, train_y, memo)
    if arm.startswith("hybrid"):
        model.invert = True  # lines 164, 182, 199
        if arm != "hybrid_nr":  # lines 166-167, 201-202: fc1 and fc2 re-created
            model.fc1 = nn.Linear(800, 500)
            model.fc2 = nn.Linear(500, 10)
        # Lines 169-170: conv weights frozen, their biases keep training.
        model.conv1.weight.requires_grad_(False)
        model.conv2.weight.requires_grad_(False)
        opt = make_optimizer(model, args)  # a new optimiser, as lines 172, 189, 208
        if arm == "hybrid_alt":
            # Lines 210-216: odd epochs of the phase on the model's own features, even ones on
            # 1 - x; the test uses what the last epoch used (1 - x for an even count).
            for epoch in range(1, args.epochs + 1):
                model.invert = epoch % 2 == 0
                seen += train_epochs(model, opt, train_x, train_y, 1, args.batch, rng)
        else:
            seen += train_epochs(model, opt, train_x, train_y, args.epochs, args.batch, rng)
    fig = arm_figures(model, seen, len(train_x), t0, cpu0, time.perf_counter() - t0, tests)
    fig["pretraining_shared"] = arm.startswith("hybrid") and seen // len(train_x) == args.epochs
    return fig


def run_arm(arm, args, train_x, train_y, tests):
    rng = reseed(args.seed)
    model = Net()
    if arm == "inverted":
        model.mode = "invert"
    t0, cpu0 = time.perf_counter(), time.process_time()
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
    return arm_figures(model, seen, len(train_x), t0, cpu0, time.perf_counter() - t0, tests)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--data", required=True, help="folder with the MNIST IDX files")
    ap.add_argument("--net", choices=tuple(NETS), default="reference",
                    help="reference: the talk's net and arms (default); research: mnist.py's net and arms")
    ap.add_argument("--epochs", type=int, default=10, help="epochs per phase (default 10)")
    ap.add_argument("--arms", help="comma list; reference: " + ", ".join(ARMS) +
                    "; research: " + ", ".join(RESEARCH_ARMS) + " (default: all of the net's)")
    ap.add_argument("--lr", type=float, default=0.01)
    ap.add_argument("--momentum", type=float, default=0.5)
    ap.add_argument("--batch", type=int, default=64, help="training batch size")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    ap.add_argument("--train-subset", type=int, default=0, help="use only the first N training images")
    ap.add_argument("--test-subset", type=int, default=0, help="use only the first N test images")
    ap.add_argument("--json", help="also write all figures to this JSON file (rewritten after each arm)")
    args = ap.parse_args()
    known = NETS[args.net]
    arms = list(dict.fromkeys(a.strip() for a in (args.arms or ",".join(known)).split(",") if a.strip()))
    bad = [a for a in arms if a not in known]
    if bad or not arms:
        ap.error(f"unknown arm(s) {bad} for --net {args.net}; choose from {', '.join(known)}")
    if args.epochs < 1:
        ap.error("--epochs must be at least 1")

    torch.set_num_threads(args.threads)
    t_start, cpu_start, load_start = time.perf_counter(), time.process_time(), os.getloadavg()[0]
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
    load_s = time.perf_counter() - t_start
    print(f"torch {torch.__version__}, {args.threads} thread(s), --net {args.net}, seed {args.seed}; "
          f"data loaded in {load_s:.1f}s ({len(train_x)} train, {len(test_y)} test)", flush=True)

    results = {}
    memo = {}  # research: normal's training, shared with the hybrids (research_pretrained)
    base = BASELINE[args.net]

    def write_json(complete):
        if not args.json:
            return
        out = {"config": {k: getattr(args, k) for k in
                          ("net", "epochs", "lr", "momentum", "batch", "seed", "threads",
                           "train_subset", "test_subset")},
               "torch_version": torch.__version__, "arms": arms, "complete": complete,
               "data_seconds": load_s, "total_wall_seconds": time.perf_counter() - t_start,
               "total_cpu_seconds": time.process_time() - cpu_start,
               "loadavg_start": load_start, "loadavg_end": os.getloadavg()[0], "results": results}
        with open(args.json + ".tmp", "w") as fh:
            json.dump(out, fh, indent=2)
        os.replace(args.json + ".tmp", args.json)

    for arm in arms:
        if args.net == "research":
            res = run_research_arm(arm, args, train_x, train_y, tests, memo)
        else:
            res = run_arm(arm, args, train_x, train_y, tests)
        results[arm] = res
        ips = res["images_per_second"]
        print(f"{arm:>13}: {res['epochs_trained']:2d} epochs, {ips or 0:8.0f} img/s "
              f"training, train {res['train_seconds']:.1f}s, wall {res['wall_seconds']:.1f}s, "
              f"CPU {res['cpu_seconds']:.1f}s, unmodified {res['accuracy']['unmodified']:.2f}%", flush=True)
        write_json(False)

    others = [a for a in arms if a != base] if base in results else []
    for arm in others:
        results[arm]["delta_vs_baseline"] = {
            k: v - results[base]["accuracy"][k] for k, v in results[arm]["accuracy"].items()}

    cols = [f"{a}" for a in arms] + [f"d:{a}" for a in others]
    width = max(13, *(len(c) + 1 for c in cols))
    print(f"\naccuracy (%) per test set" + (f", d: = points vs {base}" if others else ""))
    print(f"{'dataset':<11}" + "".join(f"{c:>{width}}" for c in cols))
    for ds in tests:
        row = [f"{results[a]['accuracy'][ds]:.2f}" for a in arms]
        row += [f"{results[a]['delta_vs_baseline'][ds]:+.2f}" for a in others]
        print(f"{ds:<11}" + "".join(f"{v:>{width}}" for v in row))
    print(f"total wall {time.perf_counter() - t_start:.1f}s, CPU {time.process_time() - cpu_start:.1f}s")

    write_json(True)
    if args.json:
        print(f"\nwrote {args.json}")


if __name__ == "__main__":
    main()
