"""How long finding a drawing in the generator takes, and how close it gets: 100 real test digits used as
drawings, each searched for in a model (measure/inversion.py's defaults: 300 Adam steps, 8 starts as one batch).

    python benchmarks/inversion.py                     # the shipped default model, 2 CPU threads
    python benchmarks/inversion.py --model pretrained/wgan-gp --n 20 --threads 1

Prints p50/p95 seconds per search, and the median reconstruction error (mean squared, pixels in [-1, 1]) of the
match against a random noise vector's; then the nearest-digit index: its build (or cached load) time and p50/p95
of one query (the 5 nearest training digits in pixels and features, with the verdict's percentile).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ganplayground.export.checkpoints import load_model  # noqa: E402
from ganplayground.measure.inversion import invert  # noqa: E402
from ganplayground.measure.nearest import nearest, nearest_index  # noqa: E402
from ganplayground.train.data import load_mnist  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", type=Path, default=ROOT / "pretrained" / "default")
    parser.add_argument("--n", type=int, default=100)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    generator = load_model(args.model).generator.eval()
    images, _ = load_mnist("test")
    targets = images[np.random.default_rng(0).choice(len(images), args.n, replace=False)] / 127.5 - 1.0
    invert(generator, targets[0], steps=10)  # warm-up
    seconds, errors, random_errors = [], [], []
    for target in targets:
        found = invert(generator, target)
        seconds.append(found.seconds)
        errors.append(found.error)
        random_errors.append(found.random_error)
    p50, p95 = np.percentile(seconds, [50, 95])
    print(f"inversion of {args.n} test digits with {args.model.name} ({args.threads} threads): "
          f"p50 {p50:.2f} s, p95 {p95:.2f} s; error median {np.median(errors):.4f} "
          f"(p95 {np.percentile(errors, 95):.4f}), a random z's median {np.median(random_errors):.4f}")

    start = time.perf_counter()
    nearest_index()
    built = time.perf_counter() - start
    queries = torch.from_numpy(targets[:100]).float().unsqueeze(1)  # (n, 1, 28, 28)
    times = []
    for q in queries:
        start = time.perf_counter()
        nearest(q[None])
        times.append(time.perf_counter() - start)
    q50, q95 = np.percentile(times, [50, 95])
    print(f"nearest-digit index: ready in {built:.1f} s; one query {1000 * q50:.0f} ms p50, {1000 * q95:.0f} ms p95")


if __name__ == "__main__":
    main()
