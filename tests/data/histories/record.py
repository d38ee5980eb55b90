"""Re-record the run histories the narrator's tests read: real short runs of the Trainer with live metrics,
as the page runs them (a snapshot about every second's worth of steps, metrics every few seconds' worth),
then thinned and rounded so that each file stays a few KB.

Run from the repository root: `python tests/data/histories/record.py [name ...]` (about 15 CPU minutes on one
busy core for all of them). Step counts, not seconds, fix each run, so a slower machine changes how long it
takes, not what is recorded.
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Any

from ganplayground.measure.metrics import live_reading
from ganplayground.presets import get_preset
from ganplayground.train.trainer import Trainer

HERE = Path(__file__).parent
MAX_ENTRIES = 60  # entries without metrics are thinned to about this many per file
# name: preset, steps, steps between snapshots, steps between metrics, then an optional loss switch (new loss,
# steps after it, steps between snapshots and metrics after it: denser, to catch the digits coming back). The
# collapse file is the cure run's stretch before its switch.
RUNS: dict[str, dict[str, Any]] = {
    "cure": {"preset": "collapse", "steps": 9000, "every": 150, "metrics": 500,
             "switch": ("wgan-gp", 2000, 50, 100), "before_switch": "collapse"},
    "vanishing": {"preset": "vanishing", "steps": 300, "every": 12, "metrics": 50},
    "ring-js": {"preset": "ring-js", "steps": 3000, "every": 100, "metrics": 200},
    "ring-wgan-gp": {"preset": "ring-wgan-gp", "steps": 2000, "every": 60, "metrics": 200},
    "healthy": {"preset": "default", "steps": 1500, "every": 50, "metrics": 150},
}


def _round(value: Any) -> Any:
    """Floats to 4 significant digits, recursively (the narrator reads nothing finer)."""
    if isinstance(value, float):
        return value if not math.isfinite(value) or value == 0 else float(f"{value:.4g}")
    if isinstance(value, dict):
        return {k: _round(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_round(v) for v in value]
    return value


def thin(history: list[dict[str, Any]], max_entries: int = MAX_ENTRIES) -> list[dict[str, Any]]:
    """Every entry with metrics, the first and last, the entries around a loss switch, and evenly spaced
    others up to about `max_entries`."""
    stride = max(1, math.ceil(len(history) / max_entries))
    keep = []
    for i, entry in enumerate(history):
        switch = (i and entry["loss"] != history[i - 1]["loss"]) or (
            i + 1 < len(history) and entry["loss"] != history[i + 1]["loss"])
        if "metrics" in entry or switch or i % stride == 0 or i == len(history) - 1:
            keep.append(entry)
    return [_round(e) for e in keep]


def record(name: str, spec: dict[str, Any]) -> None:
    config = get_preset(spec["preset"]).config.replace(seed=0, threads=1, device="cpu", max_seconds=0.0,
                                                       metrics_every=spec["metrics"])
    trainer = Trainer(config, measure=live_reading)
    for _ in trainer.run(max_steps=spec["steps"], every_steps=spec["every"]):
        pass
    if "switch" in spec:
        _write(spec["before_switch"], spec, trainer.history, trainer.status)
        loss, more, every, metrics_every = spec["switch"]
        trainer.reconfigure(trainer.config.with_loss(loss).replace(metrics_every=metrics_every))
        for _ in trainer.run(max_steps=spec["steps"] + more, every_steps=every):
            pass
    _write(name, spec, trainer.history, trainer.status)


def _write(name: str, spec: dict[str, Any], history: list[dict[str, Any]], status: str) -> None:
    data = {"recorded_with": {k: v for k, v in spec.items() if k != "before_switch"}, "status": status,
            "history": thin(history)}
    path = HERE / f"{name}.json"
    path.write_text(json.dumps(data, separators=(",", ":")) + "\n")
    print(f"{path}: {len(data['history'])} entries, {path.stat().st_size:,} bytes", flush=True)


if __name__ == "__main__":
    for run_name in sys.argv[1:] or RUNS:
        record(run_name, RUNS[run_name])
