"""The page's charts: the line and bar plot components every tab uses, and what a poll sends them (skips while
there is nothing new, settings only when they change). Their data frames come from plots.py."""

from __future__ import annotations

from typing import Any

import gradio as gr
import pandas as pd

from ...i18n import _
from . import plots
from .meter import COVERAGE_LABELS, COVERED_TITLES, HISTOGRAM_LABELS, coverage_settings
from .translate import L_


def curve_plot(label: Any, colors: dict[str, str], y_title: str = "", **kwargs: Any) -> gr.LinePlot:
    """A line plot of (step, value, series) frames whose every possible series has its colour fixed here.

    No fixed height: Gradio then leaves room for the axis titles and the legend (a fixed one clipped them). 3
    significant digits on y, whole steps on x. A series the plot first meets later would not be drawn (plots.py),
    hence the colour map of every series up front. The axis titles are plain text (the plot does not translate a
    label's marker): those built here stay English until the first poll sends them in the reader's language.
    """
    return gr.LinePlot(x="step", y="value", color="series", label=label, y_title=y_title or None,
                       x_title="step", color_title="", x_axis_format="d", y_axis_format=".3~g", color_map=colors,
                       colors_in_legend=[], **kwargs)


def coverage_plot(**kwargs: Any) -> gr.LinePlot:
    """Digits (or toy blobs) covered over time, one colour per loss in force."""
    settings = coverage_settings()
    return curve_plot(L_(COVERAGE_LABELS["digit"]), plots.COVERAGE_COLORS, COVERED_TITLES["digit"],
                      y_lim=settings["y_lim"], **kwargs)


def histogram_plot(**kwargs: Any) -> gr.BarPlot:
    """The mode meter's bar chart: the share of samples per digit (or per toy blob)."""
    return gr.BarPlot(x="class", y="share", y_lim=[0, 1], y_title="share", label=L_(HISTOGRAM_LABELS["digit"]),
                      x_title="digit", **kwargs)


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
        frame, settings["colors_in_legend"] = translated_series(frame, settings)
        # The axes in the reader's language (the plot shows its titles as they come, untranslated).
        settings.setdefault("x_title", _("step"))
        settings.setdefault("y_title", _("value"))
    fingerprint = repr(sorted(settings.items()))
    if sent.get(key) == fingerprint:
        return frame
    sent[key] = fingerprint
    return gr.update(value=frame, **settings)


def translated_series(frame: pd.DataFrame, settings: dict[str, Any]) -> tuple[pd.DataFrame, list[str]]:
    """The frame with its series named in words ("loss switched") in the reader's language, and its legend. Outside
    English the colour map goes with the settings too, keyed by those names (the one built with the plot is
    English); English frames go as they are."""
    names = {word: _(word) for word in plots.WORDS}
    names = {word: name for word, name in names.items() if name != word}
    if not names:
        return frame, plots.shown(frame)
    frame = frame.assign(series=frame["series"].replace(names))
    settings["color_map"] = {names.get(name, name): color for name, color in plots.SERIES_COLORS.items()}
    return frame, plots.shown(frame, switch=names.get(plots.SWITCH, plots.SWITCH))


def poll_state(seen: Any, sides: int) -> tuple[list[Any], list[dict[str, str]]]:
    """(versions, settings sent per side) from a poll's state; a fresh state for anything else (a new page)."""
    if isinstance(seen, dict) and len(seen.get("versions", [])) == sides and len(seen.get("sent", [])) == sides:
        return list(seen["versions"]), [dict(sent) for sent in seen["sent"]]
    return [-1] * sides, [{} for _ in range(sides)]
