"""What the legibility figure (per-class FID) of a collapsed model is made of: the quality of each sample, or
the variety of the samples? Prints one table, for the digit a model draws most:

    python benchmarks/legibility.py                           # the shipped collapsed-js model
    python benchmarks/legibility.py --model runs/mine --samples 3000

Rows: real digits of that class (full variety), the same real digits narrowed to the 75% and the 50%
nearest their mean (real, but less varied), and the model's samples filed under that digit. Columns:
legibility (Fréchet distance to the real test digits of that class, in the classifier's features and stroke
statistics, as the meter computes it), precision (share of samples inside the real digits' k-NN balls:
how real each one looks), recall (share of real digits inside the samples' balls: how much of the real
variety they cover; Kynkaanniemi et al. 2019, k = 3) and the median distance from a sample to its 3rd
nearest real digit (real digits to each other: the same figure for a held-out set).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ganplayground.export.checkpoints import load_model  # noqa: E402
from ganplayground.measure import distances, legibility  # noqa: E402
from ganplayground.measure.classifier import load_classifier, predict_with_strokes  # noqa: E402
from ganplayground.train.data import load_mnist  # noqa: E402


def _space(images: np.ndarray | torch.Tensor, digit: int) -> torch.Tensor:
    """The legibility space (N', 192) of the images the classifier files under `digit`."""
    model, _ = load_classifier()
    probs, feats, strokes = predict_with_strokes(model, images)
    space = legibility.legibility_space(feats, strokes)
    return space[probs.argmax(1) == digit]


def _row(name: str, space: torch.Tensor, reference: torch.Tensor, digit: int) -> str:
    mean, cov = distances.gaussian_fit(space)
    figure = distances.frechet_distance(mean, cov, *legibility.class_statistics()["classes"][digit])
    precision, recall = distances.precision_recall(reference, space)
    nearest = torch.cdist(space.double(), reference.double()).topk(distances.PR_NEIGHBOURS, largest=False).values
    return (f"| {name} | {len(space):,} | {figure:.1f} | {precision:.2f} | {recall:.2f} "
            f"| {nearest[:, -1].median():.2f} |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", default=str(Path(__file__).resolve().parent.parent / "pretrained" / "collapsed-js"))
    parser.add_argument("--samples", type=int, default=3000, help="samples per set (default 3000)")
    args = parser.parse_args()
    n = args.samples

    saved = load_model(args.model)
    z = torch.randn(n, saved.config.latent_dim, generator=torch.Generator().manual_seed(12345))
    with torch.no_grad():
        fake = saved.generator.eval()(z)
    model, _ = load_classifier()
    digit = int(predict_with_strokes(model, fake)[0].argmax(1).bincount(minlength=10).argmax())

    images, labels = load_mnist("train")
    pool = images[np.random.default_rng(0).permutation(np.flatnonzero(labels == digit))]
    reference = _space(pool[: n // 2], digit)[:distances.PR_MAX_SAMPLES]  # precision/recall's real side
    held_out = _space(pool[n // 2:], digit)  # the rest of the class's training digits
    mean = legibility.class_statistics()["classes"][digit][0].float()
    by_distance = held_out[(held_out - mean).norm(dim=1).argsort()]
    shuffle = torch.Generator().manual_seed(0)

    print(f"model {args.model}: {n:,} samples, most drawn digit {digit}; reference: {len(reference):,} real {digit}s\n")
    print("| set | filed under the digit | legibility | precision | recall | median distance to 3rd nearest real |")
    print("|---|---|---|---|---|---|")
    for share in (1.0, 0.75, 0.5):
        kept = by_distance[: int(share * len(by_distance))]
        kept = kept[torch.randperm(len(kept), generator=shuffle)[:n]]
        label = f"real {digit}s" if share == 1.0 else f"real {digit}s, the {share:.0%} nearest their mean"
        print(_row(label, kept, reference, digit))
    print(_row(f"generated, filed under {digit}", _space(fake, digit), reference, digit))


if __name__ == "__main__":
    main()
