"""Drawing a digit and "Does it copy?" through the API: a drawn 7 is found and its nearest training digits come
back; a blank, all-white, filled, wrongly sized or 10 MB drawing, or a NaN slider, gets one plain sentence and
the server keeps serving."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from gradio_client import Client, handle_file
from PIL import Image

from ..measure.test_inversion import seven_drawing
from .pages import api_error


def _canvas(path: Path) -> dict:
    return {"background": None, "layers": [], "composite": handle_file(str(path))}


def test_a_drawn_seven_is_found_and_checked_for_copying(client: Client, tmp_path: Path) -> None:
    token = client.predict(api_name="/new_session")
    Image.fromarray(seven_drawing()).save(tmp_path / "seven.png")
    found = client.predict(token, "default", _canvas(tmp_path / "seven.png"), api_name="/invert")
    strip, match, caption = found[:3]
    assert Image.open(strip).size[0] > 10 * Image.open(strip).size[1] and match["url"].startswith("data:image/png")
    assert "Best match after 300 Adam steps" in caption
    picture, words = client.predict(token, "default", 0, 0, "principal", 0, 0, 0, 0, 0, 0, api_name="/nearest")
    assert Image.open(picture).size == (3 * (6 * 30 + 2), 3 * (2 * 30 + 2))
    assert "copy" in words.lower() and "| pixels |" in words and "| features |" in words


def _noise_png(path: Path, side: int) -> Path:
    """A picture of random grey noise: a PNG of about side² bytes (it does not compress)."""
    Image.fromarray(np.random.default_rng(0).integers(0, 256, (side, side), dtype=np.uint8)).save(path)
    return path


BAD_DRAWINGS = [
    ("blank", lambda p: Image.new("RGBA", (280, 280), (0, 0, 0, 0)).save(p), "blank"),
    ("all-white", lambda p: Image.new("L", (280, 280), 255).save(p), "blank"),
    ("filled", lambda p: Image.new("L", (280, 280), 0).save(p), "filled"),
    ("wrong-size", lambda p: Image.new("L", (4, 4), 0).save(p), "between 8 and 2048"),
    ("10MB", lambda p: _noise_png(p, 3300), "between 8 and 2048"),
]


@pytest.mark.parametrize(("make", "words"), [(m, w) for _, m, w in BAD_DRAWINGS], ids=[i for i, _, _ in BAD_DRAWINGS])
def test_a_drawing_that_holds_no_digit_gets_a_plain_message(client: Client, app_url: str, tmp_path: Path, make,
                                                            words: str) -> None:
    token = client.predict(api_name="/new_session")
    path = tmp_path / "drawing.png"
    make(path)
    message = api_error(client, app_url, "/invert", token, "default", _canvas(path))
    assert words in message and "Traceback" not in message
    assert client.predict(api_name="/new_session")  # still serving


def test_a_nan_slider_or_a_toy_model_gets_a_plain_message(client: Client, app_url: str) -> None:
    token = client.predict(api_name="/new_session")
    nan = float("nan")
    assert "slider 1" in api_error(client, app_url, "/nearest", token, "default", 0, 0, "principal", nan, 0, 0, 0, 0, 0)
    assert "2-D toy" in api_error(client, app_url, "/nearest", token, "ring-js", 0, 0, "principal", 0, 0, 0, 0, 0, 0)
    assert client.predict(api_name="/new_session")
