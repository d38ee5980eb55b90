"""Run every preset headless for its own time budget on several seeds and print a table.

    python benchmarks/presets.py                      # all presets, seeds 0 1 2
    python benchmarks/presets.py --presets collapse wgan-gp --seeds 0 1 2 3 4
    python benchmarks/presets.py --independent        # also FID in an independent classifier's features

Columns: preset, seed, seconds trained, steps, FID (bundled classifier, 5,000 samples; real digits
score about 2), digit classes with >= 2% of samples, KL(histogram || uniform); for the toys, blobs
covered and the share of points within 3 sigma of a blob. Timings depend on the machine: the table in
the README says which one produced it.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ganplayground.config import PRESET_NAMES, get_preset  # noqa: E402
from ganplayground.metrics import evaluate_generator, generate  # noqa: E402
from ganplayground.trainer import Trainer, auto_threads  # noqa: E402


def run_preset(name: str, seed: int, seconds: float | None, independent: bool, n: int) -> dict:
    config = get_preset(name).config.replace(seed=seed)
    if seconds:
        config = config.replace(max_seconds=seconds)
    trainer = Trainer(config)
    for _ in trainer.run(every_seconds=10.0):
        pass
    row = {"preset": name, "seed": seed, "seconds": trainer.elapsed, "steps": trainer.step_count}
    metrics = evaluate_generator(trainer.sampler, config, n, seed=1000 + seed)
    row.update(metrics)
    if config.conditional:
        from ganplayground.metrics import conditional_accuracy

        row["conditional_accuracy"] = conditional_accuracy(trainer.sampler, 2000, seed)
    if independent and config.dataset == "mnist":
        from independent import independent_fid  # benchmarks/independent.py

        row["independent_fid"], row["independent_modes"] = independent_fid(
            generate(trainer.sampler, n, 1000 + seed, config.conditional))
    return row


def format_row(row: dict) -> str:
    if "fid" in row:
        extra = f" {row['independent_fid']:.0f} |" if "independent_fid" in row else ""
        cond = f" ({row['conditional_accuracy']:.0%} drawn as asked)" if "conditional_accuracy" in row else ""
        return (f"| {row['preset']} | {row['seed']} | {row['seconds']:.0f} | {row['steps']:,} | {row['fid']:.0f} | "
                f"{row['modes']}/10{cond} | {row['kl_uniform']:.2f} |{extra}")
    return (f"| {row['preset']} | {row['seed']} | {row['seconds']:.0f} | {row['steps']:,} | - | "
            f"{row['modes']}/{row['num_modes']} blobs, {row['high_quality']:.0%} within 3σ | - |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--presets", nargs="+", default=list(PRESET_NAMES), choices=PRESET_NAMES)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2])
    parser.add_argument("--seconds", type=float, default=None, help="override every preset's time budget")
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--independent", action="store_true", help="also score with benchmarks/independent.py")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
          f"{auto_threads()} threads per run, torch {torch.__version__}, "
          f"{'CUDA ' + torch.cuda.get_device_name() if torch.cuda.is_available() else 'no GPU'}")
    header = "| preset | seed | seconds | steps | FID | classes | KL to uniform |"
    if args.independent:
        header += " independent FID |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    start = time.perf_counter()
    for name in args.presets:
        for seed in args.seeds:
            print(format_row(run_preset(name, seed, args.seconds, args.independent, args.samples)), flush=True)
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
