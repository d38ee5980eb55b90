"""The narrator: one plain-words sentence about what a run is doing now, read off its history (losses, D's
outputs, the live metrics the trainer records) and its status. D winning and G's gradient vanishing, not
digits yet, collapse starting or holding, recovery after a loss switch, divergence, healthy progress, and the
2-D toys' blobs covered or hopping.

Pure functions over a Trainer's history list (see snapshots.RunLog.record): no timing, no gradio, no torch. Loss
names come in from the caller (human labels live in the UI layer).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import Any

from .metrics import COLLAPSE_MAX_MODES, LEGIBLE_CLASS_FID, MODE_THRESHOLD

JS_LOSSES = ("js", "js-minimax")  # D's outputs are probabilities sigma(s) under these
D_WINNING_FAKE = 0.05  # D(fake) below this (mean of the last entries): D rejects almost every fake
RECENT_ENTRIES = 3  # history entries averaged for "now" (a few seconds of the page's snapshots)
RECENT_MEASURES = 6  # measurements looked back on for a trend (about 25 s of the page's metrics)
COVERAGE_DROP = 3  # digits lost from the recent best that count as coverage falling
HOLDING_MEASURES = 3  # collapse read this many times in a row: it is holding, not starting
SWITCH_STORY_MEASURES = 10  # after a loss switch, its story is told for this many measurements
RECOVERED_MODES = 9  # legible and at least this many digits after a switch: recovered
SHARPER = 0.85  # legibility (lower is better) under this share of its recent worst: getting sharper
TOP_SHARE = 0.1  # a digit named in "mostly 1s (80%) and 7s (12%)" holds at least this share
TOY_SHARE = 0.01  # a blob holding this share of the points is covered (as metrics.toy_metrics counts)


@dataclass(frozen=True)
class Narration:
    """What the narrator says: a stable id of the situation (for tests and styling) and the sentence."""

    kind: str  # "starting" | "diverged" | "vanishing" | "d-winning" | "not-digits" | "collapse-starting" |
    #            "collapse-holding" | "switched" | "recovering" | "recovered" | "healthy" | "blobs-covered" |
    #            "hopping" | "blobs-partial" | "measuring"
    text: str


@dataclass(frozen=True)
class _Measure:
    step: int  # the step the metrics were computed at
    metrics: dict[str, Any]


def narrate(history: Sequence[dict[str, Any]], status: str = "running",
            loss_names: Mapping[str, str] | None = None) -> Narration:
    """The sentence for a run whose history is `history` (oldest first) and whose status is `status`
    ("ready" | "running" | "paused" | "stopped" | "finished" | "diverged")."""
    names = dict(loss_names or {})
    if status == "diverged":
        return Narration("diverged", "Training blew up: a loss became NaN (not a number), so the run is paused on "
                         "its last good weights. Restore them, lower the learning rates and resume.")
    if not history:
        return Narration("starting", "Just started: the generator's first samples are noise, and D has not "
                         "learnt anything yet either.")
    loss = history[-1].get("loss", "")
    d_fake = _recent_mean(history, "d_fake")
    if loss == "js-minimax" and d_fake < D_WINNING_FAKE:
        return Narration("vanishing", "D is winning outright: it scores the fakes near 0 "
                         f"(D(fake) = {_small(d_fake)}), where the original minimax loss is flat, so the generator's "
                         "gradient has vanished and it barely learns. The non-saturating JS loss or Wasserstein "
                         "gives it a gradient again.")
    measures = _measures(history)
    latest = measures[-1].metrics if measures else None
    d_winning = loss == "js" and d_fake < D_WINNING_FAKE
    if d_winning and (latest is None or latest.get("verdict") == "illegible"):
        return Narration("d-winning", f"D is winning: it scores the fakes near 0 (D(fake) = {_small(d_fake)}). The "
                         "non-saturating loss still gives the generator a gradient there, so it can catch up.")
    if latest is None or "modes" not in latest:
        return _from_losses(history, loss)
    if "num_modes" in latest:
        return _toys(measures)
    return _switch_story(history, measures, names) or _digits(measures, loss, names)


# --- digits ----------------------------------------------------------------------------------------------
def _digits(measures: list[_Measure], loss: str, names: dict[str, str]) -> Narration:
    m = measures[-1].metrics
    recent = measures[-RECENT_MEASURES:]
    verdict, modes = m.get("verdict"), m["modes"]
    best = max(r.metrics.get("modes", 0) for r in recent)
    since = recent[[r.metrics.get("modes", 0) for r in recent].index(best)].step
    if verdict == "illegible":
        trend = _sharper(recent)
        return Narration("not-digits", f"Not digits yet: the classifier cannot read the samples as digits "
                         f"(legibility {_fmt(m.get('class_fid'))}; under {LEGIBLE_CLASS_FID:,.0f} they read as "
                         f"digits){', but they are getting sharper' if trend else ''}.")
    top = _top_digits(m)
    if verdict == "collapse":
        run = _collapse_run(measures)
        if len(run) >= HOLDING_MEASURES and best - modes < COVERAGE_DROP:
            cure = ""
            if loss in JS_LOSSES:
                cure = f" Switch the loss to {names.get('wgan-gp', 'wgan-gp')} to bring the other digits back."
            return Narration("collapse-holding", f"Mode collapse: for {measures[-1].step - run[0].step:,} steps the "
                             f"generator has drawn {top}, legibly: it found what fools D and makes little "
                             f"else.{cure}")
        drop = f" ({best} → {modes} of 10 since step {since:,})" if best > modes else ""
        return Narration("collapse-starting", f"Collapse starting: the generator is dropping digits{drop} and "
                         f"drawing {top}.")
    if best - modes >= COVERAGE_DROP:
        return Narration("collapse-starting", f"Coverage falling: {best} → {modes} of 10 digits since step "
                         f"{since:,}: the generator is drifting onto fewer digits, {top}.")
    missing = [str(d) for d, share in enumerate(m.get("histogram") or []) if share < MODE_THRESHOLD]
    what = f"all {modes} digits" if not missing else f"{modes} of 10 digits (no {', '.join(missing)} yet)"
    trend = _sharper(recent)
    sharper = (f", and getting sharper (legibility {_fmt(trend[0])} → {_fmt(trend[1])})" if trend
               else f" (legibility {_fmt(m.get('class_fid'))})")
    return Narration("healthy", f"Healthy progress: {what}, legible{sharper}.")


def _switch_story(history: Sequence[dict[str, Any]], measures: list[_Measure],
                  names: dict[str, str]) -> Narration | None:
    """After a loss switch that found the digits collapsed or illegible: waiting, coming back, or back."""
    switches = [(history[i - 1]["step"], e.get("loss", "")) for i, e in enumerate(history)
                if i and e.get("loss") != history[i - 1].get("loss")]
    if not switches:
        return None
    at, loss = switches[-1]
    before = [r for r in measures if r.step <= at]
    after = [r for r in measures if r.step > at]
    if not before or len(after) > SWITCH_STORY_MEASURES:
        return None
    was = before[-1].metrics
    if was.get("verdict") == "healthy":
        return None  # nothing to recover from: the usual rules watch for a collapse under the new loss
    label = names.get(loss, loss)
    modes_before = was.get("modes", 0)
    now = after[-1].metrics if after else was
    back = "coming back" if was.get("verdict") == "collapse" else "appearing"
    first_recovered = next((r for r in after if _recovered(r.metrics)), None)
    if first_recovered is not None:  # once back, a wobble of the legibility does not undo the story
        return Narration("recovered", f"Recovered: within {first_recovered.step - at:,} steps of the switch to "
                         f"{label} (after step {at:,}) the digits came back, {modes_before} → {now['modes']} of 10.")
    if after and now.get("modes", 0) > modes_before:
        blurry = ", still blurry" if now.get("verdict") == "illegible" else ""
        return Narration("recovering", f"Recovery: since the switch to {label} after step {at:,} the digits are "
                         f"{back}, {modes_before} → {now['modes']} of 10 so far{blurry}.")
    wait = "the digits a few seconds to come back" if back == "coming back" else "the generator time to learn digits"
    return Narration("switched", f"Switched to {label} after step {at:,}: same networks, new loss; give {wait} "
                     f"(now {_count(now)}).")


def _recovered(m: dict[str, Any]) -> bool:
    return m.get("verdict") == "healthy" and m.get("modes", 0) >= RECOVERED_MODES


def _collapse_run(measures: list[_Measure]) -> list[_Measure]:
    """The latest measurements that all read collapse (oldest first)."""
    run: list[_Measure] = []
    for r in reversed(measures):
        if r.metrics.get("verdict") != "collapse":
            break
        run.insert(0, r)
    return run


def _top_digits(m: dict[str, Any]) -> str:
    """"almost only 1s (97%)" or "mostly 1s (60%) and 7s (25%)": the digits holding TOP_SHARE or more (at
    least the largest, at most COLLAPSE_MAX_MODES)."""
    shares = m.get("histogram") or []
    if not shares:
        return "few digits"
    made = sorted(range(len(shares)), key=lambda d: -shares[d])
    made = [made[0], *(d for d in made[1:COLLAPSE_MAX_MODES] if shares[d] >= TOP_SHARE)]
    words = [f"{d}s ({shares[d]:.0%})" for d in made]
    if len(words) == 1:
        return f"almost only {words[0]}" if shares[made[0]] >= 0.9 else f"mostly {words[0]}"
    return f"mostly {', '.join(words[:-1])} and {words[-1]}"


def _sharper(recent: list[_Measure]) -> tuple[float, float] | None:
    """(recent worst, now) of the legibility when it has clearly improved, else None."""
    values = [r.metrics.get("class_fid") for r in recent]
    values = [v for v in values if isinstance(v, int | float) and math.isfinite(v)]
    if len(values) < 2:
        return None
    worst, now = max(values[:-1]), values[-1]
    return (worst, now) if now < SHARPER * worst else None


def _count(m: dict[str, Any]) -> str:
    return "not digits yet" if m.get("verdict") == "illegible" else f"{m.get('modes', 0)} of 10 digits"


# --- 2-D toys ----------------------------------------------------------------------------------------------
def _toys(measures: list[_Measure]) -> Narration:
    m = measures[-1].metrics
    total, modes, w = m["num_modes"], m["modes"], m.get("word", "blob")  # blobs, or parts of a line or drawing
    covered = [_covered(r.metrics) for r in measures[-RECENT_MEASURES:]]
    visited = set().union(*(_covered(r.metrics) for r in measures))
    if modes >= total:
        return Narration("blobs-covered", f"All {total} {w}s covered: the generator's points reach every {w}, "
                         "none is left out.")
    now = f"right now they cover {modes} of {total}" if modes else f"right now they sit between the {w}s"
    # Hopping: on a few blobs at a time, and between two readings some blob was left and another one reached
    # (a cover spreading over the blobs mostly gains, and holds more than half of them).
    if modes <= total // 2 and any(a - b and b - a for a, b in pairwise(covered)):
        return Narration("hopping", f"Mode hopping: the points jump from {w} to {w} as D learns to reject each "
                         f"one; {now} ({len(visited)} of {total} visited so far).")
    if not modes:
        return Narration("blobs-partial", f"The points sit between the {w}s for now: none of the {total} is covered "
                         f"({len(visited)} visited so far).")
    return Narration("blobs-partial", f"The points cover {modes} of {total} {w}s ({len(visited)} visited so far).")


def _covered(m: dict[str, Any]) -> set[int]:
    return {i for i, share in enumerate(m.get("histogram") or []) if share >= TOY_SHARE}


# --- before the first measurement ----------------------------------------------------------------------------
def _from_losses(history: Sequence[dict[str, Any]], loss: str) -> Narration:
    if loss in JS_LOSSES:
        real, fake = _recent_mean(history, "d_real"), _recent_mean(history, "d_fake")
        return Narration("measuring", f"D and G are sparring: D gives real samples {real:.2f} and fakes {fake:.2f} "
                         "on average (1 = sure it is real).")
    estimate = _recent_mean(history, "wasserstein")
    if math.isfinite(estimate):
        return Narration("measuring", f"The critic is at work: its estimate of the distance between real and fake "
                         f"samples is {estimate:.3g} (it falls as the fakes get closer).")
    return Narration("measuring", f"Training: D's loss {_recent_mean(history, 'loss_d'):.3g}, G's loss "
                     f"{_recent_mean(history, 'loss_g'):.3g}.")


# --- reading the history ----------------------------------------------------------------------------------------
def _measures(history: Sequence[dict[str, Any]]) -> list[_Measure]:
    """The live metrics the history carries, oldest first."""
    return [_Measure(int(e.get("metrics_step", e.get("step", 0))), e["metrics"]) for e in history
            if isinstance(e.get("metrics"), dict)]


def _recent_mean(history: Sequence[dict[str, Any]], key: str) -> float:
    """Mean of `key` over the last RECENT_ENTRIES entries under the latest loss; nan if none has it."""
    loss = history[-1].get("loss")
    values = [e.get(key) for e in history[-RECENT_ENTRIES:] if e.get("loss") == loss]
    values = [v for v in values if isinstance(v, int | float) and math.isfinite(v)]
    return sum(values) / len(values) if values else math.nan


def _small(value: float) -> str:
    """A probability near 0 in plain digits: "0.0031", "below 0.0001"."""
    return f"{value:.4f}" if value >= 1e-4 else "below 0.0001"


def _fmt(value: Any) -> str:
    return f"{value:,.0f}" if isinstance(value, int | float) and math.isfinite(value) else "n/a"
