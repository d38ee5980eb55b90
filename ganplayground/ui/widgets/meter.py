"""The mode meter in words: which of three states the live metrics show (not digits yet, collapse, k of 10
digits), the figures behind it, and the labels of the meter's plots for digits or toy blobs.

No gradio here and no GAN logic: the engine's metrics (metrics.verdict) decide; this only says it.
"""

from __future__ import annotations

import math
from typing import Any

from ...config import TOY_DATASETS, Config
from ...measure.metrics import COLLAPSE_MAX_MODES, LEGIBLE_CLASS_FID, MODE_THRESHOLD, legibility_reference
from ...train.snapshots import Snapshot
from ...train.toys import toy_for
from . import plots
from .labels import METER_ALL_DIGITS, METER_COLLAPSE, METER_MISSING, METER_NOT_DIGITS


def mode_words(config: Config) -> tuple[str, int]:
    """("digit" or "blob", number of modes) of a run's dataset."""
    if config.dataset in TOY_DATASETS:
        toy = toy_for(config.dataset, config.drawing)
        return toy.word, toy.num_parts
    return "digit", 10


def histogram_settings(config: Config | None = None) -> dict[str, Any]:
    """The mode meter's bar chart labels for a run's dataset (digits unless it is a 2-D toy)."""
    word, _ = mode_words(config) if config is not None else ("digit", 10)
    things = "samples per digit" if word == "digit" else f"points per {word}"
    return {"label": f"Mode meter: share of {things}", "x_title": word}


def coverage_settings(config: Config | None = None) -> dict[str, Any]:
    """The coverage curve's labels and y range (0 to the number of modes) for a run's dataset."""
    word, total = mode_words(config) if config is not None else ("digit", 10)
    return {"label": f"{word.capitalize()}s covered over time", "y_title": f"{word}s covered",
            "y_lim": [0, total + 0.5]}


def read_meter(snap: Snapshot, config: Config, history: list[dict[str, Any]] | None = None) -> tuple[str, Any]:
    """The mode meter: its words (Markdown) and its bar chart's frame, from the latest live metrics. Digits:
    one of three states from metrics["verdict"] (not digits yet / collapse / k of 10 digits), then the
    figures. Toys: blobs covered now and visited so far (from `history`)."""
    m = snap.metrics
    if config.dataset in TOY_DATASETS:
        word, total = mode_words(config)
        shape = {"line": "the line", "drawn": "your drawing"}.get(config.dataset, "")
        whole = f" of {shape}" if shape else ""
        if not m:
            return f"Measuring… (0 of {total} {word}s{whole} so far)", plots.histogram(None, total)
        visited = plots.modes_visited(history or [], m)
        near = f"within 3σ of {shape or 'a blob'}"
        text = (f"### {m['modes']} of {total} {word}s{whole} covered\n{word.capitalize()}s visited so far: {visited} "
                f"of {total} · {m['high_quality']:.0%} of points lie {near} · step {snap.metrics_step:,}")
        return text, plots.histogram(m, total)
    if config.dataset != "mnist":
        return "The digit meter only reads MNIST digits.", plots.histogram(None)
    if not m or "modes" not in m:
        return "Measuring… the meter reads 1,000 samples every few seconds.", plots.histogram(None)
    return f"{_meter_words(m)}\n\n{_meter_figures(m, snap.metrics_step)}", plots.histogram(m)


def _meter_words(m: dict[str, Any]) -> str:
    """The meter's heading and sentence for digit metrics: which of the three states it sees."""
    shares = m.get("histogram") or []
    verdict = m.get("verdict")
    if verdict == "illegible":
        return f"### Not digits yet\n{METER_NOT_DIGITS}"
    if verdict == "collapse":
        made = sorted((d for d, s in enumerate(shares) if s >= MODE_THRESHOLD), key=lambda d: -shares[d])
        made = made[:COLLAPSE_MAX_MODES]
        which = _and([f"{_plural(d)} ({shares[d]:.0%})" for d in made])
        which = f"almost all {which}" if len(made) == 1 else f"only {which}"
        return f"### Collapse: {m['modes']} of 10 digits\n{METER_COLLAPSE.format(which=which)}"
    missing = [str(d) for d, s in enumerate(shares) if s < MODE_THRESHOLD]
    words = METER_MISSING.format(missing=", ".join(missing)) if missing else METER_ALL_DIGITS
    if verdict is None:  # metrics from before the verdict existed: count, claim nothing about legibility
        words = ""
    return f"### {m['modes']} of 10 digits\n{words}".rstrip()


def _meter_figures(m: dict[str, Any], step: int) -> str:
    """The meter's line of figures: legibility beside what real digits score, FID, largest digit, step."""
    figures = []
    legibility = m.get("class_fid")
    if legibility is not None:
        shown = f"{legibility:,.0f}" if math.isfinite(legibility) else "n/a"
        # A collapse compares with as many real digits of the one it draws, not with all ten.
        reference = legibility_reference(m)
        real = f"{reference[0]} score ~{reference[1]:.0f}; " if reference else ""
        figures.append(f"legibility {shown} ({real}above {LEGIBLE_CLASS_FID:.0f} they are not digits; lower is "
                       "better)")
    if "fid" in m:
        floor = f" (real digits {m['fid_floor']:.0f})" if "fid_floor" in m else ""
        figures.append(f"FID {m['fid']:.0f}{floor}")
    shares = m.get("histogram") or [0.0]
    largest = max(range(len(shares)), key=lambda d: shares[d])
    figures.append(f"largest digit: {largest} with {m.get('largest_share', shares[largest]):.0%}")
    figures.append(f"step {step:,}")
    return " · ".join(figures)


def _plural(digit: int) -> str:
    return f"{digit}s"


def _and(words: list[str]) -> str:
    return words[0] if len(words) == 1 else f"{', '.join(words[:-1])} and {words[-1]}"
