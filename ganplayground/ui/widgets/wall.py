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

from ...classroom.classes import RunRecord
from ...export.palette import VERDICT_HUES
from .labels import LOSS_LABELS

VERDICTS = {"collapse": ("collapse", VERDICT_HUES["collapse"]), "healthy": ("healthy", VERDICT_HUES["healthy"]),
            "illegible": ("not digits yet", VERDICT_HUES["illegible"])}
SORTS = {"newest": "Newest first", "oldest": "Oldest first", "name": "Name", "digits": "Most digits first",
         "verdict": "Verdict"}
ALL = "all"


def escape_md(text: str) -> str:
    """Plain text for a Markdown component: every ASCII punctuation mark escaped, so a name cannot format, link
    or open an HTML tag."""
    return re.sub(r"([!-/:-@\[-`{-~])", r"\\\1", text)


def loss_label(loss: str) -> str:
    return LOSS_LABELS.get(loss, loss)


def outcome_words(record: RunRecord) -> str:
    """Prediction against outcome in a few words: "predicted 4 · drew 1 of 10" (or what is known of it)."""
    parts = []
    if record.prediction.digits is not None:
        parts.append(f"predicted {record.prediction.digits}")
    if record.digits_covered is not None:
        rough = ", not legible yet" if record.verdict == "illegible" else ""
        parts.append(f"{'drew' if record.finished else 'drawing'} {record.digits_covered} of 10{rough}")
    if record.prediction.comes_back is not None:
        parts.append(f"said digits {'come' if record.prediction.comes_back else 'do not come'} back")
    return " · ".join(parts)


def run_title(record: RunRecord) -> str:
    """How a menu names a run: "Student 7 · JS (non-saturating) · 8× · JS"."""
    arm = f" · {record.arm['label']}" if record.arm and record.arm.get("label") else ""
    side = f" ({record.settings.get('side')})" if record.settings.get("side") else ""
    return f"{record.name}{side} · {loss_label(record.loss)}{arm}"


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
        picture = f'<img src="{src}" alt="{e(record.name)}: latest samples">'
    else:
        picture = '<div class="noimg" role="img" aria-label="no picture yet"></div>'
    words, colour = VERDICTS.get(record.verdict or "", ("no reading yet", VERDICT_HUES["none"]))
    state = "finished" if record.finished else "cut off by a server restart" if cut_off else "training"
    lines = [f'<div class="name">{e(run_title(record))}</div>',
             f'<span class="gp-badge" style="background:{colour}">{e(words)}</span> {e(state)}',
             f"<div>step {record.step:,} · {record.seconds:.0f} s · {e(record.device)}</div>"]
    outcome = outcome_words(record)
    if outcome:
        lines.append(f"<div>{e(outcome)}</div>")
    if record.hidden:
        lines.append("<div><em>hidden from the class</em></div>")
    classes = "gp-card hidden-run" if record.hidden else "gp-card"
    return f'<div class="{classes}">{picture}{"".join(lines)}</div>'


def wall_html(records: Sequence[RunRecord], cut_off: Callable[[RunRecord], bool] = lambda r: False,
              empty: str = "No runs yet: they appear here as soon as a student presses Start.") -> str:
    """The wall: the cards in the order given, or a line saying it is empty."""
    if not records:
        return f"<p>{html.escape(empty)}</p>"
    return '<div class="gp-wall">' + "".join(card(r, cut_off(r)) for r in records) + "</div>"


def summary(records: Sequence[RunRecord]) -> str:
    """A line over the wall: how many runs, finished, and each verdict."""
    finished = sum(r.finished for r in records)
    counts = {v: sum(r.verdict == v for r in records) for v in VERDICTS}
    verdicts = ", ".join(f"{n} {VERDICTS[v][0]}" for v, n in counts.items() if n)
    return f"**{len(records)} runs**, {finished} finished" + (f" · {verdicts}" if verdicts else "")
