"""A run's plan: it ends at its step or time budget (counted from the run's totals), and timed live metrics come
round every metrics_seconds of training, never without them."""

from __future__ import annotations

from ganplayground.train.run_plan import RunPlan


def test_a_plan_ends_at_either_budget_and_says_which() -> None:
    assert RunPlan().end_reason(10**9, 1e9) == ""  # no budget: never
    assert RunPlan(max_steps=100).end_reason(99, 0.0) == ""
    assert RunPlan(max_steps=100).end_reason(100, 0.0) == "Reached 100 steps."
    assert RunPlan(max_seconds=2.5).end_reason(0, 2.5) == "Reached the time budget of 2.5 s."


def test_timed_metrics_come_round_every_metrics_seconds_of_training() -> None:
    plan = RunPlan(metrics_seconds=2.0)
    plan.start_metrics_clock(10.0)
    assert [plan.metrics_turn(t) for t in (11.0, 12.0, 13.0, 14.5)] == [False, True, False, True]
    never = RunPlan()
    never.start_metrics_clock(0.0)
    assert not never.metrics_turn(1e12)


def test_a_snapshot_is_due_every_steps_or_after_every_seconds() -> None:
    plan = RunPlan(every_steps=5)
    plan.restart_snapshot_clock()  # no every_seconds: the clock never runs out
    assert [plan.snapshot_due(s) for s in (4, 5, 6, 10)] == [False, True, False, True]
    timed = RunPlan(every_seconds=1e-9)
    timed.restart_snapshot_clock()
    assert timed.snapshot_due(1)
