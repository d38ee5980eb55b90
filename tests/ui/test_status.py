"""The narrator's line on the page, through the polls: under the Train tab's status and under each side's status
on the Duel tab, from recorded run histories (tests/data/histories), sent only when the run moved on, cleared by
Reset; and a live run whose line appears."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from ganplayground.presets import get_preset
from ganplayground.train.snapshots import Snapshot
from ganplayground.ui.app import Page
from ganplayground.ui.server.sessions import new_token
from ganplayground.ui.widgets.status import MARK, narrator_line

from .pages import poll_until

HISTORIES = Path(__file__).resolve().parents[1] / "data" / "histories"


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


def test_train_poll_puts_the_narrator_line_under_the_status(page: Page) -> None:
    t = page.train
    out = t.poll_run(fake_run("collapse"), None)
    line = out[t.narrator]
    assert line.startswith(f"**{MARK}**") and "Mode collapse" in line and "almost only 1s" in line
    assert "Switch the loss to **Wasserstein, gradient penalty**" in line  # the loss switch's own words
    assert "Training" in out[t.status] and out[t.timer].active is True


def test_the_line_is_sent_only_when_the_run_moved_on(page: Page) -> None:
    t = page.train
    switch = next(i for i, e in enumerate(recorded("cure")) if e["loss"] == "wgan-gp")
    first = t.poll_run(fake_run("cure", version=1, upto=switch + 1), None)
    assert "Switched to **Wasserstein, gradient penalty** after step 9,000" in first[t.narrator]
    same = t.poll_run(fake_run("cure", version=1, upto=switch + 1), first[t.seen])
    assert t.narrator not in same
    later = t.poll_run(fake_run("cure", version=2), first[t.seen])
    assert "came back, 1 → 10 of 10" in later[t.narrator] or "Healthy progress" in later[t.narrator]


def test_a_diverged_run_is_narrated_as_such(page: Page) -> None:
    t = page.train
    out = t.poll_run(fake_run("healthy", status="diverged"), None)
    assert "NaN" in out[t.narrator] and out[t.restore]["visible"] is True


def test_duel_poll_gives_each_side_its_own_line(page: Page) -> None:
    d, token = page.duel, new_token()
    session = d.pg.manager.session(token)
    session.duel = [fake_run("vanishing"), fake_run("healthy")]
    out = d.on_poll(token, None)
    left, right = d.sides
    assert "D is winning outright" in out[left.narrator] and "Healthy progress" in out[right.narrator]
    assert "Training" in out[left.status]
    again = d.on_poll(token, out[d.seen])
    assert left.narrator not in again and right.narrator not in again and left.status in again
    session.duel = []  # nothing to stop: these runs never trained


def test_reset_clears_the_line(page: Page) -> None:
    assert page.train.on_reset(new_token())[page.train.narrator] == ""


def test_the_line_of_a_run_that_has_not_started_says_so() -> None:
    assert "Just started" in narrator_line([], "running")


def test_a_live_run_gets_a_narrator_line(page: Page) -> None:
    t, token = page.train, new_token()
    t.on_start(token, "collapse", "mnist", "js", "mlp", 2e-3, 1.5e-4, 32, 8, 1, 0, 20)
    out = poll_until(t, token, lambda o: str(o.get(t.narrator, "")).startswith(f"**{MARK}**"))
    t.on_stop(token)
    assert len(out[t.narrator]) > 20
