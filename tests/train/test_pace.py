"""The speed limit: a pace holds a run to its speed, never keeps it from pausing or stopping, and refuses a bad
speed in words."""

from __future__ import annotations

import math
import threading
import time

import pytest

from ganplayground.config import Config, ConfigError
from ganplayground.train.pace import Pace, check_rate
from ganplayground.train.trainer import Trainer


def _ring() -> Config:
    return Config(dataset="ring", latent_dim=2, width=32, batch_size=64, device="cpu", threads=1, g_batchnorm=False)


def _steps_in(trainer: Trainer, seconds: float) -> tuple[int, float]:
    """Run for about `seconds` of wall time in a thread; (steps done, wall seconds it ran)."""
    start_step = trainer.step_count
    thread = threading.Thread(target=lambda: list(trainer.run(max_steps=0, max_seconds=0, every_seconds=0.05)))
    began = time.monotonic()
    thread.start()
    time.sleep(seconds)
    trainer.stop()
    thread.join(timeout=10)
    assert not thread.is_alive()
    return trainer.step_count - start_step, time.monotonic() - began


def test_a_speed_limit_slows_a_run_to_its_pace() -> None:
    fast = Trainer(_ring())
    fast_steps, _ = _steps_in(fast, 1.0)
    slow = Trainer(_ring())
    slow.limit_speed(5)
    slow_steps, wall = _steps_in(slow, 1.0)
    # At 5 steps a second a step starts at most every 0.2 s: never more than 1 + 5 x the time it ran.
    assert 1 <= slow_steps <= 1 + math.ceil(5 * wall)
    assert fast_steps > 1 + math.ceil(5 * wall)
    assert slow.elapsed < wall / 2  # the waits are not training time (a budget is not spent asleep)


def test_a_slow_run_still_pauses_stops_and_speeds_up_at_once() -> None:
    trainer = Trainer(_ring())
    trainer.limit_speed(0.1)  # one step every 10 s
    snaps: list = []
    thread = threading.Thread(target=lambda: snaps.extend(trainer.run(max_steps=0, max_seconds=0,
                                                                      every_seconds=0.05)))
    thread.start()
    deadline = time.monotonic() + 5
    while trainer.step_count < 1:
        assert time.monotonic() < deadline
        time.sleep(0.01)
    trainer.pause()  # while it sleeps before step 2
    deadline = time.monotonic() + 5
    while trainer.status != "paused":
        assert time.monotonic() < deadline, "pausing waited for the slow step"
        time.sleep(0.01)
    trainer.limit_speed(0)
    trainer.resume()
    deadline = time.monotonic() + 5
    while trainer.step_count < 20:
        assert time.monotonic() < deadline, "full speed again did not take effect"
        time.sleep(0.01)
    trainer.limit_speed(0.1)
    trainer.stop()
    thread.join(timeout=5)
    assert not thread.is_alive() and snaps[-1].status == "stopped"


@pytest.mark.parametrize("bad", [-1, float("nan"), float("inf"), 1e6, "fast", None, True])
def test_a_bad_speed_is_refused_in_words(bad) -> None:
    with pytest.raises(ConfigError, match="speed must be"):
        check_rate(bad)
    with pytest.raises(ConfigError, match="speed must be"):
        Trainer(_ring()).limit_speed(bad)


def test_a_pace_lets_the_first_step_through_and_the_next_after_its_interval() -> None:
    pace = Pace(1000.0)
    assert pace.wait(lambda: False)
    pace.set_rate(0.01)  # 100 s between steps: only an interruption ends the wait
    assert not pace.wait(lambda: True)
    pace.set_rate(0)
    assert pace.wait(lambda: True) and check_rate(3) == 3.0
