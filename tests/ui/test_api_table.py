"""Every endpoint in docs/api.md's table, called through gradio_client on the running app in the order a script
would use them, each answering as the table says; and the table lists exactly the app's endpoints."""

from __future__ import annotations

import re
import time
from pathlib import Path

import numpy as np
from gradio_client import Client, handle_file
from PIL import Image

from ganplayground.train.drawings import decode_drawing

from ..measure.test_inversion import seven_drawing
from ..waiting import wait_for
from .pages import FORM

API_DOC = Path(__file__).resolve().parents[2] / "docs" / "api.md"


def documented() -> list[str]:
    """The endpoints in the first column of the docs' endpoint table, in order."""
    table = API_DOC.read_text().split("### Endpoints", 1)[1]
    return re.findall(r"^\| `(/\w+)` \|", table, flags=re.M)


def test_the_table_lists_exactly_the_apps_endpoints(client: Client) -> None:
    names = documented()
    assert len(names) == len(set(names))
    assert set(names) == set(client.view_api(print_info=False, return_format="dict")["named_endpoints"])


def _image(path: str) -> tuple[int, int]:
    return Image.open(path).size


def test_every_documented_endpoint_answers_as_the_table_says(client: Client, tmp_path: Path) -> None:
    called: set[str] = set()

    def call(endpoint: str, *args):
        called.add(endpoint)
        return client.predict(*args, api_name=endpoint)

    me = call("/new_session")
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", me)
    assert call("/preset", "collapse")[0] == "mnist"
    status, _timer = call("/start", me, *FORM)
    assert any(w in status for w in ("Training", "Starting", "Waiting"))
    poll = wait_for(lambda: (p := call("/poll", me)) and isinstance(p[0], str) and p, 60, "a sample grid")
    assert _image(poll[0]) == (302, 302) and "step" in poll[6]
    assert call("/pause", me)[1] == "Resume" and call("/resume", me)[1] == "Pause"
    assert "Paus" in call("/toggle_pause", me) and "Resumed" in call("/toggle_pause", me)
    assert "Switched to Wasserstein" in call("/switch_loss", me, "wgan-gp")
    assert "Speed: full speed" in call("/speed", me, 0)
    assert "One step done" in call("/step", me, *FORM)[0]
    assert "One D step" in call("/d_step", me, *FORM)[3] and "One G step" in call("/g_step", me, *FORM)[3]
    assert "Restored the weights of step" in call("/restore", me)
    picture, caption = call("/timeline_frame", me, 100)
    assert _image(picture) == (302, 302) and "Moment" in caption
    assert Image.open(call("/timeline_gif", me)).format == "GIF"
    _, ones = call("/model_digit_samples", me, "collapsed-js", "1")
    assert "samples are 1s" in ones
    gallery, words = call("/digit_samples", me, "1")
    assert "samples are 1s" in words or "None of" in words
    assert gallery is None or Image.open(gallery).format == "PNG"
    assert Image.open(call("/lab_card", me)).format == "PNG"
    zipped = call("/download_model", me)
    assert zipped.endswith(".zip")
    assert "Stopped" in call("/stop", me)

    other = call("/new_session")
    models, note, _ = call("/upload_model", other, [handle_file(zipped)])
    assert "Loaded" in note and models["value"].startswith("Uploaded: ")
    explored = call("/explore_model", other, models["value"])
    assert len(explored) == 9 and "latent size 16" in explored[-1]  # picker, six sliders, digit, info
    digit = call("/latent", other, "default", 0, 0, "principal", 1.5, 0, 0, 0, 0, 0)
    assert digit["url"].startswith("data:image/png;base64,")
    assert len(call("/randomize", other, "default", 0, "raw")) == 8  # seed, six sliders, digit
    assert _image(call("/interpolate", other, "default", 1, 2, 0)) == (3 * (10 * 30 + 2), 3 * 32)
    Image.fromarray(seven_drawing()).save(tmp_path / "seven.png")
    found = call("/invert", other, "default", {"background": None, "layers": [], "composite":
                                               handle_file(str(tmp_path / "seven.png"))})
    assert len(found) == 11 and "Best match" in found[2]  # strip, match, caption, picker, six sliders, digit
    picture, words = call("/nearest", other, "default", 0, 0, "principal", 0, 0, 0, 0, 0, 0)
    assert _image(picture) == (3 * (6 * 30 + 2), 3 * (2 * 30 + 2)) and "| pixels |" in words
    assert call("/reset", me)[6].startswith("Ready")

    left, right, _ = call("/duel_start", me, "collapse", "js", "wgan-gp", 0, 10)
    assert "JS, non-saturating" in left + right or "Waiting" in left + right
    duel = wait_for(lambda: (d := call("/duel_poll", me)) and isinstance(d[0], str) and d, 60, "the duel's grid")
    assert len(duel) == 2 * 7 + 1 + 2 + 2  # the sides, the timer, the two digit maps, the two grids in words
    assert len(call("/duel_stop", me)) == 2
    time.sleep(0.5)
    assert Image.open(call("/duel_gif", me)).format == "GIF"

    for n, preset in enumerate(("default", "vanishing", "collapse", "wgan-gp", "ring-js"), start=1):
        lesson = call(f"/lesson_{n}")
        assert lesson[0] == preset and len(lesson) == 1 + 12 + 1  # the preset, the form it fills, the duel's
    for n, preset, views in ((2, "grid-js", [False, True]), (5, "ring-bend", [True, True])):
        toy = call(f"/lesson_{n}_toy")
        assert toy[0] == preset and list(toy[-2:]) == views  # the preset, its form, the two view switches
    circle = [[float(np.cos(a)), float(np.sin(a))] for a in np.linspace(0, 2 * np.pi, 200)]
    code = call("/drawing", circle)
    assert len(decode_drawing(code).points) > 100
    ink = tmp_path / "ink.png"
    Image.fromarray(np.pad(np.zeros((120, 6), np.uint8), 100, constant_values=255)).save(ink)
    drawn, words = call("/draw", {"background": None, "layers": [], "composite": handle_file(str(ink))})
    assert decode_drawing(drawn).points.shape[1] == 2 and "points along the strokes" in words
    assert "Arrows:" in call("/views", me, False, True, 2)
    assert call("/read_link", "preset=collapse&tab=duel")["setup"]["tab"] == "duel"
    assert call("/share_link", "collapse", "js", 0, "duel").endswith("?preset=collapse&loss=js&seed=0&tab=duel")
    board, marks, _, _, next_round = call("/game_round", "collapsed-js", 3)
    assert marks == [] and next_round == 4
    assert "of 16 right" in call("/game_check", [1, 2])[1]
    assert "No class" in _refused(lambda: call("/class_join", me, "ZZZZZZ", "Ada"))
    assert "Join a class first" in _refused(lambda: call("/class_predict", me, 3, ""))
    assert called == set(documented()), set(documented()) - called


def _refused(action) -> str:
    """The message of a call that must fail (gradio_client raises the server's plain sentence)."""
    try:
        action()
    except Exception as exc:  # noqa: BLE001 - gradio_client's AppError
        return str(exc)
    raise AssertionError("the call was accepted")
