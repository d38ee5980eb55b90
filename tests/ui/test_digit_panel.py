"""The digit map beside the Train tab's meter and show me the digits, through their handlers: the map comes with a
new reading (and only then), the gallery shows the run's samples of a digit, bad input gets a plain message."""

from __future__ import annotations

import re

import gradio as gr
import numpy as np
import pytest

from ganplayground.export.digit_map_picture import MAP_SIZE, digit_map_picture
from ganplayground.measure.digit_map import DigitGallery
from ganplayground.presets import get_preset
from ganplayground.train.snapshots import Snapshot
from ganplayground.ui.app import Page
from ganplayground.ui.server.sessions import new_token
from ganplayground.ui.tabs.digit_panel import DigitPanel, gallery_words
from ganplayground.ui.widgets.map_view import map_update

from .pages import FORM, poll_until

RING = ["ring-js", "ring", "js", "mlp", 1e-3, 1e-3, 64, 2, 1, 0, 30]


def _map_of(out: dict, tab) -> np.ndarray | None:
    update = out.get(tab.digit_map)
    return update.get("value") if isinstance(update, dict) else None


def test_a_running_digit_run_shows_its_map_beside_the_meter(page: Page) -> None:
    t, token = page.train, new_token()
    t.on_start(token, *FORM)
    out = poll_until(t, token, lambda o: isinstance(_map_of(o, t), np.ndarray) and o.get(t.meter)
                     and "Measuring" not in o[t.meter], timeout=60)
    picture = _map_of(out, t)
    assert picture.shape == (MAP_SIZE, MAP_SIZE, 3) and picture.dtype == np.uint8
    assert (picture != digit_map_picture(None)).any()  # the samples are on it
    assert out[t.digit_map]["visible"] is True


def _snapshot(metrics_step: int, reading: dict | None) -> Snapshot:
    return Snapshot(step=metrics_step + 5, samples_seen=0, elapsed=1.0, steps_per_sec=1.0, loss="js", stats=None,
                    status="running", metrics=reading, metrics_step=metrics_step, device="CPU",
                    grid=np.zeros((302, 302), np.uint8))


def test_the_poll_sends_the_map_only_when_the_reading_changed() -> None:
    config, sent = get_preset("collapse").config, {}
    reading = {"map": {"x": [0, 50], "y": [0, -30], "digit": [8, 4]}}
    assert isinstance(map_update(_snapshot(100, reading), config, sent)["value"], np.ndarray)
    assert map_update(_snapshot(100, reading), config, sent) == gr.skip()  # the same reading: nothing sent
    assert isinstance(map_update(_snapshot(200, reading), config, sent)["value"], np.ndarray)


def test_show_me_a_digit_of_a_running_mnist_run(page: Page) -> None:
    t, token = page.train, new_token()
    t.on_start(token, *FORM)
    poll_until(t, token, lambda o: o.get(t.samples) is not None, timeout=60)
    counts = []
    for digit in ("1", 7):
        picture, words = t.digits.on_digit(token, digit)
        assert "samples are" in words or "None of" in words
        counts.append(int(words.split("**")[1].split(" of ")[0].replace(",", "")) if "samples are" in words else 0)
        if picture is not None:
            assert picture.ndim == 2 and picture.dtype == np.uint8
    assert sum(counts) <= 1000


@pytest.mark.parametrize(("digit", "words"), [(11, "between 0 and 9"), ("x", "must be a number"),
                                                (2.5, "whole number")])
def test_a_digit_that_is_not_one_gets_a_plain_message(page: Page, digit, words: str) -> None:
    t, token = page.train, new_token()
    t.on_start(token, *FORM)
    with pytest.raises(gr.Error, match=words):
        t.digits.on_digit(token, digit)


def test_without_a_run_or_on_a_toy_the_gallery_says_why(page: Page) -> None:
    t, token = page.train, new_token()
    with pytest.raises(gr.Error, match="No training yet"):
        t.digits.on_digit(token, 1)
    t.on_start(token, *RING)
    with pytest.raises(gr.Error, match="MNIST runs only"):
        t.digits.on_digit(token, 1)
    out = poll_until(t, token, lambda o: o.get(t.samples) is not None, timeout=30)
    assert out[t.digit_map]["visible"] is False  # no map for a toy


def test_the_gallery_line_reads_a_collapse_and_an_absent_digit() -> None:
    ones = DigitGallery(1, np.zeros((32, 28, 28), np.uint8), 980, 1000, 25.2, 7.0)
    assert gallery_words(ones) == ("**980 of 1,000** samples are 1s (the first 32 shown) · legibility of these 1s "
                                   "**25** (as many real 1s score ~7; above 1,000 they are not digits: these read as "
                                   "digits)")
    none = DigitGallery(0, np.zeros((0, 28, 28), np.uint8), 0, 1000, float("nan"), float("nan"))
    assert "None of 1,000" in gallery_words(none)


def test_a_drag_across_the_histogram_picks_its_first_digit() -> None:
    class Event:
        def __init__(self, value):
            self.value = value

    assert DigitPanel.on_bar(Event(["3", "4"])) == "3"
    assert DigitPanel.on_bar(Event([7.0, 8.0])) == "7"


def test_the_shipped_collapsed_model_shows_all_1s_in_explore(page: Page) -> None:
    panel, token = page.explore.model_digits, new_token()
    picture, words = panel.on_model_digit(token, "collapsed-js", "1")
    count = int(re.search(r"\*\*([\d,]+) of 1,000\*\*", words).group(1).replace(",", ""))
    assert count > 900 and "samples are 1s" in words and picture.shape[1] == 2 * (8 * 30 + 2)  # 8 a row, doubled
    _, none = panel.on_model_digit(token, "collapsed-js", "4")
    assert "samples is a 4" in none or re.search(r"\*\*\d{1,2} of 1,000\*\*", none)  # hardly any 4s
    with pytest.raises(gr.Error, match="Unknown model"):
        panel.on_model_digit(token, "../etc/passwd", "1")
