"""The Duel tab's default duel, run through the page's own handlers (both runs as threads of one server
process, one CPU thread each, live metrics every few seconds, exactly as a class sees it), on several seeds.

    python benchmarks/duel.py                  # seeds 0-4, the default networks, losses and budget
    python benchmarks/duel.py --seeds 0 --budget 60

For each side: steps and steps/s, the CPU seconds its training thread used (the two sides should get about
the same share of the machine), the meter at the end of the budget (5,000 fresh samples: digits
covered, largest digit, legibility = per-class FID, the meter's words), and when the live meter first
read what the class is meant to see: the left side "collapse" (at most 2 digits), the right side 9 or
more legible digits.
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

from ganplayground.measure.metrics import evaluate_generator  # noqa: E402
from ganplayground.ui.app import Page, build_demo  # noqa: E402
from ganplayground.ui.server.playground import Playground  # noqa: E402
from ganplayground.ui.server.sessions import new_token  # noqa: E402
from ganplayground.ui.tabs.duel_tab import BUDGET_SECONDS as DUEL_BUDGET_SECONDS  # noqa: E402


def first_time(history: list[dict], wanted) -> float | None:  # noqa: ANN001 - a predicate on metrics
    for entry in history:
        if "metrics" in entry and wanted(entry["metrics"]):
            return entry["elapsed"]
    return None


def thread_cpu_seconds(native_id: int | None) -> float | None:
    """CPU seconds (user + system) a live thread of this process has used, from /proc (Linux)."""
    try:
        fields = Path(f"/proc/self/task/{native_id}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError, TypeError):
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def run_duel(page: Page, seed: int, budget: float, preset: str, left: str, right: str) -> list[dict]:
    """One duel as the page's Start duel button runs it."""
    token = new_token()
    page.duel.on_start(token, preset, left, right, seed, budget)
    session = page.duel.pg.manager.session(token)
    cpu: list[float | None] = [None, None]
    while any(run.state != "ended" for run in session.duel):
        for i, run in enumerate(session.duel):  # the last reading before each thread ends
            cpu[i] = thread_cpu_seconds(run.thread_id) or cpu[i]
        time.sleep(1.0)
    rows = []
    for side, run, cpu_seconds in zip(("left", "right"), session.duel, cpu, strict=True):
        trainer = run.trainer
        m = evaluate_generator(trainer.sampler, trainer.config, 5000, seed=1000 + seed)
        collapsed = first_time(trainer.history, lambda x: x.get("verdict") == "collapse" and x["modes"] <= 2)
        healthy = first_time(trainer.history, lambda x: x.get("verdict") == "healthy" and x["modes"] >= 9)
        rows.append({"side": side, "loss": trainer.config.loss, "steps": trainer.step_count, "cpu": cpu_seconds,
                     "seconds": trainer.elapsed, "metrics": m, "first_collapse": collapsed, "first_nine": healthy})
    return rows


def _when(seconds: float | None) -> str:
    return f"{seconds:.0f} s" if seconds is not None else "never"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seeds", nargs="+", type=int, default=[0, 1, 2, 3, 4])
    parser.add_argument("--budget", type=float, default=DUEL_BUDGET_SECONDS)
    parser.add_argument("--preset", default="collapse")
    parser.add_argument("--left", default="js")
    parser.add_argument("--right", default="wgan-gp")
    args = parser.parse_args()
    print(f"machine: {platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}; "
          f"duel of '{args.preset}': {args.left} vs {args.right}, {args.budget:g} s")
    print("| seed | side | loss | steps | steps/s | CPU s | digits | largest | legibility | meter | collapse (≤ 2 "
          "digits) first seen | ≥ 9 legible digits first seen |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|")
    pg = Playground()
    page = build_demo(pg).page
    try:
        for seed in args.seeds:
            for row in run_duel(page, seed, args.budget, args.preset, args.left, args.right):
                m = row["metrics"]
                print(f"| {seed} | {row['side']} | {row['loss']} | {row['steps']:,} | "
                      f"{row['steps'] / max(row['seconds'], 1e-9):.0f} | "
                      f"{'-' if row['cpu'] is None else format(row['cpu'], '.0f')} | "
                      f"{m['modes']}/10 | {m['largest_share']:.0%} | "
                      f"{m['class_fid']:.0f} | {m['verdict']} | {_when(row['first_collapse'])} | "
                      f"{_when(row['first_nine'])} |", flush=True)
    finally:
        pg.close()


if __name__ == "__main__":
    main()
    # PyTorch can abort while the interpreter shuts down after backward passes ran in worker threads
    # ("terminate called without an active exception", as tests/conftest.py notes): leave without it.
    sys.stdout.flush()
    os._exit(0)
