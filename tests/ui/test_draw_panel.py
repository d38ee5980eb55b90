"""The Train tab's own data and toy views: the canvas's strokes into a drawing (and its plain messages), the `draw`
preset on the canvas, training on a drawing with the warped grid and the arrows switched on, then the same through
the running app's API with bad input (no points, NaN, a damaged drawing): each a plain message, the server serving."""

from __future__ import annotations

import json
import zipfile

import gradio as gr
import numpy as np
import pytest
from gradio_client import Client, handle_file
from PIL import Image

from ganplayground.train.drawings import HEART, decode_drawing, drawing_from_points, drawing_image
from ganplayground.train.images import ARROW_COLOUR, GRID_COLOUR
from ganplayground.ui.app import Page
from ganplayground.ui.server.sessions import new_token
from ganplayground.ui.tabs.draw_panel import canvas_value

from .pages import api_error, poll_until

# The draw preset's networks, quick (preset, dataset, loss, arch, lr_d, lr_g, batch, latent, critic steps, seed,
# budget, drawing).
DRAWN = ["draw", "drawn", "js", "mlp", 1e-3, 1e-3, 256, 2, 1, 0, 20, HEART]


def _canvas(ink: np.ndarray) -> dict:
    """The canvas's value for a white picture with ink where `ink` (H, W) is True, as Gradio sends it."""
    rgba = np.full((*ink.shape, 4), 255, np.uint8)
    rgba[ink, :3] = 0
    return {"background": rgba, "layers": [], "composite": rgba}


def _has(image: np.ndarray, colour: tuple[int, int, int]) -> int:
    return int((image[..., :3] == colour).all(axis=2).sum())


def test_strokes_on_the_canvas_become_the_forms_drawing(page: Page) -> None:
    draw = page.train.draw
    ink = np.zeros((320, 320), bool)
    ink[60:66, 40:280] = True  # a bar across the top
    ink[60:260, 150:156] = True  # and down the middle: a T
    out = draw.on_draw(_canvas(ink))
    code = out[draw.code]
    points = decode_drawing(code).points
    assert "points along the strokes" in out[draw.message] and len(points) > 50
    assert points[:, 1].max() > 1.0 and points[:, 1].min() < -1.0  # the T's top and foot, y up


@pytest.mark.parametrize(("ink", "words"), [
    (np.zeros((320, 320), bool), "empty"),
    (np.pad(np.ones((4, 4), bool), 158), "single dot"),
    (np.ones((320, 320), bool), "filled area"),
], ids=["empty", "dot", "filled"])
def test_a_drawing_that_is_no_data_gets_a_plain_message_and_no_code(page: Page, ink: np.ndarray, words: str) -> None:
    draw = page.train.draw
    out = draw.on_draw(_canvas(ink))
    assert out[draw.code] == "" and words in out[draw.message]
    assert draw.on_draw({"background": None, "layers": [], "composite": None})[draw.code] == ""


def test_the_draw_preset_puts_its_heart_on_the_canvas_and_in_the_form(page: Page) -> None:
    form, draw = page.train.form, page.train.draw
    out = form.on_preset("draw")
    assert out[form.dataset] == "drawn" and out[form.drawing] == HEART
    canvas = draw.on_preset("draw")["background"]
    assert np.array_equal(canvas[..., 0], drawing_image(HEART, canvas.shape[0]))
    redrawn = draw.on_draw(canvas_value(HEART))[draw.code]  # the painted heart read back is the same drawing
    assert np.array_equal(decode_drawing(redrawn).points, decode_drawing(HEART).points)
    shown = draw.on_dataset("drawn")
    assert shown[draw.box]["visible"] and shown[draw.views_row]["visible"]
    hidden = draw.on_dataset("mnist")
    assert not hidden[draw.box]["visible"] and not hidden[draw.views_row]["visible"]


def test_a_drawing_trains_and_the_views_draw_on_its_plot(page: Page) -> None:
    t, draw = page.train, page.train.draw
    token = new_token()
    caption = draw.on_views(token, True, True, 2)  # switched on before Start: the run draws them from its start
    assert "Grid:" in caption and "z₁ and z₂" in caption and "Arrows:" in caption
    try:
        t.on_start(token, *DRAWN)
        out = poll_until(t, token, lambda o: t.meter in o and "of your drawing covered" in o[t.meter], 60)
        assert "median push" in out[t.draw.caption]
        plot = out[t.samples]  # by now G has spread its grid over the plane
        assert plot.shape == (384, 384, 3) and _has(plot, GRID_COLOUR) > 100 and _has(plot, ARROW_COLOUR) > 20
        draw.on_views(token, False, False, 2)  # off again: the next pictures have neither
        out = poll_until(t, token, lambda o: o.get(t.draw.caption) == "", 30)
        assert _has(out[t.samples], GRID_COLOUR) == 0 and _has(out[t.samples], ARROW_COLOUR) == 0
    finally:
        t.on_stop(token)


def test_drawn_data_through_the_api(client: Client, app_url: str, tmp_path) -> None:
    token = client.predict(api_name="/new_session")
    angle = np.linspace(0, 2 * np.pi, 300)
    code = client.predict([[float(np.cos(a)), float(np.sin(a))] for a in angle], api_name="/drawing")
    assert len(decode_drawing(code).points) > 100
    status, _timer = client.predict(token, *DRAWN[:-1], code, api_name="/start")
    assert any(w in status for w in ("Training", "Starting", "Waiting"))
    assert "Arrows:" in client.predict(token, False, True, 2, api_name="/views")
    client.predict(token, api_name="/stop")
    picture = tmp_path / "t.png"
    ink = np.full((320, 320), 255, np.uint8)
    ink[100:220, 100:106] = 0
    Image.fromarray(ink).save(picture)
    drawn, message = client.predict({"background": None, "layers": [], "composite": handle_file(str(picture))},
                                    api_name="/draw")
    assert len(decode_drawing(drawn).points) > 5 and "Start" in message


@pytest.mark.parametrize(("points", "words"), [
    ([], "two columns"),
    ([[0.0, 0.0]], "too few points"),
    ([[0.0, 0.0], [float("nan"), 1.0], [1.0, 1.0]], "NaN"),
    ([["a", "b"], [1, 2]], "numbers"),
], ids=["none", "one", "nan", "words"])
def test_bad_points_through_the_api_get_a_plain_message(client: Client, app_url: str, points: list,
                                                        words: str) -> None:
    message = api_error(client, app_url, "/drawing", points)
    assert words.lower() in message.lower() and "Traceback" not in message
    assert client.predict(api_name="/new_session")  # still serving


def test_a_drawing_goes_through_slow_motion_the_timeline_the_lab_card_and_the_download(page: Page) -> None:
    t, sm = page.train, page.train.slow_motion
    token = new_token()
    t.draw.on_views(token, True, True, 2)
    try:
        first = sm.on_g_step(token, *DRAWN)  # a paused run on the drawing, one G step: the grid before and after
        assert "What one G step changed" in first[sm.caption]["value"] and first[sm.change]["visible"]
        assert _has(first[sm.change]["value"], GRID_COLOUR) > 0
        assert "G step:" in first[sm.overview] and "updated: G." in first[sm.overview]
        d = sm.on_d_step(token, *DRAWN)
        assert "What one D step changed" in d[sm.caption]["value"] and "updated: D." in d[sm.overview]
        t.on_start(token, *DRAWN[:-2], 6, HEART)  # then a 6-second run on the heart
        poll_until(t, token, lambda o: "Finished" in o.get(t.status, ""), 60)
        picture, caption = t.timeline.frame(token, 100)
        assert picture.ndim == 3 and "parts" in caption  # "k of 10 parts", the meter's word for a drawing
        gif = t.timeline.on_gif(token)[t.timeline.gif_file]
        assert Image.open(gif).format == "GIF" and Image.open(gif).n_frames > 1
        card = Image.open(t.handin.lab_card_file(token))
        assert card.format == "PNG" and card.width > 500
        with zipfile.ZipFile(t.handin.model_file(token)) as model:  # the drawing travels with the model
            assert json.loads(model.read("config.json"))["config"]["drawing"] == HEART
    finally:
        t.on_stop(token)


def test_a_duel_of_the_draw_networks_trains_both_sides_on_the_train_tabs_drawing(page: Page) -> None:
    duel, token = page.duel, new_token()
    line = drawing_from_points(np.stack([np.linspace(-1, 1, 200), np.linspace(-1, 1, 200)], axis=1))
    try:
        runs = duel.start_duel(token, "draw", "js", "wgan-gp", 0, 10, line)
        assert [run.trainer.config.drawing for run in runs] == [line, line]
        assert [run.trainer.config.loss for run in runs] == ["js", "wgan-gp"]
        with pytest.raises(gr.Error, match="damaged"):
            duel.start_duel(token, "draw", "js", "wgan-gp", 0, 10, "@@@@")
    finally:
        duel.on_stop(token)


@pytest.mark.parametrize(("query", "words"), [
    ("draw=@@@@", "damaged"),
    ("draw=" + "A" * 3000, "at most 2,048 characters"),
    (f"preset=collapse&draw={HEART}", "draws digits"),
], ids=["damaged", "too-long", "digits-preset"])
def test_a_bad_drawing_in_a_link_read_through_the_api_is_a_note(client: Client, query: str, words: str) -> None:
    read = client.predict(query, api_name="/read_link")
    assert read["setup"]["draw"] is None and any(words in note for note in read["notes"]), read["notes"]
    assert client.predict(api_name="/new_session")  # still serving
