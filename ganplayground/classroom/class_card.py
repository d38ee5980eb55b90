"""A class experiment's chart (each student's outcome and prediction against the knob, coloured by loss) and the
class card: that chart with a montage of the runs' thumbnails, one PNG to hand out after class.

Not the experiment (experiments.py) and not the wall's page: plain data in, PNG bytes out, drawn with matplotlib's
Agg canvas (no pyplot, no global backend). Names print literally: no mathtext, no TeX.
"""

from __future__ import annotations

import io
import math
import statistics
import warnings
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import matplotlib
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from PIL import Image

from ..export.fonts import use_cjk_fallback
from ..export.palette import loss_hues
from ..i18n import _, ngettext

LOSS_NAMES_SHORT = {"js": "JS", "js-minimax": "minimax", "wgan": "WGAN", "wgan-gp": "WGAN-GP", "hinge": "hinge",
                    "lsgan": "LSGAN"}
COLLAPSE_DIGITS = 3  # the meter calls a legible run of at most this many digits collapse (measure.metrics)
CHART_INCHES, DPI = (9.0, 5.4), 100
MONTAGE_COLUMNS = 10
CAPTION_CHARS = 13  # characters per caption line (two lines)
# Every Text made while drawing: no $...$ maths, no TeX, so a student called "$x$" is shown as "$x$".
_PLAIN_TEXT = {"text.parse_math": False, "text.usetex": False}


@dataclass(frozen=True)
class ChartPoint:
    """One student's run on the class chart."""

    value: float | int | str  # the knob value
    loss: str  # loss id (colour from export/palette.py)
    digits_covered: int | None  # outcome at the end (None: no reading yet)
    predicted: int | None  # the student's prediction (0-10) or None
    finished: bool
    legible: bool = True  # False: the meter's verdict is "not digits yet" (the digits counted are rough shapes)


def _positions(values: Sequence[float | int | str]) -> tuple[dict, str]:
    """Where each distinct knob value sits on the x axis, and how: "log" (positive numbers spanning a factor of 4 or
    more: ratios, batch sizes), "linear" (other numbers) or "category" (text, such as losses, in order given)."""
    distinct = list(dict.fromkeys(values))
    numeric = all(isinstance(v, int | float) and not isinstance(v, bool) for v in distinct)
    if not numeric:
        return {v: float(i) for i, v in enumerate(distinct)}, "category"
    if min(distinct) > 0 and max(distinct) / min(distinct) >= 4:
        return {v: math.log10(v) for v in distinct}, "log"
    return {v: float(v) for v in distinct}, "linear"


def _losses(points: Sequence[ChartPoint]) -> list[str]:
    """The losses present, in a fixed order (JS before Wasserstein, as the menus list them), so colours, lanes and the
    legend do not depend on which student finished first."""
    order = list(LOSS_NAMES_SHORT)
    return sorted({p.loss for p in points}, key=lambda loss: (order.index(loss) if loss in order else len(order), loss))


def _gap(positions: dict) -> float:
    """The smallest distance between two distinct x positions (1 when there is one)."""
    xs = sorted(set(positions.values()))
    gaps = [b - a for a, b in zip(xs, xs[1:], strict=False) if b > a]
    return min(gaps) if gaps else 1.0


def _spread(n: int, width: float) -> list[float]:
    """n offsets centred on 0, `width` apart (for n equal points side by side)."""
    return [(i - (n - 1) / 2) * width for i in range(n)]


def _layout(points: Sequence[ChartPoint], positions: dict, gap: float,
            lanes: dict[str, float]) -> list[tuple[ChartPoint, float]]:
    """Each point with its x: the value's position, moved aside by loss (each loss its own lane) and spread out among
    points of the same value, loss and outcome, so that 30 students stay visible."""
    groups: dict[tuple, list[ChartPoint]] = defaultdict(list)
    for p in points:
        groups[(p.value, p.loss, p.digits_covered)].append(p)
    placed = []
    for (value, loss, _digits), members in groups.items():
        width = min(0.07 * gap, 0.3 * gap / max(len(members), 1))
        for p, dx in zip(members, _spread(len(members), width), strict=True):
            placed.append((p, positions[value] + lanes[loss] + dx))
    return placed


def _draw_points(ax: object, placed: list[tuple[ChartPoint, float]], gap: float) -> None:
    """Outcomes as filled dots (faded while still training), predictions as hollow dots a little to the left, a thin
    line from each prediction to its outcome."""
    nudge = 0.03 * gap
    for p, x in placed:
        colour = loss_hues(p.loss)[0]
        if p.predicted is not None:
            ax.scatter([x - nudge], [p.predicted], s=34, facecolors="white", edgecolors=colour, linewidths=1.3,
                       zorder=3)
            if p.digits_covered is not None:
                ax.plot([x - nudge, x], [p.predicted, p.digits_covered], color=colour, linewidth=0.7, alpha=0.55,
                        zorder=2)
        if p.digits_covered is not None:
            ax.scatter([x], [p.digits_covered], s=52, color=colour, alpha=1.0 if p.finished else 0.35,
                       marker="o" if p.legible else "X", edgecolors="black" if p.finished else "none",
                       linewidths=0.4, zorder=4)


def _draw_medians(ax: object, points: Sequence[ChartPoint], positions: dict, lanes: dict) -> None:
    """A line per loss through the class's median outcome at each value."""
    by_loss: dict[str, dict] = defaultdict(lambda: defaultdict(list))
    for p in points:
        if p.digits_covered is not None:
            by_loss[p.loss][p.value].append(p.digits_covered)
    for loss, per_value in by_loss.items():
        xs = sorted(per_value, key=lambda v: positions[v])
        ax.plot([positions[v] + lanes[loss] for v in xs], [statistics.median(per_value[v]) for v in xs],
                color=loss_hues(loss)[0], linewidth=1.6, alpha=0.6, zorder=1)


def _legend(ax: object, points: Sequence[ChartPoint]) -> None:
    handles = [Line2D([], [], color=loss_hues(loss)[0], marker="o", markeredgecolor="black", markeredgewidth=0.4,
                      linestyle="none",
                      label=_("a student's result, {loss}").format(loss=LOSS_NAMES_SHORT.get(loss, loss)))
               for loss in _losses(points)]
    handles.append(Line2D([], [], color="#555", linewidth=1.6, alpha=0.6, label=_("the class's middle result")))
    if any(p.predicted is not None for p in points):
        handles.append(Line2D([], [], color="#555", marker="o", markerfacecolor="white", linestyle="none",
                              label=_("what the student predicted")))
    if any(not p.finished and p.digits_covered is not None for p in points):
        handles.append(Line2D([], [], color="#999", marker="o", alpha=0.4, linestyle="none",
                              label=_("still training (latest)")))
    if any(not p.legible and p.digits_covered is not None for p in points):
        handles.append(Line2D([], [], color="#555", marker="X", linestyle="none",
                              label=_("not legible yet (rough shapes)")))
    handles.append(Patch(color="#f4cccc", label=_("{n} digits or fewer: collapse").format(n=COLLAPSE_DIGITS)))
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)


def _chart(fig: Figure, rect: Sequence[float], points: Sequence[ChartPoint], knob_label: str, title: str) -> None:
    """Draw the class chart into `rect` (left, bottom, width, height in figure fractions)."""
    ax = fig.add_axes(rect)
    positions, scale = _positions([p.value for p in points]) if points else ({}, "category")
    gap = _gap(positions)
    losses = _losses(points)
    lanes = dict(zip(losses, _spread(len(losses), 0.36 * gap / max(len(losses), 1)), strict=True))
    ax.axhspan(-0.5, COLLAPSE_DIGITS + 0.5, color="#f4cccc", alpha=0.6, zorder=0, linewidth=0)
    _draw_medians(ax, points, positions, lanes)
    _draw_points(ax, _layout(points, positions, gap, lanes), gap)
    ax.set_ylim(-0.5, 10.5)
    ax.set_yticks(range(11))
    ax.set_ylabel(_("digits the generator still draws at the end (of 10)"), fontsize=9)
    ax.set_xticks(list(positions.values()), [f"{v:g}" if not isinstance(v, str) else v for v in positions],
                  fontsize=9)
    if positions:
        lo, hi = min(positions.values()), max(positions.values())
        ax.set_xlim(lo - 0.5 * gap, hi + 0.5 * gap)
    ax.set_xlabel(_("{knob} (log scale)").format(knob=knob_label) if scale == "log" else knob_label, fontsize=10)
    ax.grid(axis="y", alpha=0.3)
    done = sum(p.finished for p in points)
    pending = sum(p.digits_covered is None for p in points)
    counts = ngettext("{n} run, {done} finished", "{n} runs, {done} finished", len(points)).format(
        n=len(points), done=done) + (_(", {n} without a reading yet").format(n=pending) if pending else "")
    ax.set_title(f"{title}\n{counts}" if title else counts, fontsize=11, loc="left")
    if not points:
        ax.text(0.5, 0.5, _("no runs yet"), ha="center", va="center", transform=ax.transAxes, color="#777")
    _legend(ax, points)


def _png(fig: Figure) -> bytes:
    buffer = io.BytesIO()
    FigureCanvasAgg(fig).print_png(buffer)
    return buffer.getvalue()


def class_chart_png(points: Sequence[ChartPoint], knob_label: str, title: str = "") -> bytes:
    """The class chart as PNG bytes (900 x 540 pixels): digits covered at the end (0-10) against the knob (log axis
    for ratios), one colour per loss, each prediction as a hollow dot beside its outcome, equal points spread."""
    use_cjk_fallback()  # Chinese words need the shipped font
    with matplotlib.rc_context(_PLAIN_TEXT), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        fig = Figure(figsize=CHART_INCHES, dpi=DPI)
        _chart(fig, (0.08, 0.12, 0.6, 0.74), points, knob_label, title)
        return _png(fig)


def _thumbnail(png: bytes) -> np.ndarray:
    """A thumbnail's PNG bytes as an RGB array; a grey square for bytes that are not an image."""
    try:
        with Image.open(io.BytesIO(png)) as image:
            return np.asarray(image.convert("RGB"))
    except (OSError, ValueError, Image.DecompressionBombError):
        return np.full((64, 64, 3), 200, dtype=np.uint8)


def _caption(name: str) -> str:
    """A name on at most two short lines under its thumbnail, cut with an ellipsis when longer."""
    name = " ".join(str(name).split())
    if len(name) > 2 * CAPTION_CHARS:
        name = name[: 2 * CAPTION_CHARS - 1] + "…"
    return "\n".join(name[i:i + CAPTION_CHARS] for i in range(0, len(name), CAPTION_CHARS))


def class_card_png(points: Sequence[ChartPoint], knob_label: str, thumbnails: Sequence[tuple[str, bytes]],
                   title: str) -> bytes:
    """The class card as PNG bytes: the chart on top, below it every run's thumbnail (PNG bytes, ≤ 10 KB each)
    captioned with its name, ten to a row. Names are plain text."""
    rows = math.ceil(len(thumbnails) / MONTAGE_COLUMNS)
    chart_h, row_h = CHART_INCHES[1], 1.3
    height = chart_h + rows * row_h + (0.2 if rows else 0)
    use_cjk_fallback()
    with matplotlib.rc_context(_PLAIN_TEXT), warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Glyph .* missing from")
        fig = Figure(figsize=(CHART_INCHES[0], height), dpi=DPI)
        chart_bottom = (rows * row_h + 0.2 + 0.65) / height if rows else 0.12
        _chart(fig, (0.08, chart_bottom, 0.6, (chart_h - 1.4) / height), points, knob_label, title)
        cell_w = 0.92 / MONTAGE_COLUMNS
        for i, (name, png) in enumerate(thumbnails):
            row, col = divmod(i, MONTAGE_COLUMNS)
            bottom = (rows - 1 - row) * row_h / height + 0.25 / height
            ax = fig.add_axes((0.04 + col * cell_w, bottom, cell_w * 0.9, (row_h - 0.3) / height))
            ax.imshow(_thumbnail(png), interpolation="nearest")
            ax.set_axis_off()
            ax.set_title(_caption(name), fontsize=6.5, pad=2, linespacing=1.0)
        return _png(fig)
