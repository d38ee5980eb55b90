"""Page handlers called directly: start, poll, loss switch, pause/step, stop; the mode meter's words and
curves; the duel; Explore; bad input."""

from __future__ import annotations

import math
import time
from types import SimpleNamespace

import gradio as gr
import numpy as np
import pandas as pd
import pytest

from ganplayground.measure.metrics import LEGIBLE_CLASS_FID
from ganplayground.presets import get_preset
from ganplayground.train.snapshots import Snapshot
from ganplayground.ui.server.playground import DUEL_SIDE_OUTPUTS, NUM_SLIDERS, SESSION_MODEL, Playground
from ganplayground.ui.server.sessions import new_token
from ganplayground.ui.widgets import plots
from ganplayground.ui.widgets.labels import LESSONS

# A quick form: the default preset's settings with a tiny time budget (preset, dataset, loss, arch,
# lr_d, lr_g, batch, latent, critic steps, seed, budget).
FORM = ["default", "mnist", "js", "mlp", 1e-3, 1e-3, 32, 16, 1, 0, 30]
METER_STATES = ("Not digits yet", "Collapse:", "of 10 digits")
# Train poll outputs by position (on_poll's docstring).
SAMPLES, LOSSES, D_OUTPUTS, HISTOGRAM, METER, COVERAGE, STATUS, PAUSE, RESTORE, NARRATOR, TIMER, SEEN = range(12)


def value(output):
    """A plot output's DataFrame, whether sent alone or in an update with settings."""
    return output.get("value") if isinstance(output, dict) else output


def is_frame(output) -> bool:
    return isinstance(value(output), pd.DataFrame)


def shown(output) -> list[str]:
    return plots.shown(value(output))


@pytest.fixture
def pg():
    playground = Playground(max_trainings=2, snapshot_seconds=0.1, metrics_seconds=0.5)
    yield playground
    playground.close()


def _poll_until(pg: Playground, token: str, condition, timeout: float = 30.0, fresh: bool = False) -> tuple:
    """Poll as the page does (or, fresh, as a newly opened page would each time) until condition(outputs)."""
    seen, deadline = -1, time.monotonic() + timeout
    while True:
        out = pg.on_poll(token, seen)
        seen = -1 if fresh else out[-1]
        if condition(out):
            return out
        assert time.monotonic() < deadline, f"gave up waiting; status: {out[STATUS]}"
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
                      and is_frame(o[LOSSES]))
    assert shown(out[LOSSES]) == ["D · JS", "G · JS"]

    message = pg.on_switch_loss(token, "wgan-gp")
    assert "Switched to Wasserstein, gradient penalty" in message
    out = _poll_until(pg, token, lambda o: is_frame(o[D_OUTPUTS])
                      and "Wasserstein estimate" in shown(o[D_OUTPUTS]))
    assert shown(out[LOSSES])[-3:] == ["D · WGAN-GP", "G · WGAN-GP", plots.SWITCH]
    out = _poll_until(pg, token, lambda o: isinstance(o[METER], str) and any(w in o[METER] for w in METER_STATES))
    assert is_frame(out[HISTOGRAM]) and len(value(out[HISTOGRAM])) == 10
    assert "precision" not in out[METER] and "recall" not in out[METER]

    status = pg.on_stop(token)
    assert "Stopped" in status
    out = pg.on_poll(token, -1)
    assert out[TIMER].active is False  # the timer stops once the run has ended


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
    out = _poll_until(pg, token, lambda o: isinstance(o[0], np.ndarray) and isinstance(o[METER], str)
                      and "blobs covered" in o[METER])
    assert out[0].shape == (384, 384, 3)
    assert "Blobs visited so far:" in out[METER] and "of 8" in out[METER]
    # A poll from a new page (fresh state) sends the plots' settings along with their data.
    out = _poll_until(pg, token, lambda o: isinstance(o[COVERAGE], dict), fresh=True)
    assert out[HISTOGRAM]["x_title"] == "blob" and "blob" in out[HISTOGRAM]["label"]
    assert out[COVERAGE]["y_title"] == "blobs covered" and out[COVERAGE]["y_lim"] == [0, 8.5]
    pg.on_stop(token)


def test_duel_runs_two_losses_side_by_side(pg: Playground) -> None:
    token = new_token()
    left, right, _ = pg.on_duel_start(token, "collapse", "js", "wgan-gp", 0, 30)
    n = len(DUEL_SIDE_OUTPUTS)
    assert n == 7  # samples, losses, histogram, meter, coverage, narrator, status

    def side(out: tuple, i: int) -> dict:
        return dict(zip(DUEL_SIDE_OUTPUTS, out[i * n:(i + 1) * n], strict=True))

    seen, deadline = None, time.monotonic() + 60
    while True:
        out = pg.on_duel_poll(token, seen)
        assert len(out) == 2 * n + 2
        seen = out[-1]
        sides = [side(out, 0), side(out, 1)]
        if all(isinstance(s["meter"], str) and any(w in s["meter"] for w in METER_STATES) for s in sides):
            break
        assert time.monotonic() < deadline, [s["status"] for s in sides]
        time.sleep(0.05)
    assert "JS, non-saturating" in sides[0]["status"] and "gradient penalty" in sides[1]["status"]
    assert all(isinstance(s["samples"], np.ndarray) for s in sides)
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
    for curve in (out[LOSSES], out[D_OUTPUTS], out[COVERAGE]):
        assert not is_frame(curve) or plots.has_data(value(curve))
    reset = pg.on_reset(token)
    assert reset[LOSSES] is None and reset[D_OUTPUTS] is None and reset[COVERAGE] is None  # cleared, not emptied
    assert reset[-1] is None  # and the poll's state forgotten, so the next run's plots get their settings


def test_the_queue_does_not_summarise_gradios_statistics_after_every_event(pg: Playground) -> None:
    # By default Gradio rebuilds a pandas summary of its last 10,000 events after each event (11 ms
    # here at a full record): a third of a core in a class. The page keeps 1,000 and summarises every 500.
    from ganplayground.ui.app import build_demo

    demo = build_demo(pg)
    demo.queue()
    assert demo._queue.ANALYTICS_MAX_EVENTS <= 1000
    assert demo._queue.ANAYLTICS_CACHE_FREQUENCY >= 100  # (sic: Gradio's spelling)


# --- the mode meter's words, from hand-made metrics ------------------------------------------------------
MNIST = get_preset("collapse").config


def snapshot(metrics: dict | None, step: int = 1200, loss: str = "js") -> Snapshot:
    return Snapshot(step=step, samples_seen=step * 64, elapsed=30.0, steps_per_sec=40.0, loss=loss, stats=None,
                    status="running", metrics=metrics, metrics_step=step, device="CPU",
                    grid=np.zeros((302, 302), np.uint8))


def digit_metrics(shares: list[float], class_fid: float, verdict: str) -> dict:
    return {"n": 1000, "histogram": shares, "modes": sum(s >= 0.02 for s in shares), "largest_share": max(shares),
            "fid": 310.0, "fid_floor": 21.0, "class_fid": class_fid, "class_fid_floor": 65.0, "verdict": verdict}


def test_meter_says_not_digits_yet_for_illegible_samples() -> None:
    static = digit_metrics([0, 0, 0, 0, 0, 0, 0, 0, 1.0, 0], 2400.0, "illegible")  # grey static, all "8"
    text, hist = Playground._meter(snapshot(static), MNIST)
    assert text.startswith("### Not digits yet\n")
    assert "do not look like digits to the classifier" in text
    assert "legibility 2,400 (real digits score ~65" in text and f"above {LEGIBLE_CLASS_FID:.0f}" in text
    assert "FID 310 (real digits 21)" in text and "largest digit: 8 with 100%" in text and "step 1,200" in text
    assert "of 10 digits" not in text and "Collapse" not in text
    assert list(hist["share"]) == static["histogram"]


def test_meter_names_the_digits_a_collapsed_generator_makes() -> None:
    ones = digit_metrics([0.01, 0.97, 0, 0, 0, 0, 0, 0.015, 0, 0.005], 140.0, "collapse")
    text, _ = Playground._meter(snapshot(ones), MNIST)
    assert text.startswith("### Collapse: 1 of 10 digits\n")
    assert "almost all 1s (97%)" in text and "legibility 140" in text and "largest digit: 1 with 97%" in text
    assert "real digits score ~65" in text  # no floor for 1s in this reading: compared with all ten
    text, _ = Playground._meter(snapshot({**ones, "digit_floor": 9.0}), MNIST)
    assert "legibility 140 (real 1s score ~9;" in text  # a collapse is compared with real digits of its digit
    pair = digit_metrics([0, 0.6, 0, 0, 0, 0, 0, 0.38, 0, 0.02], 150.0, "collapse")
    text, _ = Playground._meter(snapshot(pair), MNIST)
    assert text.startswith("### Collapse: 3 of 10 digits\n") and "only 1s (60%), 7s (38%) and 9s (2%)" in text


def test_meter_counts_digits_when_healthy_and_names_the_missing_ones() -> None:
    shares = [0.11, 0.1, 0.1, 0.1, 0.11, 0.01, 0.12, 0.12, 0.11, 0.12]
    text, hist = Playground._meter(snapshot(digit_metrics(shares, 130.0, "healthy")), MNIST)
    assert text.startswith("### 9 of 10 digits\n") and "missing: 5" in text
    text, _ = Playground._meter(snapshot(digit_metrics([0.1] * 10, 130.0, "healthy")), MNIST)
    assert text.startswith("### 10 of 10 digits\n") and "all ten" in text and "legibility 130" in text
    text, _ = Playground._meter(snapshot(digit_metrics([0.1] * 10, math.nan, "illegible")), MNIST)
    assert "Not digits yet" in text and "legibility n/a" in text
    assert "Measuring" in Playground._meter(snapshot(None), MNIST)[0]
    for words in ("precision", "recall"):
        assert words not in text


def test_toy_meter_counts_blobs_covered_now_and_visited_so_far() -> None:
    ring = get_preset("ring-js").config
    now = {"n": 512, "modes": 2, "num_modes": 8, "high_quality": 0.85,
           "histogram": [0.5, 0.35, 0, 0, 0, 0, 0, 0]}
    before = {"n": 512, "modes": 3, "num_modes": 8, "high_quality": 0.8,
              "histogram": [0.2, 0, 0.3, 0, 0.3, 0, 0, 0.005]}
    history = [{"step": 100, "loss": "js-minimax", "metrics_step": 100, "metrics": before}]
    text, hist = Playground._meter(snapshot(now, step=200), ring, history)
    assert text.startswith("### 2 of 8 blobs covered\n")
    assert "Blobs visited so far: 4 of 8" in text and "85% of points" in text and "step 200" in text
    assert len(hist) == 8


# --- the Train tab's curves after a loss switch, through the poll -------------------------------------------
def fake_run(history: list[dict], version: int) -> SimpleNamespace:
    """What _poll_outputs reads of a Run: its latest snapshot, version, state and trainer (history, config)."""
    last = history[-1]
    snap = snapshot(last["metrics"], step=last["step"], loss=last["loss"])
    trainer = SimpleNamespace(history=history, config=MNIST.with_loss(last["loss"]), paused=False)
    return SimpleNamespace(latest=snap, version=version, state="running", error="", trainer=trainer)


def collapse_then_cure(n: int) -> list[dict]:
    """n history entries: JS collapsing from 10 digits to 1, then a switch to WGAN-GP bringing them back."""
    covered = [10, 7, 3, 1, 1, 1, 4, 8, 10, 10][:n]
    history = []
    for i, modes in enumerate(covered):
        loss = "js" if i < 5 else "wgan-gp"
        shares = [1.0 / modes] * modes + [0.0] * (10 - modes)
        history.append({"step": 200 * (i + 1), "loss": loss, "loss_d": 1.2, "loss_g": 0.8, "d_real": 0.7,
                        "d_fake": 0.3, "wasserstein": 0.4 if loss == "wgan-gp" else None,
                        "metrics_step": 200 * (i + 1) - 20,
                        "metrics": digit_metrics(shares, 140.0, "healthy" if modes > 3 else "collapse")})
    return history


def test_poll_marks_the_loss_switch_and_sends_plot_settings_only_when_they_change(pg: Playground) -> None:
    before = pg._poll_outputs(fake_run(collapse_then_cure(5), version=1), None)
    # The first poll of a page gives each plot its legend (and the coverage plot its labels and y range).
    assert before[LOSSES]["colors_in_legend"] == ["D · JS", "G · JS"]
    assert before[COVERAGE]["colors_in_legend"] == ["JS"] and before[COVERAGE]["y_lim"] == [0, 10.5]
    assert before[COVERAGE]["label"] == "Digits covered over time"
    assert "Collapse: 1 of 10 digits" in before[METER]
    # Unchanged settings are not sent again: each sending redraws the whole chart in the browser.
    again = pg._poll_outputs(fake_run(collapse_then_cure(5), version=2), before[SEEN])
    assert isinstance(again[LOSSES], pd.DataFrame) and isinstance(again[COVERAGE], pd.DataFrame)

    after = pg._poll_outputs(fake_run(collapse_then_cure(10), version=3), again[SEEN])
    assert after[LOSSES]["colors_in_legend"] == ["D · JS", "G · JS", "D · WGAN-GP",
                                                 "G · WGAN-GP", plots.SWITCH]
    assert after[COVERAGE]["colors_in_legend"] == ["JS", "WGAN-GP", plots.SWITCH]
    coverage = value(after[COVERAGE])
    def curve(series: str) -> list[float]:
        return list(coverage[coverage["series"] == series].dropna().sort_values("step", kind="stable")["value"])

    assert curve("JS") == [10, 7, 3, 1, 1]  # 10 -> 1 under JS, then 1 -> 10 after the switch (from where JS ended)
    assert curve("WGAN-GP") == [1, 1, 4, 8, 10, 10]
    switch = coverage[(coverage["series"] == plots.SWITCH) & coverage["value"].notna()]
    assert set(switch["step"]) == {1000}  # the last step under JS
    assert "10 of 10 digits" in after[METER]
    assert "loss: Wasserstein, gradient penalty (switched after step 1,000)" in after[STATUS]
    assert "switched" not in before[STATUS]


def test_every_lesson_has_a_picture_and_only_a_duel_lesson_sets_the_duel(pg: Playground) -> None:
    for i, lesson in enumerate(LESSONS):
        assert pg.lesson_picture(lesson["image"]) is not None, lesson["image"]
        out = pg.on_lesson(i)
        assert out[1] == lesson["preset"]
        assert out[-1] == (lesson["preset"] if lesson["tab"] == "duel" else gr.skip())


def test_the_collapse_and_ring_lessons_show_their_runs_over_time(pg: Playground) -> None:
    stories = {lesson["story"] for lesson in LESSONS if "story" in lesson}
    assert stories == {"collapsed-js", "ring-js"}  # lesson 3 (collapse) and lesson 5 (mode hopping)
    for name in stories:
        strip = pg.lesson_story(name)
        assert strip is not None and strip.ndim == 3 and strip.shape[1] > 4 * strip.shape[0], name
    assert pg.lesson_story("default") is None  # a model without frames.png
    assert pg.lesson_story("../etc") is None  # only shipped models' folders are read
