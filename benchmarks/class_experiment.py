"""The ready-made class experiment, "Where does collapse begin?", run through the engine as a class would run it.

    python benchmarks/class_experiment.py                  # every arm once, seed 0, the class's step budgets
    python benchmarks/class_experiment.py --seeds 0 1 2    # every arm on each seed (a class of 36)
    python benchmarks/class_experiment.py --js-steps 8000 --wgan-gp-steps 1500 --every 1000

Each arm trains `Trainer(config, measure=live_reading)` on one CPU thread (the page's setting) to its step
budget, in its own process (--parallel runs that many at once). Columns: the arm, seed, steps, CPU seconds of
training (process time: what the run costs the server, whatever else shares the machine), steps per CPU second,
digits covered at the end (classes with >= 2% of 1,000 samples, the page's live reading), the largest class's
share, legibility (per-class FID; real digits of one class ~15, rough MLP digits ~600, static 2,600), the meter's
verdict, and with --every the digits covered at every that many steps. Then the CPU seconds a class of 30 costs
(round robin over the arms) and the chart the teacher sees, written to docs/screenshots/class-experiment.png.
"""

from __future__ import annotations

import argparse
import platform
import sys
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

import torch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from ganplayground.classroom.class_card import ChartPoint, class_chart_png  # noqa: E402
from ganplayground.classroom.experiments import KNOBS, WHERE_COLLAPSE_BEGINS, Experiment  # noqa: E402
from ganplayground.measure.metrics import live_reading  # noqa: E402
from ganplayground.train.trainer import Trainer  # noqa: E402

CHART = ROOT / "docs" / "screenshots" / "class-experiment.png"
CLASS_SIZE = 30


def run_arm(experiment: Experiment, slot: int, seed: int, every: int) -> dict:
    """Train one arm to its budget on one thread; its cost and its reading at the end (and every `every` steps)."""
    torch.set_num_threads(1)
    arm = experiment.arm(slot)
    config = experiment.config_for(arm, seed=seed).replace(threads=1, device="cpu")
    trainer = Trainer(config, measure=live_reading)
    trajectory, cpu = [], 0.0
    while trainer.step_count < config.max_steps:
        target = min(config.max_steps, trainer.step_count + every) if every else config.max_steps
        start = time.process_time()
        for _ in trainer.run(max_steps=target, every_seconds=1.0):  # snapshots once a second, as the page takes them
            pass
        cpu += time.process_time() - start
        if every:
            trajectory.append((trainer.step_count, live_reading(trainer.sampler, config)["modes"]))
    start = time.process_time()
    reading = live_reading(trainer.sampler, config)
    return {"arm": arm.label, "value": arm.value, "loss": arm.loss, "seed": seed, "steps": trainer.step_count,
            "cpu": cpu, "measure_cpu": time.process_time() - start, "reading": reading, "trajectory": trajectory}


def _table(rows: list[dict]) -> None:
    print(f"{'arm':<16}{'seed':>5}{'steps':>7}{'CPU s':>7}{'st/s':>6}{'digits':>7}{'largest':>8}{'legib.':>8}"
          f"  {'verdict':<10} trajectory (step:digits)")
    for r in sorted(rows, key=lambda r: (r["loss"], r["value"], r["seed"])):
        m = r["reading"]
        path = " ".join(f"{s}:{d}" for s, d in r["trajectory"])
        print(f"{r['arm']:<16}{r['seed']:>5}{r['steps']:>7}{r['cpu']:>7.1f}{r['steps'] / r['cpu']:>6.0f}"
              f"{m['modes']:>7}{m['largest_share']:>8.2f}{m['class_fid']:>8.0f}  {m['verdict']:<10} {path}")


def _class_cost(experiment: Experiment, rows: list[dict]) -> None:
    """CPU seconds of a class of 30 joining round robin: each arm's mean cost, arms taken in the experiment's order."""
    by_label: dict[str, list[float]] = {}
    for r in rows:
        by_label.setdefault(r["arm"], []).append(r["cpu"] + r["measure_cpu"])
    mean = {label: sum(c) / len(c) for label, c in by_label.items()}
    total = sum(mean[experiment.arm(i).label] for i in range(CLASS_SIZE))
    per_loss = {loss: [mean[a.label] for a in experiment.arms() if a.loss == loss] for loss in experiment.losses}
    for loss, costs in per_loss.items():
        print(f"{loss}: {experiment.steps_for(loss)} steps, {min(costs):.1f}-{max(costs):.1f} CPU s per run")
    print(f"a class of {CLASS_SIZE}: {total:.0f} CPU s in all, {total / CLASS_SIZE:.1f} s per student on average; "
          f"on 2 cores {total / 2 / 60:.1f} minutes of training for the whole class")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0])
    parser.add_argument("--js-steps", type=int, default=None, help="override the JS budget")
    parser.add_argument("--wgan-gp-steps", type=int, default=None, help="override the WGAN-GP budget")
    parser.add_argument("--every", type=int, default=0, help="also read the digits every this many steps")
    parser.add_argument("--parallel", type=int, default=1, help="arms trained at once (one thread each)")
    parser.add_argument("--chart", type=Path, default=CHART)
    args = parser.parse_args()
    d = WHERE_COLLAPSE_BEGINS.to_dict()
    budgets = dict(d["max_steps"])
    budgets["js"] = args.js_steps or budgets["js"]
    budgets["wgan-gp"] = args.wgan_gp_steps or budgets["wgan-gp"]
    experiment = Experiment.from_dict({**d, "max_steps": budgets})
    print(f"{experiment.name}: {platform.machine()}, torch {torch.__version__}, budgets {budgets}")
    n = len(experiment.arms())
    jobs = [(slot, seed) for seed in args.seeds for slot in range(n)]
    rows = []
    with ProcessPoolExecutor(args.parallel) as pool:
        for row in as_completed([pool.submit(run_arm, experiment, slot, seed, args.every) for slot, seed in jobs]):
            rows.append(row.result())
            r = rows[-1]
            print(f"done: {r['arm']} seed {r['seed']}, {r['cpu']:.1f} CPU s, {r['reading']['modes']} digits, "
                  f"{r['reading']['verdict']}", flush=True)
    _table(rows)
    _class_cost(experiment, rows)
    points = [ChartPoint(r["value"], r["loss"], r["reading"]["modes"], None, True,
                         legible=r["reading"].get("verdict") != "illegible") for r in rows]
    seeds = ", ".join(map(str, args.seeds))
    args.chart.write_bytes(class_chart_png(points, KNOBS[experiment.knob],
                                           title=f"{experiment.name} (benchmark, seed {seeds})"))
    print(f"chart: {args.chart}")


if __name__ == "__main__":
    main()
