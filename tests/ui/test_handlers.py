"""Page handlers called directly: start, poll, loss switch, pause/step, stop; Explore; bad input."""

from __future__ import annotations

import time
from types import SimpleNamespace

import gradio as gr
import numpy as np
import pandas as pd
import pytest

from ganplayground.ui.handlers import NUM_SLIDERS, SESSION_MODEL, Playground
from ganplayground.ui.sessions import new_token

# A quick form: the default preset's settings with a tiny time budget (preset, dataset, loss, arch,
# lr_d, lr_g, batch, latent, critic steps, seed, budget).
FORM = ["default", "mnist", "js", "mlp", 1e-3, 1e-3, 32, 16, 1, 0, 30]


@pytest.fixture
def pg():
    playground = Playground(max_trainings=2, snapshot_seconds=0.1, metrics_seconds=0.5)
    yield playground
    playground.close()


def _poll_until(pg: Playground, token: str, condition, timeout: float = 30.0) -> tuple:
    seen, deadline = -1, time.monotonic() + timeout
    while True:
        out = pg.on_poll(token, seen)
        seen = out[-1]
        if condition(out):
            return out
        assert time.monotonic() < deadline, f"gave up waiting; status: {out[6]}"
        time.sleep(0.05)


def test_load_gives_a_token_and_keeps_it_across_a_refresh(pg: Playground) -> None:
    token, session_box, train_timer, _ = pg.on_load("", SimpleNamespace(session_hash="h1"))
    assert token == session_box and len(token) >= 16
    assert pg.on_load(token, SimpleNamespace(session_hash="h2"))[0] == token


def test_start_poll_switch_loss_and_stop(pg: Playground) -> None:
    token = new_token()
    status, timer = pg.on_start(token, *FORM)
    assert "Training" in status or "Starting" in status or "Waiting" in status
    out = _poll_until(pg, token, lambda o: isinstance(o[0], np.ndarray))
    image = out[0]
    assert image.shape == (302, 302) and image.dtype == np.uint8  # 10 x 10 digits, the page enlarges it
    assert "CPU" in out[6] and "steps/s" in out[6]
    first = image.copy()
    out = _poll_until(pg, token, lambda o: isinstance(o[0], np.ndarray) and not np.array_equal(o[0], first)
                      and isinstance(o[1], pd.DataFrame) and len(o[1]) > 0)
    assert set(out[1]["series"]) == {"D loss", "G loss"}

    message = pg.on_switch_loss(token, "wgan-gp")
    assert "Switched to Wasserstein, gradient penalty" in message
    out = _poll_until(pg, token, lambda o: isinstance(o[2], pd.DataFrame)
                      and "Wasserstein estimate" in set(o[2]["series"]))
    out = _poll_until(pg, token, lambda o: isinstance(o[4], str) and "of 10 digits" in o[4])
    assert isinstance(out[3], pd.DataFrame) and len(out[3]) == 10

    status = pg.on_stop(token)
    assert "Stopped" in status
    out = pg.on_poll(token, -1)
    assert out[9].active is False  # the timer stops once the run has ended


def test_unchanged_polls_skip_the_heavy_outputs(pg: Playground) -> None:
    token = new_token()
    pg.on_start(token, *FORM)
    _poll_until(pg, token, lambda o: isinstance(o[0], np.ndarray))
    pg.on_pause(token)
    time.sleep(0.3)
    seen = pg.on_poll(token, -1)[-1]
    again = pg.on_poll(token, seen)
    assert isinstance(again[0], type(gr.skip())) or again[0] == gr.skip()
    pg.on_stop(token)


def test_pause_then_step_advances_exactly_one_step(pg: Playground) -> None:
    token = new_token()
    pg.on_start(token, *FORM)
    _poll_until(pg, token, lambda o: isinstance(o[0], np.ndarray))
    status, label = pg.on_pause(token)
    assert label == "Resume"
    run = pg.manager.session(token).run
    deadline = time.monotonic() + 5
    while run.trainer.status != "paused":
        assert time.monotonic() < deadline
        time.sleep(0.01)
    before = run.trainer.step_count
    pg.on_step(token, *FORM)
    assert run.trainer.step_count == before + 1
    pg.on_resume(token)
    pg.on_stop(token)


def test_step_before_start_prepares_a_paused_run(pg: Playground) -> None:
    token = new_token()
    status, label, _timer = pg.on_step(token, *FORM)
    assert pg.manager.session(token).run.trainer.step_count == 1 and label == "Resume"
    pg.on_stop(token)


def test_toy_runs_show_points_over_the_decision_surface(pg: Playground) -> None:
    token = new_token()
    form = ["ring-js", "ring", "js", "mlp", 1e-3, 1e-3, 64, 2, 1, 0, 30]
    pg.on_start(token, *form)
    out = _poll_until(pg, token, lambda o: isinstance(o[0], np.ndarray) and isinstance(o[4], str)
                      and "blobs covered" in o[4])
    assert out[0].shape == (384, 384, 3)
    pg.on_stop(token)


def test_duel_runs_two_losses_side_by_side(pg: Playground) -> None:
    token = new_token()
    left, right, _ = pg.on_duel_start(token, "collapse", "js-minimax", "wgan-gp", 0, 30)
    seen = [-1, -1]
    deadline = time.monotonic() + 30
    while True:
        out = pg.on_duel_poll(token, seen)
        seen = out[-1]
        if isinstance(out[0], np.ndarray) and isinstance(out[5], np.ndarray):
            break
        assert time.monotonic() < deadline
        time.sleep(0.05)
    assert "JS, original minimax" in out[4] and "gradient penalty" in out[9]
    runs = pg.manager.session(token).duel
    assert runs[0].trainer.fixed_noise.equal(runs[1].trainer.fixed_noise)
    pg.on_duel_stop(token)


def test_explore_moves_a_shipped_digit_with_the_sliders(pg: Playground) -> None:
    token = new_token()
    name = "default"
    outputs = pg.on_explore_model(token, name)
    image0 = outputs[1 + NUM_SLIDERS]
    assert image0.shape == (224, 224)
    moved = pg.on_latent(token, name, 0, 0, "principal", 2.0, 0, 0, 0, 0, 0)
    assert not np.array_equal(moved, image0)
    assert np.array_equal(pg.on_latent(token, name, 0, 0, "principal", *([0.0] * NUM_SLIDERS)), image0)
    strip = pg.on_interpolate(token, name, 1, 2, 0)
    assert strip.shape == (3 * 32, 3 * (10 * 30 + 2))  # one row of ten digits, upscaled 3x


def test_explore_uses_the_model_trained_in_this_session(pg: Playground) -> None:
    token = new_token()
    with pytest.raises(gr.Error, match="not trained a model in this session"):
        pg.on_explore_model(token, SESSION_MODEL)
    pg.on_step(token, *FORM)
    image = pg.on_latent(token, SESSION_MODEL, 0, 0, "raw", *([0.0] * NUM_SLIDERS))
    assert image.shape == (224, 224)
    pg.on_stop(token)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda pg, t: pg.on_start(t, *FORM[:6], -5, *FORM[7:]), "batch size must be between 1 and 1024"),
        (lambda pg, t: pg.on_start(t, *FORM[:4], float("nan"), *FORM[5:]), "learning rate of D must be"),
        (lambda pg, t: pg.on_start(t, "nope", *FORM[1:]), "unknown preset 'nope'"),
        (lambda pg, t: pg.on_start(t, FORM[0], FORM[1], "lsgan", *FORM[3:]), "unknown loss 'lsgan'"),
        (lambda pg, t: pg.on_start("bad token!", *FORM), "session must be"),
        (lambda pg, t: pg.on_latent(t, "default", 0, 0, "principal", 99, 0, 0, 0, 0, 0), "slider 1 must be between"),
        (lambda pg, t: pg.on_latent(t, "../etc", 0, 0, "principal", *([0] * 6)), "Unknown model"),
        (lambda pg, t: pg.on_stop(t), "No training yet"),
    ],
)
def test_bad_input_gets_a_clear_message(pg: Playground, call, message: str) -> None:
    with pytest.raises(gr.Error, match=message):
        call(pg, new_token())



def test_curves_are_never_sent_empty(pg: Playground) -> None:
    # Gradio's LinePlot takes its series from its first data: an empty first frame leaves it blank for good.
    token = new_token()
    pg.on_start(token, *FORM)
    out = _poll_until(pg, token, lambda o: isinstance(o[0], np.ndarray))
    for curve in (out[1], out[2], out[5]):
        assert not isinstance(curve, pd.DataFrame) or len(curve) > 0
    reset = pg.on_reset(token)
    assert reset[1] is None and reset[2] is None and reset[5] is None  # cleared, not emptied


def test_the_queue_does_not_summarise_gradios_statistics_after_every_event(pg: Playground) -> None:
    # By default Gradio rebuilds a pandas summary of its last 10,000 events after each event (11 ms
    # here at a full record): a third of a core in a class. The page keeps 1,000 and summarises every 500.
    from ganplayground.ui.app import build_demo

    demo = build_demo(pg)
    demo.queue()
    assert demo._queue.ANALYTICS_MAX_EVENTS <= 1000
    assert demo._queue.ANAYLTICS_CACHE_FREQUENCY >= 100  # (sic: Gradio's spelling)
