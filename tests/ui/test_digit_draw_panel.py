"""Explore's drawn digit and "Does it copy?", handlers called directly: a drawn 7 is found in the generator and
becomes the sliders' origin; the sliders' digit gets its nearest training digits and a verdict; a blank or
filled canvas gets a plain message."""

from __future__ import annotations

import gradio as gr
import numpy as np
import pytest

from ganplayground.ui.app import Page
from ganplayground.ui.server.sessions import new_token
from ganplayground.ui.tabs.explore_tab import NUM_SLIDERS

from ..measure.test_inversion import seven_drawing

ZEROS = [0.0] * NUM_SLIDERS


def _canvas(grey: np.ndarray) -> dict:
    """The Sketchpad's value for dark ink on white: an RGBA composite."""
    rgba = np.repeat(grey[:, :, None], 4, axis=2)
    rgba[..., 3] = 255
    return {"background": None, "layers": [], "composite": rgba}


def test_a_drawn_seven_is_found_and_the_sliders_start_from_the_match(page: Page) -> None:
    e, token = page.explore, new_token()
    d = e.drawn
    e.on_model(token, "default")
    out = d.on_find(token, "default", _canvas(seven_drawing()))
    origin = out[e.origin]
    assert len(origin) == 16 and all(out[s] == 0.0 for s in e.sliders)
    assert "Best match after 300 Adam steps" in out[d.caption] and "origin" in out[d.caption]
    strip = out[d.search]
    assert strip.shape[1] > 10 * strip.shape[0]  # one row: the drawing, the steps, the match
    # The sliders at 0 around the origin draw the match; a slider moves away from it; a new seed forgets it.
    at_origin = e.on_latent(token, "default", 0, 0, "principal", *ZEROS, origin=origin)[e.digit_image]
    assert np.array_equal(at_origin, out[e.digit_image])
    moved = e.on_latent(token, "default", 0, 0, "principal", 1.5, *ZEROS[1:], origin=origin)[e.digit_image]
    assert not np.array_equal(moved, at_origin)
    assert not np.array_equal(e.on_latent(token, "default", 0, 0, "principal", *ZEROS)[e.digit_image], at_origin)


def test_a_conditional_model_is_asked_for_the_digit_the_classifier_reads(page: Page) -> None:
    e, token = page.explore, new_token()
    out = e.drawn.on_find(token, "conditional", _canvas(seven_drawing()))
    assert out[e.digit] == 7 and "**7**, the classifier's reading" in out[e.drawn.caption]


def test_does_it_copy_shows_the_nearest_training_digits_and_a_verdict(page: Page) -> None:
    e, token = page.explore, new_token()
    out = e.drawn.on_copy(token, "default", 0, 0, "principal", *ZEROS)
    picture, words = out[e.drawn.neighbours], out[e.drawn.verdict]
    assert picture.shape == (3 * (2 * 30 + 2), 3 * (6 * 30 + 2))  # two rows: the digit and its 5 neighbours
    assert words.startswith(("**Not a copy", "**Looks copied"))
    distances = [[float(cell.split()[0]) for cell in line.split(" | ")[1:]]
                 for line in words.splitlines() if line.startswith(("| pixels", "| features"))]
    assert len(distances) == 2 and all(len(row) == 5 and row == sorted(row) for row in distances)


@pytest.mark.parametrize(("sketch", "words"), [
    (None, "blank"),
    (_canvas(np.full((280, 280), 255, np.uint8)), "blank"),
    (_canvas(np.zeros((280, 280), np.uint8)), "filled"),
    (_canvas(np.full((5000, 10), 255, np.uint8)), "between 8 and 2048"),
])
def test_a_canvas_that_holds_no_digit_gets_a_plain_message(page: Page, sketch, words: str) -> None:
    with pytest.raises(gr.Error, match=words):
        page.explore.drawn.on_find(new_token(), "default", sketch)
