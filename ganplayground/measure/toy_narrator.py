"""The narrator's sentences for the 2-D toys (measure.narrator tells the rest): every blob, or every part of a
line or drawing, covered; the points hopping from blob to blob; some covered. Pure functions, no torch.
"""

from __future__ import annotations

from itertools import pairwise
from typing import Any

from ..i18n import _

RECENT_MEASURES = 6  # measurements looked back on for a trend (about 25 s of the page's metrics)
TOY_SHARE = 0.01  # a blob holding this share of the points is covered (as metrics.toy_metrics counts)


def toy_narration(readings: list[dict[str, Any]]) -> tuple[str, str]:
    """(kind, sentence) for a 2-D toy's live readings (metrics.toy_metrics, oldest first): every blob (or part of a
    line or drawing) covered, hopping from blob to blob, or some covered."""
    m = readings[-1]
    total, modes = m["num_modes"], m["modes"]
    parts = m.get("word", "blob") == "part"  # blobs, or parts of a line or drawing (toys.Toy.word)
    covered = [_covered(r) for r in readings[-RECENT_MEASURES:]]
    figures = {"total": total, "modes": modes, "visited": len(set().union(*(_covered(r) for r in readings)))}
    if modes >= total:
        return ("blobs-covered", (
            _("All {total} parts covered: the generator's points reach every part, none is left out.") if parts else
            _("All {total} blobs covered: the generator's points reach every blob, none is left out.")
        ).format(**figures))
    # Hopping: on a few blobs at a time, and between two readings some blob was left and another one reached
    # (a cover spreading over the blobs mostly gains, and holds more than half of them).
    if modes <= total // 2 and any(a - b and b - a for a, b in pairwise(covered)):
        return ("hopping", _hopping(parts, modes > 0).format(**figures))
    if not modes:
        return ("blobs-partial", (
            _("The points sit between the parts for now: none of the {total} is covered ({visited} visited so "
              "far).") if parts else
            _("The points sit between the blobs for now: none of the {total} is covered ({visited} visited so "
              "far).")).format(**figures))
    return ("blobs-partial", (
        _("The points cover {modes} of {total} parts ({visited} visited so far).") if parts else
        _("The points cover {modes} of {total} blobs ({visited} visited so far).")).format(**figures))


def _hopping(parts: bool, some: bool) -> str:
    if parts:
        return (_("Mode hopping: the points jump from part to part as D learns to reject each one; right now they "
                  "cover {modes} of {total} ({visited} of {total} visited so far).") if some else
                _("Mode hopping: the points jump from part to part as D learns to reject each one; right now they "
                  "sit between the parts ({visited} of {total} visited so far)."))
    return (_("Mode hopping: the points jump from blob to blob as D learns to reject each one; right now they "
              "cover {modes} of {total} ({visited} of {total} visited so far).") if some else
            _("Mode hopping: the points jump from blob to blob as D learns to reject each one; right now they "
              "sit between the blobs ({visited} of {total} visited so far)."))


def _covered(m: dict[str, Any]) -> set[int]:
    return {i for i, share in enumerate(m.get("histogram") or []) if share >= TOY_SHARE}
