"""Faults a classroom produces: Stop in the middle of a step, a page refresh, a closed tab, a client that
vanishes mid-request, a diverging run. Each time the server keeps serving and frees what was held."""

from __future__ import annotations

import threading
import time
from types import SimpleNamespace

import pytest
import torch
from gradio_client import Client

from ganplayground.ui.app import Page, build_demo
from ganplayground.ui.server.playground import Playground
from ganplayground.ui.server.sessions import new_token

from ..waiting import wait_for as _wait
from .pages import FORM as QUICK

FORM = [*QUICK[:-1], 60]


@pytest.fixture
def page() -> Page:
    """One training slot, and a closed tab's run is orphaned after a second."""
    playground = Playground(max_trainings=1, idle_seconds=60, orphan_seconds=1, snapshot_seconds=0.1,
                            metrics_seconds=0.5)
    yield build_demo(playground).page
    playground.close()


def test_stop_in_the_middle_of_a_step_ends_after_that_step_and_frees_the_slot(page: Page) -> None:
    t, pg, token = page.train, page.train.pg, new_token()
    t.on_start(token, *FORM)
    run = pg.manager.session(token).run
    _wait(lambda: run.trainer.step_count > 0, what="training")
    in_step, release = threading.Event(), threading.Event()
    original = run.trainer._train_step

    def slow_step():  # the next step blocks until the test lets it finish
        in_step.set()
        release.wait(10)
        return original()

    run.trainer._train_step = slow_step
    assert in_step.wait(10)
    stopper = threading.Thread(target=t.on_stop, args=(token,))
    stopper.start()
    time.sleep(0.2)
    assert run.alive  # Stop waits for the step in progress, never tears it apart
    release.set()
    stopper.join(10)
    _wait(lambda: not run.alive, what="the run to end")
    assert run.trainer.status == "stopped" and pg.manager.active_trainings == 0
    other = new_token()
    t.on_start(other, *FORM)  # the freed slot serves the next student at once
    _wait(lambda: pg.manager.session(other).run.state == "running", what="the next run")
    t.on_stop(other)


def test_a_page_refresh_reattaches_to_the_running_training(page: Page) -> None:
    t, header, pg = page.train, page.header, page.train.pg
    token = header.on_load("", SimpleNamespace(session_hash="before"))[header.session]
    t.on_start(token, *FORM)
    run = pg.manager.session(token).run
    _wait(lambda: run.trainer.step_count > 5, what="training")
    header.on_unload(SimpleNamespace(session_hash="before"))  # the old page goes away...
    out = header.on_load(token, SimpleNamespace(session_hash="after"))  # ...and comes back
    assert out[header.session] == token and out[t.timer].active and not out[page.duel.timer].active
    steps = run.trainer.step_count
    pg.manager.reap(now=time.monotonic() + 5)  # longer than the orphan timeout: the new page saved it
    assert run.alive
    _wait(lambda: run.trainer.step_count > steps, what="training to go on")
    t.on_stop(token)


def test_a_closed_tab_has_its_run_stopped_and_its_session_forgotten(page: Page) -> None:
    header, pg = page.header, page.train.pg
    token = header.on_load("", SimpleNamespace(session_hash="tab"))[header.session]
    page.train.on_start(token, *FORM)
    run = pg.manager.session(token).run
    _wait(lambda: run.state == "running", what="training")
    header.on_unload(SimpleNamespace(session_hash="tab"))
    assert pg.manager.reap(now=time.monotonic() + 5) == 1
    run.join(10)
    pg.manager.reap(now=time.monotonic() + 5)
    assert not run.alive and pg.manager.peek(token) is None and pg.manager.active_trainings == 0


def test_a_diverging_run_pauses_says_why_and_restores_the_last_good_weights(page: Page) -> None:
    t, pg, token = page.train, page.train.pg, new_token()
    t.on_start(token, *FORM)
    run = pg.manager.session(token).run
    _wait(lambda: run.trainer.step_count > 5 and run.latest is not None and run.latest.step > 0, what="training")
    with torch.no_grad():
        run.trainer.discriminator.head.bias.fill_(float("nan"))
    _wait(lambda: run.trainer.status == "diverged", what="divergence")
    assert run.alive  # paused, not ended
    _wait(lambda: "Diverged" in t.on_poll(token, None)[t.status], what="the page to show the divergence")
    out = t.on_poll(token, None)
    assert "NaN or infinite" in out[t.status] and out[t.restore]["visible"] is True
    assert "Restored the weights of step" in t.on_restore(token)[t.status]
    assert all(torch.isfinite(p).all() for p in run.trainer.discriminator.parameters())
    t.resume_run(token)
    steps = run.trainer.step_count
    _wait(lambda: run.trainer.step_count > steps, what="training to resume")
    t.on_stop(token)


def test_a_client_vanishing_mid_request_does_not_disturb_the_others(app: tuple[str, Playground]) -> None:
    url, playground = app
    leaving = Client(url, verbose=False)
    token = leaving.predict(api_name="/new_session")
    leaving.predict(token, *FORM, api_name="/start")
    job = leaving.submit(token, "default", 1, 2, 0, api_name="/interpolate")
    job.cancel()  # the client goes away mid-request, leaving its training behind
    leaving.close()

    staying = Client(url, verbose=False)
    other = staying.predict(api_name="/new_session")
    first = staying.predict(other, "default", 3, 0, "principal", 1.0, 0, 0, 0, 0, 0, api_name="/latent")
    second = staying.predict(other, "default", 3, 0, "principal", -1.0, 0, 0, 0, 0, 0, api_name="/latent")
    assert first and second and first != second

    run = playground.manager.peek(token).run
    assert run.alive
    playground.manager.reap(now=time.monotonic() + playground.manager.idle_seconds + 1)  # nobody polls it
    run.join(10)
    assert not run.alive and playground.manager.active_trainings == 0
