"""The narrator's line on the page, through the polls: under the Train tab's status and under each side's status
on the Duel tab, from recorded run histories (tests/data/histories), sent only when the run moved on, cleared by
Reset; and a live run whose line appears."""

from __future__ import annotations

import json
import time
from pathlib import Path
from types import SimpleNamespace

import gradio as gr
import numpy as np
import pytest

from ganplayground.presets import get_preset
from ganplayground.train.snapshots import Snapshot
from ganplayground.ui.server.playground import DUEL_SIDE_OUTPUTS, Playground
from ganplayground.ui.server.sessions import new_token
from ganplayground.ui.widgets.status import MARK, narrator_line

HISTORIES = Path(__file__).resolve().parents[1] / "data" / "histories"
# Train poll outputs by position (on_poll's docstring).
STATUS, PAUSE, RESTORE, NARRATOR, TIMER, SEEN = 6, 7, 8, 9, 10, 11


def recorded(name: str) -> list[dict]:
    return json.loads((HISTORIES / f"{name}.json").read_text())["history"]


def fake_run(name: str, version: int = 1, status: str = "running", upto: int | None = None) -> SimpleNamespace:
    """What the polls read of a Run, around a recorded history (its first `upto` entries)."""
    history = recorded(name)[:upto]
    last = history[-1]
    measured = [e for e in history if "metrics" in e]
    config = get_preset("ring-js" if name.startswith("ring") else "collapse").config.with_loss(last["loss"])
    snap = Snapshot(step=last["step"], samples_seen=last["samples_seen"], elapsed=last["elapsed"],
                    steps_per_sec=last["steps_per_sec"], loss=last["loss"], stats=None, status=status,
                    metrics=measured[-1]["metrics"] if measured else None,
                    metrics_step=measured[-1]["metrics_step"] if measured else -1, device="CPU",
                    grid=np.zeros((302, 302), np.uint8) if config.is_image else None,
                    points=None if config.is_image else np.zeros((10, 2), np.float32),
                    surface=None if config.is_image else np.zeros((8, 8), np.float32), extent=2.0)
    trainer = SimpleNamespace(history=history, config=config, paused=False)
    return SimpleNamespace(latest=snap, version=version, state="running", error="", trainer=trainer)


@pytest.fixture
def pg():
    playground = Playground(max_trainings=1, snapshot_seconds=0.1, metrics_seconds=0.5)
    yield playground
    playground.close()


def test_train_poll_puts_the_narrator_line_under_the_status(pg: Playground) -> None:
    out = pg._poll_outputs(fake_run("collapse"), None)
    line = out[NARRATOR]
    assert line.startswith(f"**{MARK}**") and "Mode collapse" in line and "almost only 1s" in line
    assert "Switch the loss to **Wasserstein, gradient penalty**" in line  # the loss switch's own words
    assert "Training" in out[STATUS] and out[TIMER].active is True


def test_the_line_is_sent_only_when_the_run_moved_on(pg: Playground) -> None:
    switch = next(i for i, e in enumerate(recorded("cure")) if e["loss"] == "wgan-gp")
    first = pg._poll_outputs(fake_run("cure", version=1, upto=switch + 1), None)
    assert "Switched to **Wasserstein, gradient penalty** after step 9,000" in first[NARRATOR]
    same = pg._poll_outputs(fake_run("cure", version=1, upto=switch + 1), first[SEEN])
    assert same[NARRATOR] == gr.skip()
    later = pg._poll_outputs(fake_run("cure", version=2), same[SEEN])
    assert "came back, 1 → 10 of 10" in later[NARRATOR] or "Healthy progress" in later[NARRATOR]


def test_a_diverged_run_is_narrated_as_such(pg: Playground) -> None:
    out = pg._poll_outputs(fake_run("healthy", status="diverged"), None)
    assert "NaN" in out[NARRATOR] and out[RESTORE]["visible"] is True


def test_duel_poll_gives_each_side_its_own_line(pg: Playground) -> None:
    token = new_token()
    session = pg.manager.session(token)
    session.duel = [fake_run("vanishing"), fake_run("healthy")]
    out = pg.on_duel_poll(token, None)
    n = len(DUEL_SIDE_OUTPUTS)
    left, right = (dict(zip(DUEL_SIDE_OUTPUTS, out[i * n:(i + 1) * n], strict=True)) for i in range(2))
    assert "D is winning outright" in left["narrator"] and "Healthy progress" in right["narrator"]
    assert "Training" in left["status"]  # the status stays the last output of a side (Start duel fills it)
    again = pg.on_duel_poll(token, out[-1])
    assert again[DUEL_SIDE_OUTPUTS.index("narrator")] == gr.skip()
    session.duel = []  # nothing to stop: these runs never trained


def test_reset_clears_the_line(pg: Playground) -> None:
    assert pg.on_reset(new_token())[NARRATOR - 1] == ""  # reset has no restore button output


def test_the_line_of_a_run_that_has_not_started_says_so() -> None:
    assert "Just started" in narrator_line([], "running")


def test_a_live_run_gets_a_narrator_line(pg: Playground) -> None:
    token = new_token()
    pg.on_start(token, "collapse", "mnist", "js", "mlp", 2e-3, 1.5e-4, 32, 8, 1, 0, 20)
    deadline, seen, line = time.monotonic() + 30, None, ""
    while not line.startswith(f"**{MARK}**"):
        out = pg.on_poll(token, seen)
        seen, line = out[SEEN], out[NARRATOR] if isinstance(out[NARRATOR], str) else line
        assert time.monotonic() < deadline, out[STATUS]
        time.sleep(0.1)
    pg.on_stop(token)
    assert len(line) > 20
