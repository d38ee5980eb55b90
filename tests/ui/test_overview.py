"""The model overview: which parts a D step and a G step light up, in colour and in words."""

from __future__ import annotations

import re

from ganplayground.ui.widgets.overview import PARTS, overview_html


def _notes(html: str) -> dict[str, str]:
    """Each part's label -> the note written under it ("updates", "gradient passes" or "")."""
    notes = {}
    for label, *_ in PARTS.values():
        after = html.split(f">{label}</text>", 1)[1]
        match = re.match(r'<text [^>]*>([^<]*)</text>', after)
        notes[label] = match.group(1) if match else ""
    return notes


def test_nothing_is_lit_before_a_step_and_the_caption_says_what_to_press() -> None:
    html = overview_html(None)
    assert set(_notes(html).values()) == {""}
    assert "Press D step or G step" in html


def test_a_d_step_updates_d_alone_and_uses_both_kinds_of_samples() -> None:
    html = overview_html("d")
    notes = _notes(html)
    assert notes["D"] == "updates" and notes["G"] == ""
    assert "updated: D." in html  # the screen reader's summary says it too
    assert html.count('stroke-width="2.5"') == 1  # one part drawn as updated


def test_a_g_step_updates_g_and_its_gradient_passes_through_a_frozen_d() -> None:
    notes = _notes(overview_html("g"))
    assert notes["G"] == "updates" and notes["D"] == "gradient passes" and notes["real samples"] == ""


def test_a_whole_step_updates_both_networks() -> None:
    notes = _notes(overview_html("both"))
    assert notes["G"] == "updates" and notes["D"] == "updates"
