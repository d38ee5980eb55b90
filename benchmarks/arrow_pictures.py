"""The push arrows' two lessons as pictures, with the numbers behind them, on the ring of 8 Gaussians:

1. the vanishing gradient: a fresh ring-js run whose D alone trains for 300 steps. Under the original minimax loss
   (arrows-minimax.png) D is sure the points are fake, the loss is flat there and the arrows shrink to almost
   nothing; the same D under the non-saturating loss (arrows-nonsaturating.png) still pushes them hard;
2. Wasserstein-GP: a ring-js run trained until its points sit on a few blobs, then switched to Wasserstein-GP and
   its critic trained for 300 steps (arrows-wgan-gp.png): the arrows point from the crowded blobs towards the
   uncovered ones.

Prints each picture's median and 90th-percentile push (the length of -grad_x of G's loss).

    python benchmarks/arrow_pictures.py                         # writes into a temporary folder
    python benchmarks/arrow_pictures.py --out docs/screenshots  # the docs' pictures
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ganplayground.presets import get_preset  # noqa: E402
from ganplayground.train import toy_views  # noqa: E402
from ganplayground.train.data import get_dataset  # noqa: E402
from ganplayground.train.images import save_png, toy_plot  # noqa: E402
from ganplayground.train.trainer import Trainer  # noqa: E402


def picture(trainer: Trainer, path: Path, loss: str | None = None) -> np.ndarray:
    """The toy plot with the arrows, as the page draws it (of `loss`: by default the run's); returns the arrows
    (N, 2, 2)."""
    z = trainer.fixed_noise[: toy_views.ARROW_POINTS]
    arrows = (toy_views.push_arrows(trainer.sampler, trainer.discriminator, loss, z) if loss
              else trainer.push_arrows())
    surface = trainer.decision_surface()
    real, _ = get_dataset(trainer.config.dataset).sample(500, torch.Generator().manual_seed(0))
    image = toy_plot(surface["surface"], surface["extent"], real.numpy(), trainer.sample_fixed().numpy(),
                     arrows=arrows)
    save_png(image, path)
    return arrows


def pushes(arrows: np.ndarray) -> str:
    length = np.linalg.norm(arrows[:, 1], axis=1)
    return f"median push {np.median(length):.3g}, 90th percentile {np.percentile(length, 90):.3g}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=None, help="folder for the PNGs (default: a temporary one)")
    parser.add_argument("--hopping-steps", type=int, default=2000, help="ring-js steps before the switch")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp())
    out.mkdir(parents=True, exist_ok=True)
    config = get_preset("ring-js").config.replace(threads=1, device="cpu", seed=0)

    fresh = Trainer(config.with_loss("js-minimax"))
    for _ in range(300):  # a strong D: it alone trains, on G's first points
        fresh.d_step()
    print(f"fresh ring, 300 D steps, minimax loss: {pushes(picture(fresh, out / 'arrows-minimax.png'))}")
    # The same networks under the non-saturating loss: only the arrows' maths changes.
    print(f"the same D, non-saturating loss: {pushes(picture(fresh, out / 'arrows-nonsaturating.png', 'js'))}")

    hopping = Trainer(config)
    for _ in range(args.hopping_steps):
        hopping.step()
    print(f"ring-js after {args.hopping_steps} steps: {pushes(hopping.push_arrows())}")
    hopping.switch_loss("wgan-gp")
    for _ in range(300):
        hopping.d_step()  # the critic learns where the points are missing; G has not moved yet
    print(f"switched to Wasserstein-GP, 300 critic steps: {pushes(picture(hopping, out / 'arrows-wgan-gp.png'))}")
    print(f"pictures in {out}")


if __name__ == "__main__":
    main()
