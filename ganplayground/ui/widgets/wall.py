"""The class wall as HTML: one card per run (thumbnail, name, loss, verdict badge, prediction against outcome),
sorted and filtered as the teacher asks; and the choices of the menus that act on one run.

No gradio and no storage: the Class tab hands in the class's RunRecords. Every text a user typed (names) is
escaped here, so a name like `<img src=x onerror=alert(1)>` shows as those characters.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from urllib.parse import quote

from ...classroom.classes import Member, RunRecord
from ...classroom.experiment_words import arm_label
from ...export.palette import VERDICT_HUES
from ...i18n import N_, _, ngettext, number
from ...train.devices import device_words
from .labels import LOSS_LABELS

# Translators: a run's verdict on the class wall: its generator collapsed onto a few digits
VERDICTS = {"collapse": (N_("collapse"), VERDICT_HUES["collapse"]), "healthy": (N_("healthy"), VERDICT_HUES["healthy"]),
            "illegible": (N_("not digits yet"), VERDICT_HUES["illegible"])}
SORTS = {"newest": N_("Newest first"), "oldest": N_("Oldest first"), "name": N_("Name"),
         "digits": N_("Most digits first"), "verdict": N_("Verdict")}
ALL = "all"
NO_RUNS = N_("No runs yet: they appear here as soon as a student presses Start.")


def escape_md(text: str) -> str:
    """Plain text for a Markdown component: every ASCII punctuation mark escaped, so a name cannot format, link
    or open an HTML tag."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def loss_label(loss: str) -> str:
    return _(LOSS_LABELS[loss]) if loss in LOSS_LABELS else loss


def member_name(record: RunRecord | Member) -> str:
    """A run's student: the name typed, or "Student 7" in the reader's language for one who typed none (the class
    stores that default in English)."""
    return _("Student {n}").format(n=record.number) if record.name == f"Student {record.number}" else record.name


def outcome_words(record: RunRecord) -> str:
    """Prediction against outcome in a few words: "predicted 4 · drew 1 of 10" (or what is known of it)."""
    parts = []
    if record.prediction.digits is not None:
        parts.append(_("predicted {n}").format(n=record.prediction.digits))
    if record.digits_covered is not None:
        n, rough = record.digits_covered, record.verdict == "illegible"
        if record.finished:
            drew = _("drew {n} of 10, not legible yet") if rough else _("drew {n} of 10")
        else:
            drew = _("drawing {n} of 10, not legible yet") if rough else _("drawing {n} of 10")
        parts.append(drew.format(n=n))
    if record.prediction.comes_back is not None:
        parts.append(_("said digits come back") if record.prediction.comes_back else _("said digits do not come back"))
    return " · ".join(parts)


def run_title(record: RunRecord) -> str:
    """How a menu names a run: "Student 7 · JS (non-saturating) · 8× · JS"."""
    arm = f" · {_arm_label(record.arm)}" if record.arm and record.arm.get("label") else ""
    side = f" ({_(SIDES.get(record.settings['side'], record.settings['side']))})" if record.settings.get("side") else ""
    return f"{member_name(record)}{side} · {loss_label(record.loss)}{arm}"


SIDES = {"left": N_("left"), "right": N_("right")}  # a duel's two sides


def _arm_label(arm: dict) -> str:
    """An experiment arm's label in the reader's language (the stored one is English)."""
    try:
        return arm_label(str(arm["knob"]), arm["value"], str(arm["loss"]))
    except (KeyError, TypeError, ValueError):
        return str(arm.get("label", ""))


def choose(records: Sequence[RunRecord], sort: str = "newest", loss: str = ALL, verdict: str = ALL) -> list[RunRecord]:
    """The runs the wall shows, in its order."""
    shown = [r for r in records if (loss == ALL or r.loss == loss) and (verdict == ALL or (r.verdict or "") == verdict)]
    keys: dict[str, Callable[[RunRecord], object]] = {
        "oldest": lambda r: r.created_at, "name": lambda r: (r.name.casefold(), r.created_at),
        "digits": lambda r: -(r.digits_covered if r.digits_covered is not None else -1),
        "verdict": lambda r: (list(VERDICTS).index(r.verdict) if r.verdict in VERDICTS else 9, r.created_at),
    }
    if sort in keys:
        return sorted(shown, key=keys[sort])  # type: ignore[arg-type, return-value]
    return sorted(shown, key=lambda r: -r.created_at)


def card(record: RunRecord, cut_off: bool = False) -> str:
    """One run's card. The thumbnail comes from the class API (its address changes when the picture does)."""
    e = html.escape
    if record.thumbnail and not record.hidden:
        src = (f"/api/classes/{quote(record.code)}/runs/{quote(record.id)}/thumbnail.png"
               f"?v={int(record.updated_at * 1000)}")
        alt = _("{name}: latest samples").format(name=member_name(record))
        picture = f'<img src="{src}" alt="{e(alt)}">'
    else:
        picture = f'<div class="noimg" role="img" aria-label="{e(_("no picture yet"))}"></div>'
    words, colour = VERDICTS.get(record.verdict or "", (N_("no reading yet"), VERDICT_HUES["none"]))
    state = _("finished") if record.finished else _("cut off by a server restart") if cut_off else _("training")
    progress = _("step {step} · {seconds} s · {device}").format(step=number(record.step),
                                                                 seconds=number(round(record.seconds)),
                                                                 device=device_words(record.device))
    lines = [f'<div class="name">{e(run_title(record))}</div>',
             f'<span class="gp-badge" style="background:{colour}">{e(_(words))}</span> {e(state)}',
             f"<div>{e(progress)}</div>"]
    outcome = outcome_words(record)
    if outcome:
        lines.append(f"<div>{e(outcome)}</div>")
    if record.hidden:
        lines.append(f"<div><em>{e(_('hidden from the class'))}</em></div>")
    classes = "gp-card hidden-run" if record.hidden else "gp-card"
    return f'<div class="{classes}">{picture}{"".join(lines)}</div>'


def wall_html(records: Sequence[RunRecord], cut_off: Callable[[RunRecord], bool] = lambda r: False,
              empty: str = NO_RUNS) -> str:
    """The wall: the cards in the order given, or a line saying it is empty (`empty`: an N_-marked message)."""
    if not records:
        return f"<p>{html.escape(_(empty))}</p>"
    return '<div class="gp-wall">' + "".join(card(r, cut_off(r)) for r in records) + "</div>"


def summary(records: Sequence[RunRecord]) -> str:
    """A line over the wall: how many runs, finished, and each verdict."""
    finished = sum(r.finished for r in records)
    counts = {v: sum(r.verdict == v for r in records) for v in VERDICTS}
    verdicts = ", ".join(_("{n} {verdict}").format(n=number(n), verdict=_(VERDICTS[v][0]))
                         for v, n in counts.items() if n)
    runs = ngettext("**{n} run**, {finished} finished", "**{n} runs**, {finished} finished", len(records)).format(
        n=number(len(records)), finished=number(finished))
    return runs + (f" · {verdicts}" if verdicts else "")
