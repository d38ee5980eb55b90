"""How the page looks and is served: its CSS, theme and the launch options every server uses.

Gradio summarises its per-event statistics (a pandas frame of up to 10,000 past events, with percentiles) after
every single event, by default. In a class that is ~30 events a second, and each summary of a full record takes
11 ms here: a third of a core, growing through the lesson. Keep 1,000 events and summarise every 500. Gradio reads
these when `demo.queue()` makes the queue, so they are set when this module is imported, before any queue exists.
"""

from __future__ import annotations

import os
from typing import Any

import gradio as gr

from .responsive import HEAD as RESPONSIVE_HEAD

os.environ.setdefault("GRADIO_ANALYTICS_MAX_EVENTS", "1000")
os.environ.setdefault("GRADIO_ANALYTICS_CACHE_FREQUENCY", "500")

CSS = """
.gp-sr-only {position: absolute !important; width: 1px; height: 1px; margin: -1px; padding: 0; overflow: hidden;
             clip: rect(0 0 0 0); white-space: nowrap; border: 0}
.gp-status {min-height: 3.2em}
.gp-meter h3 {margin: 0}
.gp-narrator {min-height: 2.4em; font-size: 1.05em}
.gp-pixels img {image-rendering: pixelated; width: 100%; height: 100%; object-fit: contain}
#game-result th, #game-result td {white-space: nowrap}
.gp-wall {display: grid; grid-template-columns: repeat(auto-fill, minmax(150px, 1fr)); gap: 8px}
.gp-card {border: 1px solid var(--border-color-primary); border-radius: 8px; padding: 6px; font-size: 0.85em}
.gp-card.hidden-run {opacity: 0.45; border-style: dashed}
.gp-card img {width: 100%; image-rendering: pixelated; background: #000; aspect-ratio: 1; object-fit: contain}
.gp-card .noimg {width: 100%; aspect-ratio: 1; background: var(--background-fill-secondary)}
.gp-badge {display: inline-block; color: #000; border-radius: 4px; padding: 0 5px; font-weight: 600}
.gp-card .name {font-weight: 600; overflow-wrap: anywhere}
#model-info, #model-info .prose {overflow: visible; max-height: none}
"""
MAX_FILE_SIZE = "20mb"  # above the engine's 16 MB cap on an upload, so a file between the two gets its plain message


def theme() -> gr.themes.Base:
    """Gradio's Soft theme with text that reads at WCAG AA contrast (4.5:1): Soft draws labels and primary buttons
    in indigo 500 (3.6:1 on its pale label fill, 4.46:1 under white text) and hints in neutral 400; ours use indigo
    600/700 and neutral 600, with their dark-mode twins (light text on indigo 600 or darker)."""
    return gr.themes.Soft().set(
        block_label_text_color="*primary_700", block_title_text_color="*primary_700",
        body_text_color_subdued="*neutral_600", body_text_color_subdued_dark="*neutral_300",
        button_primary_background_fill="*primary_600", button_primary_background_fill_hover="*primary_700",
        button_primary_background_fill_dark="*primary_600", button_primary_background_fill_hover_dark="*primary_700",
        checkbox_label_background_fill_selected="*primary_600",
        checkbox_label_background_fill_selected_dark="*primary_700",
        block_label_background_fill_dark="*primary_700", slider_color="*primary_600")


def launch_options() -> dict[str, Any]:
    """What `Blocks.launch` gets: the theme and CSS, no run history kept in the browser (a classroom's machines
    are shared), the API link in the footer, the upload cap, and errors shown as their plain messages."""
    return {"theme": theme(), "css": CSS, "head": RESPONSIVE_HEAD, "run_history": False,
            "footer_links": ["api"], "max_file_size": MAX_FILE_SIZE, "show_error": True}
