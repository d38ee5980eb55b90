"""Page handlers called directly: start, poll, loss switch, pause/step, stop; the mode meter's words and
curves; the duel; Explore; bad input. Handlers return their outputs keyed by the page's components."""

from __future__ import annotations

import math
import time
from types import SimpleNamespace

import gradio as gr
import numpy as np
import pandas as pd
import pytest

from ganplayground.export.lesson_pictures import lesson_story
from ganplayground.measure.metrics import LEGIBLE_CLASS_FID
from ganplayground.presets import get_preset
from ganplayground.train.snapshots import Snapshot
from ganplayground.ui.app import Page
from ganplayground.ui.server.explore_models import SESSION_MODEL
from ganplayground.ui.server.sessions import new_token
from ganplayground.ui.tabs.explore_tab import NUM_SLIDERS
from ganplayground.ui.widgets import plots
from ganplayground.ui.widgets.labels import LESSONS
from ganplayground.ui.widgets.meter import read_meter

from .pages import DUEL, FORM, poll_until

METER_STATES = ("Not digits yet", "Collapse:", "of 10 digits")


def value(output):
    """A plot output's DataFrame, whether sent alone or in an update with settings."""
    return output.get("value") if isinstance(output, dict) else output


def is_frame(output) -> bool:
    return isinstance(value(output), pd.DataFrame)


def shown(output) -> list[str]:
    return plots.shown(value(output))


def has_picture(tab):
    return lambda out: isinstance(out.get(tab.samples), np.ndarray)


def test_load_gives_a_token_and_keeps_it_across_a_refresh(page: Page) -> None:
    header = page.header
    out = header.on_load("", SimpleNamespace(session_hash="h1"))
    token = out[header.token_store]
    assert token == out[header.session] and len(token) >= 16
    assert out[page.train.timer].active is False  # nothing to follow yet
    assert header.on_load(token, SimpleNamespace(session_hash="h2"))[header.token_store] == token


def test_start_poll_switch_loss_and_stop(page: Page) -> None:
    t, token = page.train, new_token()
    out = t.on_start(token, *FORM)
    assert any(w in out[t.status] for w in ("Training", "Starting", "Waiting")) and out[t.timer].active
    out = poll_until(t, token, has_picture(t))
    image = out[t.samples]
    assert image.shape == (302, 302) and image.dtype == np.uint8  # 10 x 10 digits, the page enlarges it
    assert "CPU" in out[t.status] and "steps/s" in out[t.status]
    first = image.copy()
    out = poll_until(t, token, lambda o: has_picture(t)(o) and not np.array_equal(o[t.samples], first)
                     and is_frame(o[t.losses]))
    assert shown(out[t.losses]) == ["D · JS", "G · JS"]

    message = t.on_switch_loss(token, "wgan-gp")[t.status]
    assert "Switched to Wasserstein, gradient penalty" in message
    out = poll_until(t, token, lambda o: is_frame(o.get(t.d_outputs))
                     and "Wasserstein estimate" in shown(o[t.d_outputs]))
    assert shown(out[t.losses])[-3:] == ["D · WGAN-GP", "G · WGAN-GP", plots.SWITCH]
    out = poll_until(t, token, lambda o: isinstance(o.get(t.meter), str) and any(w in o[t.meter] for w in METER_STATES))
    assert is_frame(out[t.histogram]) and len(value(out[t.histogram])) == 10
    assert "precision" not in out[t.meter] and "recall" not in out[t.meter]

    assert "Stopped" in t.on_stop(token)[t.status]
    assert t.on_poll(token, None)[t.timer].active is False  # the timer stops once the run has ended


def test_unchanged_polls_send_only_the_status(page: Page) -> None:
    t, token = page.train, new_token()
    t.on_start(token, *FORM)
    poll_until(t, token, has_picture(t))
    t.pause_run(token)
    time.sleep(0.3)
    seen = t.on_poll(token, None)[t.seen]
    again = t.on_poll(token, seen)
    assert set(again) == {t.status, t.timer}  # no picture, curve or meter is sent again
    t.on_stop(token)


def test_pause_then_step_advances_exactly_one_step(page: Page, wait_until) -> None:
    t, token = page.train, new_token()
    t.on_start(token, *FORM)
    poll_until(t, token, has_picture(t))
    status, label = t.pause_run(token)
    assert label == "Resume"
    run = page.train.pg.manager.session(token).run
    wait_until(lambda: run.trainer.status == "paused", 5, "the run to pause")
    before = run.trainer.step_count
    t.slow_motion.on_step(token, *FORM)
    assert run.trainer.step_count == before + 1
    t.resume_run(token)
    t.on_stop(token)


def test_step_before_start_prepares_a_paused_run(page: Page) -> None:
    t, token = page.train, new_token()
    out = t.slow_motion.on_step(token, *FORM)
    assert t.pg.manager.session(token).run.trainer.step_count == 1 and out[t.pause] == "Resume"
    t.on_stop(token)


def test_toy_runs_show_points_over_the_decision_surface(page: Page) -> None:
    t, token = page.train, new_token()
    form = ["ring-js", "ring", "js", "mlp", 1e-3, 1e-3, 64, 2, 1, 0, 30]
    t.on_start(token, *form)
    out = poll_until(t, token, lambda o: has_picture(t)(o) and isinstance(o.get(t.meter), str)
                     and "blobs covered" in o[t.meter])
    assert out[t.samples].shape == (384, 384, 3)
    assert "Blobs visited so far:" in out[t.meter] and "of 8" in out[t.meter]
    # A poll from a new page (fresh state) sends the plots' settings along with their data.
    out = poll_until(t, token, lambda o: isinstance(o.get(t.coverage), dict), fresh=True)
    assert out[t.histogram]["x_title"] == "blob" and "blob" in out[t.histogram]["label"]
    assert out[t.coverage]["y_title"] == "blobs covered" and out[t.coverage]["y_lim"] == [0, 8.5]
    t.on_stop(token)


def test_duel_runs_two_losses_side_by_side(page: Page, wait_until) -> None:
    d, token = page.duel, new_token()
    out = d.on_start(token, *DUEL)
    assert out[d.timer].active and all(side.status in out for side in d.sides)
    assert [len(side.outputs) for side in d.sides] == [7, 7]  # samples, losses, histogram, meter, coverage, ...

    shown_now: dict = {}  # what the page shows: each output's last value sent
    seen = {"state": None}

    def both_read() -> bool:
        out = d.on_poll(token, seen["state"])
        seen["state"] = out[d.seen]
        shown_now.update(out)
        return all(any(w in str(shown_now.get(s.meter)) for w in METER_STATES) for s in d.sides)

    wait_until(both_read, 60, "both meters")
    left, right = d.sides
    assert "JS, non-saturating" in shown_now[left.status] and "gradient penalty" in shown_now[right.status]
    assert isinstance(shown_now[left.samples], np.ndarray) and isinstance(shown_now[right.samples], np.ndarray)
    runs = d.pg.manager.session(token).duel
    assert runs[0].trainer.fixed_noise.equal(runs[1].trainer.fixed_noise)
    d.on_stop(token)


def test_explore_moves_a_shipped_digit_with_the_sliders(page: Page) -> None:
    e, token, name = page.explore, new_token(), "default"
    out = e.on_model(token, name)
    image0 = out[e.digit_image]
    assert image0.shape == (224, 224) and all(out[s] == 0.0 for s in e.sliders)
    moved = e.on_latent(token, name, 0, 0, "principal", 2.0, 0, 0, 0, 0, 0)[e.digit_image]
    assert not np.array_equal(moved, image0)
    assert np.array_equal(e.on_latent(token, name, 0, 0, "principal", *([0.0] * NUM_SLIDERS))[e.digit_image], image0)
    strip = e.on_interpolate(token, name, 1, 2, 0)[e.strip]
    assert strip.shape == (3 * 32, 3 * (10 * 30 + 2))  # one row of ten digits, upscaled 3x


def test_explore_uses_the_model_trained_in_this_session(page: Page) -> None:
    e, token = page.explore, new_token()
    with pytest.raises(gr.Error, match="not trained a model in this session"):
        e.on_model(token, SESSION_MODEL)
    page.train.slow_motion.on_step(token, *FORM)
    image = e.on_latent(token, SESSION_MODEL, 0, 0, "raw", *([0.0] * NUM_SLIDERS))[e.digit_image]
    assert image.shape == (224, 224)
    page.train.on_stop(token)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda p, t: p.train.on_start(t, *FORM[:6], -5, *FORM[7:]), "batch size must be between 1 and 1024"),
        (lambda p, t: p.train.on_start(t, *FORM[:4], float("nan"), *FORM[5:]), "learning rate of D must be"),
        (lambda p, t: p.train.on_start(t, "nope", *FORM[1:]), "unknown preset 'nope'"),
        (lambda p, t: p.train.on_start(t, FORM[0], FORM[1], "fisher", *FORM[3:]), "unknown loss 'fisher'"),
        (lambda p, t: p.train.on_start("bad token!", *FORM), "session must be"),
        (lambda p, t: p.explore.on_latent(t, "default", 0, 0, "principal", 99, 0, 0, 0, 0, 0), "slider 1 must be"),
        (lambda p, t: p.explore.on_latent(t, "../etc", 0, 0, "principal", *([0] * 6)), "Unknown model"),
        (lambda p, t: p.train.on_stop(t), "No training yet"),
        (lambda p, t: p.duel.on_stop(t), "No duel yet"),
    ],
)
def test_bad_input_gets_a_clear_message(page: Page, call, message: str) -> None:
    with pytest.raises(gr.Error, match=message):
        call(page, new_token())


def test_curves_are_never_sent_empty(page: Page) -> None:
    # Gradio's LinePlot takes its series from its first data: an empty first frame leaves it blank for good.
    t, token = page.train, new_token()
    t.on_start(token, *FORM)
    out = poll_until(t, token, has_picture(t))
    for curve in (out[t.losses], out[t.d_outputs], out[t.coverage]):
        assert not is_frame(curve) or plots.has_data(value(curve))
    reset = t.on_reset(token)
    assert reset[t.losses] is None and reset[t.d_outputs] is None and reset[t.coverage] is None  # cleared
    assert reset[t.seen] is None  # and the poll's state forgotten, so the next run's plots get their settings


def test_the_queue_does_not_summarise_gradios_statistics_after_every_event(pg) -> None:
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
    text, hist = read_meter(snapshot(static), MNIST)
    assert text.startswith("### Not digits yet\n")
    assert "do not look like digits to the classifier" in text
    assert "legibility 2,400 (real digits score ~65" in text and f"above {LEGIBLE_CLASS_FID:,.0f} they" in text
    assert "FID 310 (real digits 21)" in text and "largest digit: 8 with 100%" in text and "step 1,200" in text
    assert "of 10 digits" not in text and "Collapse" not in text
    assert list(hist["share"]) == static["histogram"]


def test_meter_names_the_digits_a_collapsed_generator_makes() -> None:
    ones = digit_metrics([0.01, 0.97, 0, 0, 0, 0, 0, 0.015, 0, 0.005], 140.0, "collapse")
    text, _ = read_meter(snapshot(ones), MNIST)
    assert text.startswith("### Collapse: 1 of 10 digits\n")
    assert "almost all 1s (97%)" in text and "legibility 140" in text and "largest digit: 1 with 97%" in text
    assert "real digits score ~65" in text  # no floor for 1s in this reading: compared with all ten
    text, _ = read_meter(snapshot({**ones, "digit_floor": 9.0}), MNIST)
    assert "legibility 140 (real 1s score ~9;" in text  # a collapse is compared with real digits of its digit
    pair = digit_metrics([0, 0.6, 0, 0, 0, 0, 0, 0.38, 0, 0.02], 150.0, "collapse")
    text, _ = read_meter(snapshot(pair), MNIST)
    assert text.startswith("### Collapse: 3 of 10 digits\n") and "only 1s (60%), 7s (38%) and 9s (2%)" in text


def test_meter_counts_digits_when_healthy_and_names_the_missing_ones() -> None:
    shares = [0.11, 0.1, 0.1, 0.1, 0.11, 0.01, 0.12, 0.12, 0.11, 0.12]
    text, hist = read_meter(snapshot(digit_metrics(shares, 130.0, "healthy")), MNIST)
    assert text.startswith("### 9 of 10 digits\n") and "missing: 5" in text
    text, _ = read_meter(snapshot(digit_metrics([0.1] * 10, 130.0, "healthy")), MNIST)
    assert text.startswith("### 10 of 10 digits\n") and "all ten" in text and "legibility 130" in text
    text, _ = read_meter(snapshot(digit_metrics([0.1] * 10, math.nan, "illegible")), MNIST)
    assert "Not digits yet" in text and "legibility n/a" in text
    assert "Measuring" in read_meter(snapshot(None), MNIST)[0]
    for words in ("precision", "recall"):
        assert words not in text


def test_toy_meter_counts_blobs_covered_now_and_visited_so_far() -> None:
    ring = get_preset("ring-js").config
    now = {"n": 512, "modes": 2, "num_modes": 8, "high_quality": 0.85,
           "histogram": [0.5, 0.35, 0, 0, 0, 0, 0, 0]}
    before = {"n": 512, "modes": 3, "num_modes": 8, "high_quality": 0.8,
              "histogram": [0.2, 0, 0.3, 0, 0.3, 0, 0, 0.005]}
    history = [{"step": 100, "loss": "js-minimax", "metrics_step": 100, "metrics": before}]
    text, hist = read_meter(snapshot(now, step=200), ring, history)
    assert text.startswith("### 2 of 8 blobs covered\n")
    assert "Blobs visited so far: 4 of 8" in text and "85% of points" in text and "step 200" in text
    assert len(hist) == 8


# --- the Train tab's curves after a loss switch, through the poll -------------------------------------------
def fake_run(history: list[dict], version: int) -> SimpleNamespace:
    """What poll_run reads of a Run: its latest snapshot, version, state and trainer (history, config)."""
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


def test_poll_marks_the_loss_switch_and_sends_plot_settings_only_when_they_change(page: Page) -> None:
    t = page.train
    LOSSES, COVERAGE, METER, SEEN, STATUS = t.losses, t.coverage, t.meter, t.seen, t.status  # noqa: N806
    before = t.poll_run(fake_run(collapse_then_cure(5), version=1), None)
    # The first poll of a page gives each plot its legend (and the coverage plot its labels and y range).
    assert before[LOSSES]["colors_in_legend"] == ["D · JS", "G · JS"]
    assert before[COVERAGE]["colors_in_legend"] == ["JS"] and before[COVERAGE]["y_lim"] == [0, 10.5]
    assert before[COVERAGE]["label"] == "Digits covered over time"
    assert "Collapse: 1 of 10 digits" in before[METER]
    # Unchanged settings are not sent again: each sending redraws the whole chart in the browser.
    again = t.poll_run(fake_run(collapse_then_cure(5), version=2), before[SEEN])
    assert isinstance(again[LOSSES], pd.DataFrame) and isinstance(again[COVERAGE], pd.DataFrame)

    after = t.poll_run(fake_run(collapse_then_cure(10), version=3), again[SEEN])
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


def test_every_lesson_has_a_picture_and_only_a_duel_lesson_sets_the_duel(page: Page) -> None:
    learn = page.learn
    for i, lesson in enumerate(LESSONS):
        assert learn.picture(lesson["image"]) is not None, lesson["image"]
        out = learn.on_try_it(i)
        assert out[page.train.form.preset] == lesson["preset"] and out[learn.tabs].selected == lesson["tab"]
        assert out[page.train.form.dataset] == get_preset(lesson["preset"]).config.dataset
        assert out.get(page.duel.preset) == (lesson["preset"] if lesson["tab"] == "duel" else None)


def test_the_collapse_and_ring_lessons_show_their_runs_over_time() -> None:
    stories = {lesson["story"] for lesson in LESSONS if "story" in lesson}
    assert stories == {"collapsed-js", "ring-js"}  # lesson 3 (collapse) and lesson 5 (mode hopping)
    for name in stories:
        strip = lesson_story(name)
        assert strip is not None and strip.ndim == 3 and strip.shape[1] > 4 * strip.shape[0], name
    assert lesson_story("default") is None  # a model without frames.png
    assert lesson_story("../etc") is None  # only shipped models' folders are read
