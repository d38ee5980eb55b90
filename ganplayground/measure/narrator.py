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
from typing import Any

from ..i18n import _, decimal, number, percent
from ..train.wording import compact
from .metrics import COLLAPSE_MAX_MODES, LEGIBLE_CLASS_FID, MODE_THRESHOLD
from .toy_narrator import RECENT_MEASURES, toy_narration

JS_LOSSES = ("js", "js-minimax")  # D's outputs are probabilities sigma(s) under these
D_WINNING_FAKE = 0.05  # D(fake) below this (mean of the last entries): D rejects almost every fake
RECENT_ENTRIES = 3  # history entries averaged for "now" (a few seconds of the page's snapshots)
COVERAGE_DROP = 3  # digits lost from the recent best that count as coverage falling
HOLDING_MEASURES = 3  # collapse read this many times in a row: it is holding, not starting
SWITCH_STORY_MEASURES = 10  # after a loss switch, its story is told for this many measurements
RECOVERED_MODES = 9  # legible and at least this many digits after a switch: recovered
SHARPER = 0.85  # legibility (lower is better) under this share of its recent worst: getting sharper
TOP_SHARE = 0.1  # a digit named in "mostly 1s (80%) and 7s (12%)" holds at least this share


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
        return Narration("diverged", _("Training blew up: a loss became NaN (not a number), so the run is paused on "
                                       "its last good weights. Restore them, lower the learning rates and resume."))
    if not history:
        return Narration("starting", _("Just started: the generator's first samples are noise, and D has not "
                                       "learnt anything yet either."))
    loss = history[-1].get("loss", "")
    d_fake = _recent_mean(history, "d_fake")
    if loss == "js-minimax" and d_fake < D_WINNING_FAKE:
        return Narration("vanishing", _("D is winning outright: it scores the fakes near 0 (D(fake) = {score}), "
                                        "where the original minimax loss is flat, so the generator's gradient has "
                                        "vanished and it barely learns. The non-saturating JS loss or Wasserstein "
                                        "gives it a gradient again.").format(score=_small(d_fake)))
    measures = _measures(history)
    latest = measures[-1].metrics if measures else None
    d_winning = loss == "js" and d_fake < D_WINNING_FAKE
    if d_winning and (latest is None or latest.get("verdict") == "illegible"):
        return Narration("d-winning", _("D is winning: it scores the fakes near 0 (D(fake) = {score}). The "
                                        "non-saturating loss still gives the generator a gradient there, so it can "
                                        "catch up.").format(score=_small(d_fake)))
    if latest is None or "modes" not in latest:
        return _from_losses(history, loss)
    if "num_modes" in latest:
        return Narration(*toy_narration([r.metrics for r in measures]))
    return _switch_story(history, measures, names) or _digits(measures, loss, names)


# --- digits ----------------------------------------------------------------------------------------------
def _digits(measures: list[_Measure], loss: str, names: dict[str, str]) -> Narration:
    m = measures[-1].metrics
    recent = measures[-RECENT_MEASURES:]
    verdict, modes = m.get("verdict"), m["modes"]
    best = max(r.metrics.get("modes", 0) for r in recent)
    since = recent[[r.metrics.get("modes", 0) for r in recent].index(best)].step
    if verdict == "illegible":
        text = (_("Not digits yet: the classifier cannot read the samples as digits (legibility {legibility}; "
                  "under {limit} they read as digits), but they are getting sharper.") if _sharper(recent) else
                _("Not digits yet: the classifier cannot read the samples as digits (legibility {legibility}; "
                  "under {limit} they read as digits)."))
        return Narration("not-digits", text.format(legibility=_fmt(m.get("class_fid")),
                                                   limit=number(LEGIBLE_CLASS_FID)))
    top = _top_digits(m)
    if verdict == "collapse":
        run = _collapse_run(measures)
        if len(run) >= HOLDING_MEASURES and best - modes < COVERAGE_DROP:
            text = _("Mode collapse: for {steps} steps the generator has drawn {digits}, legibly: it found what "
                     "fools D and makes little else.").format(steps=number(measures[-1].step - run[0].step), digits=top)
            if loss in JS_LOSSES:
                text += " " + _("Switch the loss to {loss} to bring the other digits back.").format(
                    loss=names.get("wgan-gp", "wgan-gp"))
            return Narration("collapse-holding", text)
        text = (_("Collapse starting: the generator is dropping digits ({best} → {modes} of 10 since step {step}) "
                  "and drawing {digits}.") if best > modes else
                _("Collapse starting: the generator is dropping digits and drawing {digits}."))
        return Narration("collapse-starting", text.format(best=best, modes=modes, step=number(since), digits=top))
    if best - modes >= COVERAGE_DROP:
        return Narration("collapse-starting", _("Coverage falling: {best} → {modes} of 10 digits since step {step}: "
                                                "the generator is drifting onto fewer digits, {digits}.").format(
                                                    best=best, modes=modes, step=number(since), digits=top))
    return Narration("healthy", _healthy(m, _sharper(recent)))


def _healthy(m: dict[str, Any], trend: tuple[float, float] | None) -> str:
    """Healthy progress: which digits, and whether they are getting sharper."""
    missing = [str(d) for d, share in enumerate(m.get("histogram") or []) if share < MODE_THRESHOLD]
    if not missing:
        text = (_("Healthy progress: all {modes} digits, legible, and getting sharper (legibility {before} → "
                  "{now}).") if trend else _("Healthy progress: all {modes} digits, legible (legibility {now})."))
    else:
        text = (_("Healthy progress: {modes} of 10 digits (no {missing} yet), legible, and getting sharper "
                  "(legibility {before} → {now}).") if trend else
                _("Healthy progress: {modes} of 10 digits (no {missing} yet), legible (legibility {now})."))
    before, now = (_fmt(trend[0]), _fmt(trend[1])) if trend else ("", _fmt(m.get("class_fid")))
    return text.format(modes=m["modes"], missing=", ".join(missing), before=before, now=now)


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
    modes_before = was.get("modes", 0)
    now = after[-1].metrics if after else was
    collapsed = was.get("verdict") == "collapse"
    first_recovered = next((r for r in after if _recovered(r.metrics)), None)
    words = {"loss": names.get(loss, loss), "step": number(at), "before": modes_before, "modes": now.get("modes", 0)}
    if first_recovered is not None:  # once back, a wobble of the legibility does not undo the story
        return Narration("recovered", _("Recovered: within {steps} steps of the switch to {loss} (after step {step}) "
                                        "the digits came back, {before} → {modes} of 10.").format(
                                            steps=number(first_recovered.step - at), **words))
    if after and now.get("modes", 0) > modes_before:
        return Narration("recovering", _recovering(collapsed, now.get("verdict") == "illegible").format(**words))
    return Narration("switched", _switched(collapsed, now.get("verdict") == "illegible").format(**words))


def _recovering(collapsed: bool, blurry: bool) -> str:
    if collapsed:
        return (_("Recovery: since the switch to {loss} after step {step} the digits are coming back, {before} → "
                  "{modes} of 10 so far, still blurry.") if blurry else
                _("Recovery: since the switch to {loss} after step {step} the digits are coming back, {before} → "
                  "{modes} of 10 so far."))
    return (_("Recovery: since the switch to {loss} after step {step} the digits are appearing, {before} → "
              "{modes} of 10 so far, still blurry.") if blurry else
            _("Recovery: since the switch to {loss} after step {step} the digits are appearing, {before} → "
              "{modes} of 10 so far."))


def _switched(collapsed: bool, illegible: bool) -> str:
    if collapsed:
        return (_("Switched to {loss} after step {step}: same networks, new loss; give the digits a few seconds to "
                  "come back (now not digits yet).") if illegible else
                _("Switched to {loss} after step {step}: same networks, new loss; give the digits a few seconds to "
                  "come back (now {modes} of 10 digits)."))
    return (_("Switched to {loss} after step {step}: same networks, new loss; give the generator time to learn "
              "digits (now not digits yet).") if illegible else
            _("Switched to {loss} after step {step}: same networks, new loss; give the generator time to learn "
              "digits (now {modes} of 10 digits)."))


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
        return _("few digits")
    made = sorted(range(len(shares)), key=lambda d: -shares[d])
    made = [made[0], *(d for d in made[1:COLLAPSE_MAX_MODES] if shares[d] >= TOP_SHARE)]
    # Translators: one digit the generator draws and its share of the samples, "1s (97%)"
    words = [_("{digit}s ({share})").format(digit=d, share=percent(shares[d])) for d in made]
    if len(words) == 1:
        return (_("almost only {digits}") if shares[made[0]] >= 0.9 else _("mostly {digits}")).format(digits=words[0])
    # Translators: "mostly 1s (60%), 4s (12%) and 7s (25%)": {digits} is a list separated by commas
    return _("mostly {digits} and {last}").format(digits=", ".join(words[:-1]), last=words[-1])


def _sharper(recent: list[_Measure]) -> tuple[float, float] | None:
    """(recent worst, now) of the legibility when it has clearly improved, else None."""
    values = [r.metrics.get("class_fid") for r in recent]
    values = [v for v in values if isinstance(v, int | float) and math.isfinite(v)]
    if len(values) < 2:
        return None
    worst, now = max(values[:-1]), values[-1]
    return (worst, now) if now < SHARPER * worst else None


# --- before the first measurement ----------------------------------------------------------------------------
def _from_losses(history: Sequence[dict[str, Any]], loss: str) -> Narration:
    if loss in JS_LOSSES:
        real, fake = _recent_mean(history, "d_real"), _recent_mean(history, "d_fake")
        return Narration("measuring", _("D and G are sparring: D gives real samples {real} and fakes {fake} on "
                                        "average (1 = sure it is real).").format(real=decimal(real, 2),
                                                                                 fake=decimal(fake, 2)))
    estimate = _recent_mean(history, "wasserstein")
    if math.isfinite(estimate):
        return Narration("measuring", _("The critic is at work: its estimate of the distance between real and "
                                        "fake samples is {estimate} (it falls as the fakes get closer).").format(
                                            estimate=compact(estimate)))
    return Narration("measuring", _("Training: D's loss {loss_d}, G's loss {loss_g}.").format(
        loss_d=compact(_recent_mean(history, "loss_d")), loss_g=compact(_recent_mean(history, "loss_g"))))


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
    return decimal(value, 4) if value >= 1e-4 else _("below {value}").format(value=decimal(1e-4, 4))


def _fmt(value: Any) -> str:
    return number(value) if isinstance(value, int | float) and math.isfinite(value) else _("n/a")
