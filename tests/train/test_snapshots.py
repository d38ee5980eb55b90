"""The run's log: sums stay on the device until a flush, a non-finite loss is named, records carry the means
and each live measurement once."""

from __future__ import annotations

import math

import pytest
import torch

from ganplayground.train.snapshots import RunLog


def test_records_hold_the_means_of_the_flushed_steps_and_the_step_rate() -> None:
    log = RunLog(step=10, now=100.0)
    log.add(torch.tensor([1.0, 2.0, 0.5, 0.25, 3.0]))
    log.add(torch.tensor([3.0, 4.0, 0.7, 0.35, 5.0]))
    assert log.window.count == 2 and log.flush() is None and log.window.count == 0
    now = 102.0  # 2 s after the log was opened
    stats, rate = log.record(now, step=14, samples_seen=256, elapsed=1.23456, loss="wgan-gp", wasserstein=True,
                             metrics=None, metrics_step=-1)
    assert (stats.loss_d, stats.loss_g, stats.d_real, stats.d_fake, stats.wasserstein) == pytest.approx(
        (2.0, 3.0, 0.6, 0.3, 4.0))
    assert rate == pytest.approx(2.0)  # 4 steps in 2 s
    assert log.history == [{"step": 14, "samples_seen": 256, "elapsed": 1.2346, "steps_per_sec": 2.0,
                            "loss": "wgan-gp", "loss_d": stats.loss_d, "loss_g": stats.loss_g,
                            "d_real": stats.d_real, "d_fake": stats.d_fake, "wasserstein": stats.wasserstein}]
    assert log.last_stats() == stats
    # Nothing flushed since: no record, the previous means stay the latest.
    assert log.record(now + 1, 14, 256, 2.0, "wgan-gp", True, None, -1) == (None, 0.0)
    assert len(log.history) == 1


def test_a_non_finite_loss_names_its_network_and_its_sums_are_dropped() -> None:
    log = RunLog()
    log.add(torch.tensor([1.0, math.nan, 0.5, 0.5, 0.0]))
    assert log.flush() == "generator"
    log.add(torch.tensor([math.inf, 1.0, 0.5, 0.5, 0.0]))
    assert log.flush() == "discriminator"
    assert log.window.total_count == 0 and log.last_stats() is None


def test_a_live_measurement_goes_into_one_record_only() -> None:
    log = RunLog(now=0.0)
    reading = {"modes": 3}
    for step in (1, 2):
        log.add(torch.zeros(5))
        log.flush()
        log.record(float(step), step, step, float(step), "js", False, reading, metrics_step=1)
    assert [e.get("metrics_step") for e in log.history] == [1, None]
    assert log.history[0]["metrics"] is reading and log.history[1]["wasserstein"] is None
