"""What a poll sends a plot: skips while there is nothing new, settings only when they change (the Train and
Duel tabs' timers)."""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from . import plots


def plot_update(frame: Any, key: str, sent: dict[str, str], **settings: Any) -> Any:
    """A plot's update: a skip while the frame has no data, the frame alone when the page already has these
    settings, the frame with its settings otherwise (then `sent` records them).

    Gradio's LinePlot takes its series and axes from the first data it gets: an empty first frame leaves it
    drawing no lines for good. And a list setting (the legend's entries, the y range) redraws the whole chart
    each time it is sent, even unchanged (measured in Chromium: a new SVG every poll), so settings go only
    when they change. `sent` is the poll's state: what this page's plots were last given.
    """
    if isinstance(frame, pd.DataFrame) and "series" in frame:  # a line plot (the histogram has no series)
        if not plots.has_data(frame):
            return gr.skip()
        settings["colors_in_legend"] = plots.shown(frame)
    fingerprint = repr(sorted(settings.items()))
    if sent.get(key) == fingerprint:
        return frame
    sent[key] = fingerprint
    return gr.update(value=frame, **settings)


def poll_state(seen: Any, sides: int) -> tuple[list[Any], list[dict[str, str]]]:
    """(versions, settings sent per side) from a poll's state; a fresh state for anything else (a new page)."""
    if isinstance(seen, dict) and len(seen.get("versions", [])) == sides and len(seen.get("sent", [])) == sides:
        return list(seen["versions"]), [dict(sent) for sent in seen["sent"]]
    return [-1] * sides, [{} for _ in range(sides)]
