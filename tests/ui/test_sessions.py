"""Sessions own their runs; the cap on trainings is fair and visible; idle and orphaned runs are reaped."""

from __future__ import annotations

import os
import sys
import threading
import time

import pytest

from ganplayground.config import Config
from ganplayground.train.trainer import Trainer
from ganplayground.ui.server.sessions import SessionError, SessionManager, check_token, new_token
from ganplayground.ui.server.slots import Slots

from ..waiting import wait_for as _wait_for


@pytest.fixture
def manager():
    m = SessionManager(max_trainings=1, idle_seconds=60, orphan_seconds=5, reap_every=3600)
    yield m
    m.close()


def test_tokens_are_random_and_checked() -> None:
    assert new_token() != new_token()
    assert check_token(new_token())
    for bad in ("", "short", "x" * 65, "has space in it", None, 12345678, "../../etc/passwd"):
        with pytest.raises(SessionError):
            check_token(bad)


def test_slots_serve_first_come_first_served_and_report_positions() -> None:
    slots = Slots(1)
    order: list[str] = []
    assert slots.acquire("a", lambda: False)
    threads = []
    for name in ("b", "c"):
        t = threading.Thread(target=lambda n=name: (slots.acquire(n, lambda: False), order.append(n)))
        t.start()
        threads.append(t)
        _wait_for(lambda n=name: slots.position(n) > 0)
    assert slots.position("b") == 1 and slots.position("c") == 2
    slots.release("a")
    _wait_for(lambda: order == ["b"])
    slots.release("b")
    _wait_for(lambda: order == ["b", "c"])
    for t in threads:
        t.join(timeout=2)


def test_a_second_training_waits_for_the_first_and_shows_its_place(manager: SessionManager, tiny: Config) -> None:
    first = manager.session(new_token())
    second = manager.session(new_token())
    run1 = manager.start(first, Trainer(tiny))
    _wait_for(lambda: run1.state == "running")
    run2 = manager.start(second, Trainer(tiny))
    time.sleep(0.2)
    assert run2.state == "queued" and run2.queue_position == 1
    run1.stop()
    _wait_for(lambda: run2.state == "running")
    run2.stop()
    run2.join(5)
    assert manager.active_trainings == 0


def test_starting_again_replaces_the_sessions_run(manager: SessionManager, tiny: Config) -> None:
    session = manager.session(new_token())
    old = manager.start(session, Trainer(tiny))
    new = manager.start(session, Trainer(tiny))
    old.join(5)
    assert not old.alive and session.run is new
    new.stop()
    new.join(5)


def test_idle_runs_are_stopped_by_the_reaper(manager: SessionManager, tiny: Config) -> None:
    session = manager.session(new_token())
    run = manager.start(session, Trainer(tiny))
    _wait_for(lambda: run.state == "running")
    assert manager.reap() == 0  # just seen
    assert manager.reap(now=time.monotonic() + 61) == 1
    run.join(5)
    assert not run.alive and run.trainer.status == "stopped"


def test_an_orphaned_tab_is_reaped_unless_it_comes_back(manager: SessionManager, tiny: Config) -> None:
    token = new_token()
    run = manager.start(manager.session(token), Trainer(tiny))
    _wait_for(lambda: run.state == "running")
    manager.orphan(token)
    manager.session(token)  # the refreshed page polls again: no longer orphaned
    assert manager.reap(now=time.monotonic() + 6) == 0 and run.alive
    manager.orphan(token)
    assert manager.reap(now=time.monotonic() + 6) == 1
    run.join(5)
    manager.reap(now=time.monotonic() + 6)
    assert manager.peek(token) is None  # forgotten, memory freed


def test_a_run_that_crashes_reports_and_frees_its_slot(manager: SessionManager, tiny: Config) -> None:
    trainer = Trainer(tiny)

    def broken(*_args, **_kwargs):
        raise MemoryError("simulated")
        yield  # pragma: no cover

    trainer.run = broken  # type: ignore[method-assign]
    run = manager.start(manager.session(new_token()), trainer)
    run.join(5)
    assert "MemoryError" in run.error and manager.active_trainings == 0


@pytest.mark.skipif(not hasattr(os, "getpriority") or sys.platform != "linux", reason="per-thread nice is Linux's")
def test_training_threads_yield_the_cpu_to_the_pages_handlers(manager: SessionManager, tiny: Config) -> None:
    session = manager.session(new_token())
    run = manager.start(session, Trainer(tiny.replace(max_steps=100_000)))
    _wait_for(lambda: run.state == "running")
    assert os.getpriority(os.PRIO_PROCESS, run._thread.native_id) > os.getpriority(os.PRIO_PROCESS, 0)
    manager.stop_all(session)


def test_an_ended_runs_timeline_moves_to_its_sessions_folder_and_goes_when_the_session_is_forgotten(
        tmp_path, tiny: Config) -> None:
    manager = SessionManager(max_trainings=1, forget_seconds=60, reap_every=3600, spill_folder=tmp_path)
    try:
        session = manager.session(new_token())
        run = manager.start(session, Trainer(tiny.replace(max_steps=30)))
        run.join(10)
        _wait_for(lambda: run.recording.spilled_to is not None)
        assert run.recording.spilled_to.parent == tmp_path / session.token and run.recording.spilled_to.exists()
        assert run.recording.picture(run.recording.frames()[-1]).shape == run.latest.grid.shape[:2]
        manager.reap(now=time.monotonic() + 61)
        assert manager.peek(session.token) is None and not (tmp_path / session.token).exists()
    finally:
        manager.close()


def test_a_replaced_runs_timeline_file_is_removed_and_closing_removes_the_rest(tmp_path, tiny: Config) -> None:
    manager = SessionManager(max_trainings=1, reap_every=3600, spill_folder=tmp_path)
    session = manager.session(new_token())
    first = manager.start(session, Trainer(tiny.replace(max_steps=30)))
    first.join(10)
    _wait_for(lambda: first.recording.spilled_to is not None)
    spilled = first.recording.spilled_to
    second = manager.start(session, Trainer(tiny.replace(max_steps=30)))
    assert not spilled.exists()
    second.join(10)
    _wait_for(lambda: second.recording.spilled_to is not None)
    manager.close()
    assert not (tmp_path / session.token).exists()
