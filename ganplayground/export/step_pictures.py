"""What one D step or one G step changed on a 2-D toy, as a picture: after a D step, where D's opinion of the
plane rose (orange) and fell (blue); after a G step, a line from each point's old place to its new one, over D.
When the toy views are on, the G step picture also shows G's warped noise grid before (faint) and after the step,
and the D step picture the push arrows before (faint) and after it.

One step moves little (a few pixels at the presets' learning rates), so the change is scaled to be seen and the
caption says by how much. No gradio here: pictures are uint8 arrays.
"""

from __future__ import annotations

import math

import numpy as np

from ..i18n import _
from ..train.images import ARROW_COLOUR, GRID_COLOUR, colormap, draw_arrows, draw_grid_lines, toy_plot
from ..train.toy_views import arrow_caption

SIZE = 384  # px, as the Train tab's toy plot
ARROWS = 80  # lines drawn after a G step (of the 1,000 fixed-noise points): more would be a smear
ARROW_PX = 30.0  # the typical (90th percentile) line is drawn about this long
FAINT = (175, 175, 175)  # what the view looked like before the step


def _pixels(points: np.ndarray, extent: float, size: int) -> tuple[np.ndarray, np.ndarray]:
    """(rows, cols) as floats of points (N, 2) on a size x size plot of [-extent, extent]^2 (y up)."""
    cols = (points[:, 0] + extent) / (2 * extent) * (size - 1)
    rows = (extent - points[:, 1]) / (2 * extent) * (size - 1)
    return rows, cols


def _nice_factor(x: float) -> int:
    """The largest of 1, 2, 5, 10, 20, 50, ... not above x (at least 1)."""
    if not math.isfinite(x) or x <= 1:
        return 1
    power = 10 ** math.floor(math.log10(x))
    return int(max(m * power for m in (1, 2, 5) if m * power <= x))


def d_step_picture(before: np.ndarray, after: np.ndarray, extent: float, real: np.ndarray,
                   fake: np.ndarray, arrows_before: np.ndarray | None = None,
                   arrows_after: np.ndarray | None = None) -> tuple[np.ndarray, str]:
    """D's change over the plane (after - before, (R, R) rows = y from -L..L), blue = fell, white = same,
    orange = rose, scaled so the largest change fills the ramp; with the real (black) and generated (red)
    points, and, when given, the push arrows (N, 2, 2) before the step (faint) and after it (toy_views' fixed
    scale: a D step changes where G will be pushed). Returns (RGB uint8 (SIZE, SIZE, 3), caption)."""
    diff = np.nan_to_num(np.asarray(after, np.float32) - np.asarray(before, np.float32))
    largest = float(np.abs(diff).max())
    scaled = 0.5 + 0.5 * diff / largest if largest > 0 else np.full_like(diff, 0.5)
    reps = int(np.ceil(SIZE / diff.shape[0]))
    image = colormap(np.kron(scaled[::-1], np.ones((reps, reps), np.float32))[:SIZE, :SIZE])
    overlay = toy_plot(None, extent, real, fake, size=SIZE)  # points on a plain background
    drawn = (overlay != 245).any(axis=2)
    image[drawn] = overlay[drawn]
    caption = _("What one D step changed: D's opinion rose where orange, fell where blue (by up to {largest}); "
                "black = real points, red = generated").format(largest=f"{largest:.2g}")
    if arrows_before is not None:
        image = draw_arrows(image, arrows_before, extent, FAINT)
    if arrows_after is not None:
        image = draw_arrows(image, arrows_after, extent, ARROW_COLOUR)
        arrows = (_("; green {arrows} (grey: before the step)") if arrows_before is not None
                  else _("; green {arrows}"))
        caption += arrows.format(arrows=arrow_caption(extent, arrows_after))
    return image, caption


def g_step_picture(surface: np.ndarray, extent: float, real: np.ndarray, before: np.ndarray,
                   after: np.ndarray, warp_before: np.ndarray | None = None,
                   warp_after: np.ndarray | None = None) -> tuple[np.ndarray, str]:
    """The generated points' moves (before, after: (N, 2)) as lines from old to new place, stretched by a round
    factor so the typical line is ~ARROW_PX long, over D's plane (as the Train tab draws it). With G's warped
    noise grids (L, L, 2) before and after the step, the old grid is drawn faint and the new one with its move
    stretched by the same factor, so one step visibly bends it. Returns (RGB uint8 (SIZE, SIZE, 3), caption)."""
    before, after = np.asarray(before, np.float32), np.asarray(after, np.float32)
    keep = np.isfinite(before).all(axis=1) & np.isfinite(after).all(axis=1)
    before, after = before[keep][:ARROWS], after[keep][:ARROWS]
    image = toy_plot(surface, extent, real, np.empty((0, 2), np.float32), size=SIZE)
    r0, c0 = _pixels(before, extent, SIZE)
    r1, c1 = _pixels(after, extent, SIZE)
    lengths = np.hypot(r1 - r0, c1 - c0)
    typical = float(np.percentile(lengths, 90)) if len(lengths) else 0.0
    factor = _nice_factor(ARROW_PX / typical) if typical > 0 else 1
    if warp_before is not None and warp_after is not None:
        old = np.asarray(warp_before, np.float32)
        image = draw_grid_lines(image, old, extent, FAINT)
        image = draw_grid_lines(image, old + factor * (np.asarray(warp_after, np.float32) - old), extent, GRID_COLOUR)
    r1, c1 = r0 + factor * (r1 - r0), c0 + factor * (c1 - c0)
    for t in np.linspace(0.0, 1.0, 60):  # the line: 60 dots from the old place to the (stretched) new one
        rows = np.clip(np.round(r0 + t * (r1 - r0)).astype(int), 0, SIZE - 1)
        cols = np.clip(np.round(c0 + t * (c1 - c0)).astype(int), 0, SIZE - 1)
        image[rows, cols] = (60, 0, 20)
    for dr in (-1, 0, 1):  # the new place: a red dot, as on the Train tab's plot
        for dc in (-1, 0, 1):
            rows = np.clip(np.round(r1).astype(int) + dr, 0, SIZE - 1)
            cols = np.clip(np.round(c1).astype(int) + dc, 0, SIZE - 1)
            image[rows, cols] = (200, 0, 60)
    moved = float(np.median(np.linalg.norm(after - before, axis=1))) if len(before) else 0.0
    caption = (_("What one G step changed: each line runs from a generated point's old place to its new one (red "
                 "dot), drawn {factor}x longer; median move {moved}") if factor > 1 else
               _("What one G step changed: each line runs from a generated point's old place to its new one (red "
                 "dot); median move {moved}")).format(factor=factor, moved=f"{moved:.2g}")
    if warp_before is not None and warp_after is not None:
        caption += (_("; grey grid: G's noise grid before the step, dark grid: after it, its move drawn {factor}x "
                      "longer") if factor > 1 else
                    _("; grey grid: G's noise grid before the step, dark grid: after it")).format(factor=factor)
    return image, caption
