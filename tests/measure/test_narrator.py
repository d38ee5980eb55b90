"""The narrator's rules on recorded runs: histories of real short runs (tests/data/histories/*.json, recorded by
tests/data/histories/record.py, and the shipped models' pretrained/*/history.json), replayed entry by entry as
the page's poll would see them grow. No training and no timing here."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from ganplayground.measure.narrator import Narration, narrate
from ganplayground.ui.widgets.labels import LOSS_SHORT

ROOT = Path(__file__).resolve().parents[2]
HISTORIES = Path(__file__).resolve().parents[1] / "data" / "histories"
KINDS = {"starting", "diverged", "vanishing", "d-winning", "not-digits", "collapse-starting", "collapse-holding",
         "switched", "recovering", "recovered", "healthy", "blobs-covered", "hopping", "blobs-partial", "measuring"}


def recorded(name: str) -> list[dict]:
    return json.loads((HISTORIES / f"{name}.json").read_text())["history"]


def shipped(name: str) -> list[dict]:
    return json.loads((ROOT / "pretrained" / name / "history.json").read_text())


def replay(history: list[dict], status: str = "running") -> list[Narration]:
    """What the narrator says after each entry of the history, as a live run's poll would see it."""
    return [narrate(history[:i], status, LOSS_SHORT) for i in range(1, len(history) + 1)]


def story(history: list[dict]) -> list[str]:
    """The kinds the narrator goes through, each once per stretch (a a b b a -> a b a)."""
    kinds = [n.kind for n in replay(history)]
    return [k for i, k in enumerate(kinds) if i == 0 or k != kinds[i - 1]]


def in_order(wanted: list[str], got: list[str]) -> bool:
    it = iter(got)
    return all(kind in it for kind in wanted)


def step_of_first(history: list[dict], kind: str) -> int:
    return next(history[i]["step"] for i, n in enumerate(replay(history)) if n.kind == kind)


@pytest.mark.parametrize("name", ["collapse", "cure", "vanishing", "healthy", "ring-js", "ring-wgan-gp"])
def test_recorded_histories_are_small_and_hold_live_metrics(name: str) -> None:
    path = HISTORIES / f"{name}.json"
    assert path.stat().st_size < 40_000
    assert sum("metrics" in e for e in recorded(name)) >= 5


def test_every_moment_of_every_recorded_run_gets_one_plain_sentence() -> None:
    runs = [recorded(p.stem) for p in sorted(HISTORIES.glob("*.json"))]
    runs += [shipped(p.parent.name) for p in sorted((ROOT / "pretrained").glob("*/history.json"))]
    assert len(runs) >= 12
    for history in runs:
        for n in replay(history):
            assert n.kind in KINDS
            assert n.text.endswith(".") and "\n" not in n.text and len(n.text) < 300, n.text
            assert "nan" not in n.text.lower().replace("nan (not a number)", "")


def test_vanishing_minimax_run_says_d_wins_and_g_gets_no_gradient() -> None:
    for history in (recorded("vanishing"), shipped("vanishing-minimax")):
        said = replay(history)
        assert said[0].kind == "measuring"  # the first second: D(fake) is still 0.25
        assert said[-1].kind == "vanishing"
        assert "D is winning" in said[-1].text and "gradient has vanished" in said[-1].text
        assert "D(fake) = 0.000" in said[-1].text  # the number on the page's D-output curve
    assert step_of_first(recorded("vanishing"), "vanishing") <= 50  # within the first few seconds


def test_the_same_d_outputs_under_the_non_saturating_loss_are_d_winning_not_vanishing() -> None:
    history = [{**e, "loss": "js"} for e in recorded("vanishing")]
    last = narrate(history)
    assert last.kind == "d-winning" and "still gives the generator a gradient" in last.text


def test_collapse_run_goes_from_not_digits_to_collapse_starting_then_holding() -> None:
    history = recorded("collapse")
    assert in_order(["measuring", "not-digits", "collapse-starting", "collapse-holding"], story(history))
    assert "vanishing" not in story(history)  # D(fake) stays ~0.1: the non-saturating loss keeps G learning
    last = narrate(history, "running", LOSS_SHORT)
    assert last.kind == "collapse-holding"
    assert "almost only 1s" in last.text and "Switch the loss to WGAN-GP" in last.text
    # Collapse is called while the meter still counts several digits: its coverage is falling.
    starting = next(n for n in replay(history) if n.kind == "collapse-starting")
    assert "→" in starting.text and "1s" in starting.text
    assert step_of_first(history, "collapse-starting") < step_of_first(history, "collapse-holding")


def test_a_finished_or_paused_run_keeps_its_story() -> None:
    history = recorded("collapse")
    assert {narrate(history, status).kind for status in ("paused", "finished", "stopped")} == {"collapse-holding"}


def test_cure_run_tells_the_switch_and_the_digits_coming_back() -> None:
    history = recorded("cure")
    kinds = story(history)
    assert in_order(["collapse-holding", "switched", "recovering", "recovered", "healthy"], kinds)
    assert kinds.count("recovered") == 1  # a wobble of the legibility after the cure does not undo the story
    switched = next(n for n in replay(history) if n.kind == "switched")
    assert "Switched to WGAN-GP after step 9,000" in switched.text
    recovering = next(n for n in replay(history) if n.kind == "recovering")
    assert "digits are coming back, 1 → " in recovering.text
    recovered = next(n for n in replay(history) if n.kind == "recovered")
    assert "came back, 1 → 10 of 10" in recovered.text and "switch to WGAN-GP" in recovered.text
    assert step_of_first(history, "recovered") - 9000 <= 1000  # within seconds of the switch
    # The story of the switch gives way to the usual reading once it is old news.
    assert kinds[-1] == "healthy"


def test_healthy_run_reports_healthy_progress() -> None:
    history = recorded("healthy")
    last = narrate(history, "running", LOSS_SHORT)
    assert last.kind == "healthy" and "Healthy progress" in last.text
    assert not {"collapse-starting", "collapse-holding", "vanishing"} & set(story(history))


def test_ring_js_hops_between_blobs_and_ring_wgan_gp_covers_them_all() -> None:
    ring_js = recorded("ring-js")
    assert "hopping" in story(ring_js) and "blobs-covered" not in story(ring_js)
    hop = next(n for n in replay(ring_js) if n.kind == "hopping")
    assert "jump from blob to blob" in hop.text and "of 8 visited so far" in hop.text
    wgan = narrate(recorded("ring-wgan-gp"))
    assert wgan.kind == "blobs-covered" and "All 8 blobs covered" in wgan.text
    assert "hopping" not in story(recorded("ring-wgan-gp"))  # its cover spreads over the ring instead


def test_divergence_is_said_first_whatever_the_history() -> None:
    for history in ([], recorded("collapse"), recorded("ring-js")):
        n = narrate(history, "diverged")
        assert n.kind == "diverged" and "NaN" in n.text and "lower the learning rates" in n.text


def test_an_empty_history_is_a_run_starting() -> None:
    assert narrate([], "running").kind == "starting"


def test_the_narrator_reads_steps_not_time() -> None:
    for name in ("cure", "ring-js"):
        history = recorded(name)
        untimed = [{k: v for k, v in e.items() if k not in ("elapsed", "steps_per_sec")} for e in history]
        assert [n.text for n in replay(untimed)] == [n.text for n in replay(history)]


def test_loss_names_come_from_the_caller() -> None:
    history = recorded("collapse")
    assert "Switch the loss to **W-GP**" in narrate(history, "running", {"wgan-gp": "**W-GP**"}).text
    assert "Switch the loss to wgan-gp" in narrate(history).text  # ids without names


def test_odd_metrics_give_a_sentence_not_an_error() -> None:
    base = {"step": 10, "loss": "wgan-gp", "loss_d": -1.0, "loss_g": 0.5, "d_real": 0.3, "d_fake": -0.2,
            "wasserstein": 0.5}
    odd = [{"n": 1000}, {"modes": 4}, {"modes": 0, "histogram": [], "class_fid": math.nan, "verdict": "illegible"},
           {"modes": 2, "histogram": [0.5, 0.5] + [0.0] * 8, "class_fid": math.inf, "verdict": "collapse"},
           {"modes": 3, "num_modes": 8, "histogram": []}]
    for metrics in odd:
        n = narrate([{**base, "metrics_step": 10, "metrics": metrics}])
        assert n.kind in KINDS and n.text.endswith("."), metrics
    assert narrate([{**base, "metrics_step": 10, "metrics": {"n": 1000}}]).kind == "measuring"  # Fashion-MNIST
    assert "0.5" in narrate([base]).text  # the critic's estimate before the first measurement
