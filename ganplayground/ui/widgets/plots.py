"""Plot data for the page: history records -> small long-format DataFrames (step, value, series) for
Gradio's native plots, and the one number the meter reads off a run's history (modes visited). No gradio here.

Gradio 6's LinePlot fixes its colour domain from the series in the data it holds when it (re)draws the chart;
a series that first appears later is never drawn (checked in headless Chromium: after a loss switch the new
loss's line was missing). So every frame carries a placeholder row (value NaN, drawn as nothing) for every
series the plot can ever show, the colours are fixed up front (`*_COLORS`, the plots' color_map), and the
legend lists only the series that have data (`shown`). A series that comes back (JS -> WGAN-GP -> JS) gets a
NaN row between its stretches, which breaks the line instead of joining it across the other loss.
Downsampled to at most `MAX_POINTS` entries per curve: a native plot update stays ~1 ms and a few KB, and under
the 1,000 rows above which the plot thins the data itself (and could drop those NaN rows).
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Iterable, Sequence
from typing import Any

import pandas as pd

from ...config import LOSS_NAMES
from ...export.palette import D_OUTPUT_HUES, SWITCH_COLOR, loss_hues
from ...i18n import N_
from .labels import LOSS_SHORT

MAX_POINTS = 300
VISIT_SHARE = 0.01  # a toy blob counts as visited once it held at least 1% of the points
SWITCH = N_("loss switched")  # the grey vertical line at each mid-run loss switch
LOSS_KINDS = ("D", "G")  # short: a legend is one row, and a narrow plot cuts off what does not fit
D_OUTPUT_KINDS = ("D(real)", "D(fake)", N_("Wasserstein estimate"))
WORDS = (SWITCH, D_OUTPUT_KINDS[2])  # the series named in words (the others: ids and symbols), translated where shown

Row = tuple[float, float, str]


def short_loss(loss: str) -> str:
    """The loss's name in a legend: "JS", "WGAN-GP", ..."""
    return LOSS_SHORT.get(loss, loss)


def series_name(kind: str, loss: str) -> str:
    return f"{kind} · {short_loss(loss)}"


LOSS_COLORS = {**{series_name(kind, loss): loss_hues(loss)[i]
                  for loss in LOSS_NAMES for i, kind in enumerate(LOSS_KINDS)}, SWITCH: SWITCH_COLOR}
COVERAGE_COLORS = {**{short_loss(loss): loss_hues(loss)[0] for loss in LOSS_NAMES},
                   SWITCH: SWITCH_COLOR}
# D's outputs keep their colours across a switch (six per-loss names overflow the legend); their lines break
# at the switch instead, as D(real) is a probability under JS and a raw score under Wasserstein.
D_OUTPUT_COLORS = {**D_OUTPUT_HUES, SWITCH: SWITCH_COLOR}
SERIES_COLORS = {**LOSS_COLORS, **COVERAGE_COLORS, **D_OUTPUT_COLORS}  # every series name any plot draws


def _downsample(history: list[Any], max_points: int = MAX_POINTS) -> list[Any]:
    if len(history) <= max_points:
        return history
    stride = len(history) / max_points
    picked = [history[int(i * stride)] for i in range(max_points - 1)]
    return [*picked, history[-1]]  # always show the latest point


def _segments(history: list[dict[str, Any]]) -> list[int]:
    """Per entry, the index of its stretch of training under one loss (0, 0, ..., 1, 1, ...)."""
    segments, segment = [], 0
    for i, entry in enumerate(history):
        if i and entry.get("loss") != history[i - 1].get("loss"):
            segment += 1
        segments.append(segment)
    return segments


def switches(history: list[dict[str, Any]]) -> list[tuple[int, str]]:
    """Mid-run loss switches as (the old loss's last recorded step, new loss id). The trainer records the old loss
    at the step of the switch itself (older histories: up to a second of training before it)."""
    return [(history[i - 1]["step"], entry.get("loss", "")) for i, entry in enumerate(history)
            if i and entry.get("loss") != history[i - 1].get("loss")]


def _frame(points: Iterable[tuple[float, float, str, int]], names: Iterable[str], switch_steps: Sequence[float],
           marker_range: tuple[float, float] | None = None) -> pd.DataFrame:
    """The long frame for points (step, value, series, segment) in step order: a NaN row where a series resumes
    in a later segment, a vertical SWITCH line per switch step (over marker_range, else over the values), and a
    placeholder row for every name without data."""
    rows: list[Row] = []
    last: dict[str, tuple[float, int]] = {}
    for step, value, name, segment in points:
        if name in last and last[name][1] != segment:
            rows.append(((last[name][0] + step) / 2, math.nan, name))
        rows.append((step, value, name))
        last[name] = (step, segment)
    if not rows:
        return pd.DataFrame(columns=["step", "value", "series"])
    low, high = marker_range or (min(r[1] for r in rows), max(r[1] for r in rows))
    for i, step in enumerate(switch_steps):
        if i:
            rows.append(((switch_steps[i - 1] + step) / 2, math.nan, SWITCH))
        rows += [(step, low, SWITCH), (step, high, SWITCH)]
    present = {r[2] for r in rows}
    first = min(r[0] for r in rows)
    rows += [(first, math.nan, name) for name in dict.fromkeys([*names, SWITCH]) if name not in present]
    return pd.DataFrame(rows, columns=["step", "value", "series"])


def shown(frame: pd.DataFrame | None, switch: str = SWITCH) -> list[str]:
    """The series with data, in order of appearance (the loss switch line, named `switch`, last): the plot's
    legend."""
    if frame is None or not len(frame):
        return []
    names = list(dict.fromkeys(frame.loc[frame["value"].notna(), "series"]))
    return [n for n in names if n != switch] + [n for n in names if n == switch]


def has_data(frame: pd.DataFrame | None) -> bool:
    return frame is not None and bool(frame["value"].notna().any())


def curves(history: list[dict[str, Any]], kinds: dict[str, str], colors: dict[str, str],
           per_loss: bool = True) -> pd.DataFrame:
    """History keys -> series kinds, named after the loss in force ("D · JS") if per_loss; each line breaks
    at a loss switch, where a SWITCH line marks the step. None values skipped."""
    tagged = list(zip(history, _segments(history), strict=True))
    points = [(entry["step"], float(entry[key]), series_name(kind, entry.get("loss", "")) if per_loss else kind,
               segment)
              for entry, segment in _downsample(tagged) for key, kind in kinds.items() if entry.get(key) is not None]
    return _frame(points, colors, [step for step, _ in switches(history)])


def loss_curves(history: list[dict[str, Any]]) -> pd.DataFrame:
    """D's and G's losses, coloured by the loss in force: "D · JS", "G · JS", then "D · WGAN-GP", ..."""
    return curves(history, dict(zip(("loss_d", "loss_g"), LOSS_KINDS, strict=True)), LOSS_COLORS)


def d_output_curves(history: list[dict[str, Any]]) -> pd.DataFrame:
    """D(real), D(fake) and the Wasserstein estimate (Wasserstein losses only), broken at each switch."""
    return curves(history, dict(zip(("d_real", "d_fake", "wasserstein"), D_OUTPUT_KINDS, strict=True)),
                  D_OUTPUT_COLORS, per_loss=False)


def metric_points(history: list[dict[str, Any]]) -> list[tuple[int, str, dict[str, Any], int]]:
    """(metrics step, loss, metrics, segment) of the history entries that carry live metrics.

    A measurement is recorded a little after the step it measured (it runs beside training), so its loss and
    segment are those in force at that step, the first entry at or after it, not those of the entry that
    carries it: one taken just before a switch stays on the old loss's side of the switch line."""
    steps, segments = [entry["step"] for entry in history], _segments(history)
    points = []
    for entry in history:
        if entry.get("metrics"):
            at = min(bisect.bisect_left(steps, entry["metrics_step"]), len(history) - 1)
            points.append((entry["metrics_step"], history[at].get("loss", ""), entry["metrics"], segments[at]))
    return points


def coverage_curve(history: list[dict[str, Any]], total: int) -> pd.DataFrame:
    """Modes covered (digits, or toy blobs: 0..total) over the steps, one series per loss in force. Where the
    loss changes, the new series starts at the old one's last point, so the curve runs on in a new colour."""
    measured = [(step, float(m["modes"]), short_loss(loss), segment)
                for step, loss, m, segment in metric_points(history) if "modes" in m]
    points = []
    for i, point in enumerate(measured):
        if i and point[2] != measured[i - 1][2]:
            points.append((*measured[i - 1][:2], point[2], point[3]))  # the new colour starts where the old ends
        points.append(point)
    return _frame(_downsample(points), COVERAGE_COLORS, [step for step, _ in switches(history)], (0.0, float(total)))


def modes_visited(history: list[dict[str, Any]], latest: dict[str, Any] | None = None,
                  share: float = VISIT_SHARE) -> int:
    """How many modes (toy blobs) held at least `share` of the points in some measurement of the run so far:
    the union over the history's metrics (and `latest`) of the histogram bins >= share."""
    measurements = [m for _, _, m, _ in metric_points(history)] + ([latest] if latest else [])
    visited = {i for m in measurements for i, s in enumerate(m.get("histogram") or []) if s >= share}
    return len(visited)


def histogram(metrics: dict[str, Any] | None, toy_modes: int = 0) -> pd.DataFrame:
    """Share of samples per digit (or per toy blob) as a DataFrame (class, share)."""
    shares = (metrics or {}).get("histogram")
    n = len(shares) if shares else (toy_modes or 10)
    shares = shares or [0.0] * n
    return pd.DataFrame({"class": [str(i) for i in range(n)], "share": [float(s) for s in shares]})
