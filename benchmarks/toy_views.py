"""What the toy views cost, and how long their arrows are: a toy preset's steps per second at the page's one thread
and its snapshot every 0.5 s, with the views off and with the warped grid and the push arrows on (goal: at most
10% slower); and the push arrows' lengths on trained runs (what toy_views.ARROW_SCALE was chosen from).

    python benchmarks/toy_views.py                       # cost: ring-js and grid-js, 20 s each way (~90 s)
    python benchmarks/toy_views.py --seconds 5 --presets ring-js
    python benchmarks/toy_views.py --gradients           # arrow lengths on ring-js, grid-js, ring-wgan-gp (~3 min)

Run it alone: on a shared machine the rates swing more than the views cost.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ganplayground.presets import get_preset  # noqa: E402
from ganplayground.train import toy_views  # noqa: E402
from ganplayground.train.trainer import Trainer  # noqa: E402

SNAPSHOT_SECONDS = 0.5  # as the page's runs (ui/server/runs.py)


def steps_per_second(preset: str, seconds: float, views: bool) -> float:
    """Steps per second of training time (snapshots included, as the page counts them) over `seconds`."""
    trainer = Trainer(get_preset(preset).config.replace(threads=1, device="cpu"))
    trainer.set_views(warp=views, arrows=views)
    for _ in trainer.run(max_seconds=seconds, every_seconds=SNAPSHOT_SECONDS):
        pass
    return trainer.step_count / trainer.elapsed


def view_milliseconds(preset: str, repeats: int = 20) -> tuple[float, float]:
    """(warped grid, push arrows) milliseconds per call on a fresh run of the preset, at one thread."""
    trainer = Trainer(get_preset(preset).config.replace(threads=1, device="cpu"))
    timings = []
    for view in (trainer.warped_grid, trainer.push_arrows):
        view()  # warm-up
        start = time.perf_counter()
        for _ in range(repeats):
            view()
        timings.append(1000 * (time.perf_counter() - start) / repeats)
    return timings[0], timings[1]


def cost(presets: list[str], seconds: float) -> None:
    torch.set_num_threads(1)
    print(f"## Toy views' cost (1 thread, a snapshot every {SNAPSHOT_SECONDS} s, {seconds:g} s each way)\n")
    print("| preset | views off, steps/s | grid + arrows on, steps/s | on / off | grid ms | arrows ms |")
    print("|---|---|---|---|---|---|")
    for preset in presets:
        off = steps_per_second(preset, seconds, views=False)
        on = steps_per_second(preset, seconds, views=True)
        grid_ms, arrows_ms = view_milliseconds(preset)
        print(f"| {preset} | {off:.0f} | {on:.0f} | {on / off:.3f} | {grid_ms:.1f} | {arrows_ms:.1f} |", flush=True)


def _push_row(trainer: Trainer, preset: str, how: str) -> str:
    push = np.linalg.norm(trainer.push_arrows()[:, 1], axis=1)
    return (f"| {preset} | {trainer.config.loss} | {how} | {np.median(push):.3g} | {np.percentile(push, 90):.3g} | "
            f"{push.max():.3g} |")


def gradients(checkpoints: tuple[int, ...] = (0, 300, 3000), d_alone: int = 300) -> None:
    """Arrow lengths along three presets' runs, and after `d_alone` D steps alone from the start (a strong D,
    as slow motion's D step makes one) under each loss on the ring-js networks."""
    torch.set_num_threads(1)
    print("## Push arrows' lengths ||-grad_x L_G|| (seed 0, 1 thread)\n")
    print("| preset | loss | after | median | 90th percentile | largest |\n|---|---|---|---|---|---|")
    for preset in ("ring-js", "grid-js", "ring-wgan-gp"):
        trainer = Trainer(get_preset(preset).config.replace(threads=1, device="cpu"))
        for target in checkpoints:
            while trainer.step_count < target:
                trainer.step()
            print(_push_row(trainer, preset, f"{target:,} steps"), flush=True)
    for loss in ("js-minimax", "js", "wgan-gp", "lsgan"):
        trainer = Trainer(get_preset("ring-js").config.with_loss(loss).replace(threads=1, device="cpu"))
        for _ in range(d_alone):
            trainer.d_step()
        print(_push_row(trainer, "ring-js", f"{d_alone} D steps alone"), flush=True)
    print(f"\nDrawn at {toy_views.ARROW_SCALE:g} x the gradient, longest clipped to {toy_views.ARROW_MAX:g} unit.")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--presets", nargs="+", default=["ring-js", "grid-js"])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--gradients", action="store_true", help="arrow lengths instead of the cost")
    args = parser.parse_args()
    if args.gradients:
        gradients()
    else:
        cost(args.presets, args.seconds)


if __name__ == "__main__":
    main()
