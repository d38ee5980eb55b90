"""Run every preset for its own time budget on several seeds, the way the page runs it, and print a table.

    python benchmarks/presets.py                      # all presets, seeds 0-4, two runs side by side
    python benchmarks/presets.py --presets collapse cure --seeds 0 1 2 3 4
    python benchmarks/presets.py --independent        # also FID in an independent classifier's features

Each run trains with the page's setting of one CPU thread, in its own process, two at a time (as a
duel does; --parallel changes it). `cure` is the lesson of the `collapse` preset: its run, then a
switch to the Wasserstein loss (WGAN-GP, the settings a mid-run switch uses) for 60 more seconds.

Columns: preset, seed, seconds trained, steps, FID (bundled classifier, --samples 5,000; as many real
digits score about 2), legibility (per-class FID on the same samples; 5,000 real digits of one class score
6-16, ~11 on average (measure.legibility.real_digit_floor), static 2,000+), digit classes with >= 2% of
samples, largest class, the meter's verdict; for the toys, blobs covered at the end, the most blobs covered
at any one measurement, blobs visited over the run (measured every 2 s) and the share of points within
3 sigma of a blob (for a shape, the line or a drawing: its parts, and within 3 sigma of the shape). Timings
depend on the machine: the tables in docs/measurements.md say which one produced them.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ganplayground.config import TOY_DATASETS  # noqa: E402
from ganplayground.measure.metrics import evaluate_generator, generate, live_reading  # noqa: E402
from ganplayground.presets import PRESET_NAMES, get_preset  # noqa: E402
from ganplayground.train.toys import toy_for  # noqa: E402
from ganplayground.train.trainer import Trainer  # noqa: E402

CURE = "cure"  # the collapse preset, then WGAN-GP on the same networks
CURE_SECONDS = 60.0
MEASURE_SECONDS = {"mnist": 5.0, **dict.fromkeys(TOY_DATASETS, 2.0)}  # live metrics, as the page measures them


def _train(trainer: Trainer, measure: float, **budget: float) -> None:
    # Snapshots every second, as the page takes them: each one records the latest live measurement in the
    # history (coarser snapshots would drop measurements, and with them the blobs a toy visited in between).
    for _ in trainer.run(every_seconds=1.0, metrics_seconds=measure, **budget):
        pass


def _measured(trainer: Trainer, after_step: int = -1) -> list[tuple[int, float, dict[str, Any]]]:
    """(step, seconds, metrics) of the live measurements in the run's history after a step."""
    return [(e["metrics_step"], e["elapsed"], e["metrics"]) for e in trainer.history
            if "metrics" in e and e["metrics_step"] > after_step]


def run_preset(name: str, seed: int, seconds: float | None, independent: bool, n: int, threads: int) -> dict:
    torch.set_num_threads(threads)
    preset = "collapse" if name == CURE else name
    config = get_preset(preset).config.replace(seed=seed, threads=threads, device="cpu")
    if seconds:
        config = config.replace(max_seconds=seconds)
    measure = MEASURE_SECONDS.get(config.dataset, 0.0)
    trainer = Trainer(config, measure=live_reading)
    _train(trainer, measure)
    row: dict[str, Any] = {"preset": name, "seed": seed}
    if name == CURE:
        row["collapsed"] = evaluate_generator(trainer.sampler, config, n, seed=1000 + seed)
        switch_step, switch_time = trainer.step_count, trainer.elapsed
        trainer.switch_loss("wgan-gp")
        _train(trainer, measure, max_seconds=switch_time + CURE_SECONDS)
        back = [t - switch_time for _, t, m in _measured(trainer, switch_step) if m["modes"] >= 9]
        row["seconds_to_nine"] = back[0] if back else None
    row.update({"seconds": trainer.elapsed, "steps": trainer.step_count})
    row.update(evaluate_generator(trainer.sampler, trainer.config, n, seed=1000 + seed))
    if config.dataset in TOY_DATASETS:
        row["word"] = toy_for(config.dataset, config.drawing).word
        covered = [set(i for i, h in enumerate(m["histogram"]) if h >= 0.01) for _, _, m in _measured(trainer)]
        row["most_at_once"] = max((len(c) for c in covered), default=0)
        row["visited"] = len(set().union(*covered)) if covered else 0
    if config.conditional:
        from ganplayground.measure.metrics import conditional_accuracy

        row["conditional_accuracy"] = conditional_accuracy(trainer.sampler, 2000, seed)
    if independent and config.dataset == "mnist":
        from independent import independent_fid  # benchmarks/independent.py

        row["independent_fid"], row["independent_modes"] = independent_fid(
            generate(trainer.sampler, n, 1000 + seed, config.conditional))
    return row


def _digits(m: dict) -> str:
    return (f"{m['fid']:.0f} | {m['class_fid']:.0f} | {m['modes']}/10 | {m['largest_share']:.0%} "
            f"| {m['verdict']}")


def format_row(row: dict) -> str:
    head = f"| {row['preset']} | {row['seed']} | {row['seconds']:.0f} | {row['steps']:,} |"
    if "fid" in row:
        extra = f" {row['independent_fid']:.0f} |" if "independent_fid" in row else ""
        cond = f" ({row['conditional_accuracy']:.0%} drawn as asked)" if "conditional_accuracy" in row else ""
        cure = ""
        if "collapsed" in row:
            back = row["seconds_to_nine"]
            cure = (f" before the switch: {_digits(row['collapsed'])}; >= 9 digits "
                    f"{'after ' + format(back, '.0f') + ' s' if back is not None else 'not reached'}")
        return f"{head} {_digits(row)}{cond} |{cure}{extra}"
    return (f"{head} - | - | {row['modes']}/{row['num_modes']} {row['word']}s at the end, at most "
            f"{row['most_at_once']} at once, {row['visited']} visited | {row['high_quality']:.0%} within 3σ | - |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    choices = [*PRESET_NAMES, CURE]
    parser.add_argument("--presets", nargs="+", default=choices, choices=choices)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--seconds", type=float, default=None, help="override every preset's time budget")
    parser.add_argument("--samples", type=int, default=5000)
    parser.add_argument("--threads", type=int, default=1, help="CPU threads per run (the page uses 1)")
    parser.add_argument("--parallel", type=int, default=2, help="runs at once, each in its own process")
    parser.add_argument("--independent", action="store_true", help="also score with benchmarks/independent.py")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, {args.threads} thread(s) "
          f"per run, {args.parallel} run(s) at once, torch {torch.__version__}, "
          f"{'CUDA ' + torch.cuda.get_device_name() if torch.cuda.is_available() else 'no GPU'}")
    header = "| preset | seed | seconds | steps | FID | legibility | classes | largest | meter |"
    if args.independent:
        header += " independent FID |"
    print(header)
    print("|" + "---|" * (header.count("|") - 1))
    start = time.perf_counter()
    jobs = [(name, seed) for name in args.presets for seed in args.seeds]
    with ProcessPoolExecutor(args.parallel) as pool:
        futures = [pool.submit(run_preset, name, seed, args.seconds, args.independent, args.samples, args.threads)
                   for name, seed in jobs]
        for future in futures:
            print(format_row(future.result()), flush=True)
    print(f"total {time.perf_counter() - start:.0f} s")


if __name__ == "__main__":
    main()
