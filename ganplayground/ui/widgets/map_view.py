"""The digit map beside a meter: its image component and what a poll sends it (the map picture when the meter has
a new reading, a skip otherwise; hidden for runs that are not MNIST). Not the picture itself (export/)."""

from __future__ import annotations

from typing import Any

import gradio as gr

from ...config import Config
from ...export.digit_map_picture import MAP_SIZE, digit_map_picture
from ...i18n import N_
from ...train.snapshots import Snapshot
from .components import AtomicImage
from .translate import L_

MAP_LABEL = N_("Digit map: each dot a sample, at its digit's place (centre: unsure, or not a digit)")


def map_image(**kwargs: Any) -> AtomicImage:
    """The map's image component (PNG, not editable)."""
    return AtomicImage(label=L_(MAP_LABEL), format="png", type="numpy", interactive=False, height=MAP_SIZE,
                       **kwargs)


def map_update(snap: Snapshot, config: Config, sent: dict[str, str]) -> Any:
    """The map for a poll: a new picture when the snapshot carries a reading this page has not drawn yet (`sent`, the
    poll's record of what the page has, remembers it), a skip otherwise; hidden when the run is not MNIST."""
    if config.dataset != "mnist":
        if sent.get("map") == "hidden":
            return gr.skip()
        sent["map"] = "hidden"
        return gr.update(value=None, visible=False)
    reading = snap.metrics if snap.metrics and "map" in snap.metrics else None
    key = f"{snap.metrics_step}:{id(reading)}" if reading else "empty"  # a reading is one dict until replaced
    if sent.get("map") == key:
        return gr.skip()
    sent["map"] = key
    return gr.update(value=digit_map_picture(reading), visible=True)
