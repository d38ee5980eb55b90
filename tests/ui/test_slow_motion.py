"""The slow-motion handlers (D step, G step, speed) called directly, then through the running app's API with bad
inputs."""

from __future__ import annotations

import time

import gradio as gr
import numpy as np
import pytest
import torch
from gradio_client import Client

from ganplayground.export.step_pictures import d_step_picture, g_step_picture
from ganplayground.ui.app import Page
from ganplayground.ui.server.sessions import new_token

from .pages import FORM as MNIST

# The ring preset's networks with a quick learning rate (preset, dataset, loss, arch, lr_d, lr_g, batch, latent,
# critic steps, seed, budget).
RING = ["ring-js", "ring", "js", "mlp", 1e-3, 1e-3, 64, 2, 1, 0, 30]


def _state(module: torch.nn.Module) -> list[torch.Tensor]:
    return [v.detach().clone() for v in module.state_dict().values()]


def _same(a: list[torch.Tensor], b: list[torch.Tensor]) -> bool:
    return all(torch.equal(x, y) for x, y in zip(a, b, strict=True))


def test_d_step_reshapes_the_heat_map_and_g_step_moves_the_points(page: Page) -> None:
    t, pg = page.train, page.train.pg
    sm = t.slow_motion
    token = new_token()
    first = sm.on_d_step(token, *RING)  # no run yet: a paused one from the form, then one D step
    trainer = pg.manager.session(token).run.trainer
    assert trainer.paused and trainer.step_count == 0 and first[t.pause] == "Resume"
    assert first[t.samples].shape == (384, 384, 3)
    g, d = _state(trainer.generator), _state(trainer.discriminator)

    out = sm.on_d_step(token, *RING)
    assert _same(g, _state(trainer.generator)) and not _same(d, _state(trainer.discriminator))
    assert not np.array_equal(out[t.samples], first[t.samples])  # the heat map under the points changed
    assert out[sm.change]["visible"] and out[sm.change]["value"].shape == (384, 384, 3)
    assert "What one D step changed" in out[sm.caption]["value"] and "One D step" in out[t.status]
    assert "D step: D scores" in out[sm.overview] and "updated: D." in out[sm.overview]  # the overview lights D
    assert trainer.step_count == 0

    g, d = _state(trainer.generator), _state(trainer.discriminator)
    points = trainer.sample_fixed()
    out = sm.on_g_step(token, *RING)
    assert _same(d, _state(trainer.discriminator)) and not _same(g, _state(trainer.generator))
    assert (trainer.sample_fixed() - points).norm(dim=1).max() > 0
    assert "What one G step changed" in out[sm.caption]["value"] and "step 1 " in out[t.status]
    assert "G step: G's loss flows back through D" in out[sm.overview] and "updated: G." in out[sm.overview]
    assert trainer.step_count == 1 and isinstance(out[t.timer], gr.Timer)
    # The page's poll shows the same run, with the half steps in its curves' history.
    assert [h["step"] for h in trainer.history] == [0, 0, 1]
    t.on_stop(token)


def test_a_half_step_pauses_a_live_run_first(page: Page) -> None:
    t, pg = page.train, page.train.pg
    sm = t.slow_motion
    token = new_token()
    t.on_start(token, *RING)
    run = pg.manager.session(token).run
    deadline = time.monotonic() + 30
    while run.trainer.step_count < 5:
        assert time.monotonic() < deadline
        time.sleep(0.05)
    sm.on_g_step(token, *RING)
    assert run.trainer.paused and pg.manager.session(token).run is run
    held = run.trainer.step_count
    time.sleep(0.3)
    assert run.trainer.step_count == held  # paused: only the buttons step it now
    sm.on_d_step(token, *RING)
    assert run.trainer.step_count == held
    t.on_stop(token)


def test_a_stopped_run_goes_on_from_its_networks_and_a_reset_one_starts_afresh(page: Page) -> None:
    t, pg = page.train, page.train.pg
    sm = t.slow_motion
    token = new_token()
    sm.on_step(token, *RING)  # the existing Step button: one whole step
    sm.on_step(token, *RING)
    trainer = pg.manager.session(token).run.trainer
    assert trainer.step_count == 2
    t.on_stop(token)
    sm.on_g_step(token, *RING)
    run = pg.manager.session(token).run
    assert run.trainer is trainer and trainer.step_count == 3 and run.alive and trainer.paused
    other_seed = [*RING[:9], 1, RING[10]]  # other networks in the form: a new run
    t.on_stop(token)
    sm.on_g_step(token, *other_seed)
    assert pg.manager.session(token).run.trainer is not trainer
    t.on_reset(token)
    sm.on_d_step(token, *RING)
    assert pg.manager.session(token).run.trainer.step_count == 0
    t.on_stop(token)


def test_on_digits_the_half_steps_train_and_draw_no_change_picture(page: Page) -> None:
    t, pg = page.train, page.train.pg
    sm = t.slow_motion
    token = new_token()
    out = sm.on_d_step(token, *MNIST)
    assert out[t.samples].ndim == 2 and out[sm.change]["visible"] is False and out[sm.caption]["visible"] is False
    assert "D(real) and D(fake)" in out[t.status]
    out = sm.on_g_step(token, *MNIST)
    assert "the samples changed" in out[t.status] and pg.manager.session(token).run.trainer.step_count == 1
    t.on_stop(token)


def test_the_speed_control_paces_the_live_run_and_the_next_ones(page: Page) -> None:
    t, pg = page.train, page.train.pg
    sm = t.slow_motion
    token = new_token()
    assert "for the next run" in sm.set_speed(token, 1.0)
    t.on_start(token, *RING)
    run = pg.manager.session(token).run
    assert run.trainer.pace.rate == 1.0
    status = sm.set_speed(token, 0)
    assert "full speed" in status and run.trainer.pace.rate == 0.0
    sm.set_speed(token, 10)
    sm.on_d_step(token, *RING)  # a paused run made by a button keeps the session's pace too
    assert pg.manager.session(token).run.trainer.pace.rate == 10.0
    t.on_stop(token)


@pytest.mark.parametrize("bad", [-1, 5000, "fast", None, float("nan")])
def test_a_bad_speed_gets_a_plain_message(page: Page, bad) -> None:
    sm = page.train.slow_motion
    with pytest.raises(gr.Error, match="speed must be"):
        sm.set_speed(new_token(), bad)


def test_a_half_step_on_a_diverged_run_says_why(page: Page) -> None:
    t, pg = page.train, page.train.pg
    sm = t.slow_motion
    token = new_token()
    sm.on_d_step(token, *RING)
    trainer = pg.manager.session(token).run.trainer
    with torch.no_grad():
        trainer.discriminator.head.bias.fill_(float("nan"))
    with pytest.raises(gr.Error, match="diverged"):
        sm.on_g_step(token, *RING)
    t.on_stop(token)


def test_the_change_pictures_colour_what_rose_and_stretch_small_moves_honestly() -> None:
    before = np.zeros((64, 64), np.float32)
    after = before.copy()
    after[:, 32:] = 0.01  # D's opinion rose on the right half (x > 0) only
    none = np.empty((0, 2), np.float32)
    image, caption = d_step_picture(before, after, 3.0, none, none)
    assert tuple(image[192, 370]) == (220, 110, 30) and tuple(image[192, 10]) == (235, 240, 245)
    assert "up to 0.01" in caption
    old = np.zeros((10, 2), np.float32)
    new = old + [0.01, 0.0]  # 0.64 px on the plot: drawn 20x longer (the largest round factor to ~24 px)
    image, caption = g_step_picture(np.zeros((64, 64), np.float32), 3.0, none, old, new)
    assert "drawn 20x longer" in caption and "median move 0.01" in caption
    row, col = 191, round(191.5 + 20 * 0.64)  # the stretched new place: a red dot
    assert tuple(image[row, col]) == (200, 0, 60)


# --- through the API -------------------------------------------------------------------------------------------
def test_d_and_g_steps_through_the_api(client: Client) -> None:
    token = client.predict(api_name="/new_session")
    out = client.predict(token, *RING, api_name="/d_step")
    assert "One D step" in out[3]
    out = client.predict(token, *RING, api_name="/g_step")
    assert "One G step" in out[3] and "step 1 " in out[3]
    assert "Speed: 1 step a second" in client.predict(token, 1, api_name="/speed")
    client.predict(token, api_name="/stop")


@pytest.mark.parametrize(("endpoint", "args", "words"), [
    ("/speed", ["fast"], "speed must be"),
    ("/speed", [-3], "speed must be"),
    ("/speed", [1e9], "speed must be"),
    ("/d_step", ["ring-js", "cifar10", *RING[2:]], "cifar10"),
    ("/g_step", [*RING[:4], "quick", *RING[5:]], "number"),
    ("/g_step", [*RING[:6], 64, 2, 1, -1, 30], "minimum"),
])
def test_bad_slow_motion_input_gets_a_plain_message(client: Client, endpoint: str, args: list, words: str) -> None:
    token = client.predict(api_name="/new_session")
    with pytest.raises(Exception) as caught:
        client.predict(token, *args, api_name=endpoint)
    assert words.lower() in str(caught.value).lower() and "Traceback" not in str(caught.value)
    assert client.predict(api_name="/new_session")  # still serving
