"""The mode meter in words: which of three states the live metrics show (not digits yet, collapse, k of 10
digits), the figures behind it, and the labels of the meter's plots for digits or toy blobs.

No gradio here and no GAN logic: the engine's metrics (metrics.verdict) decide; this only says it.
"""

from __future__ import annotations

import math
from typing import Any

from ...config import TOY_DATASETS, Config
from ...i18n import N_, _, number, percent
from ...measure.metrics import COLLAPSE_MAX_MODES, LEGIBLE_CLASS_FID, MODE_THRESHOLD
from ...train.snapshots import Snapshot
from ...train.toys import toy_for
from . import plots
from .labels import METER_ALL_DIGITS, METER_COLLAPSE, METER_MISSING, METER_NOT_DIGITS

# The plots' words per kind of mode (a toy's word: "blob", or "part" of a line or drawing): whole messages each, as
# languages put their words in their own order.
HISTOGRAM_LABELS = {"digit": N_("Mode meter: share of samples per digit"), "blob": N_("Mode meter: share of points "
                    "per blob"), "part": N_("Mode meter: share of points per part")}
# Translators: the x axis of the mode meter's bar chart (one bar per digit, blob or part)
MODE_WORDS = {"digit": N_("digit"), "blob": N_("blob"), "part": N_("part")}
COVERAGE_LABELS = {"digit": N_("Digits covered over time"), "blob": N_("Blobs covered over time"),
                   "part": N_("Parts covered over time")}
COVERED_TITLES = {"digit": N_("digits covered"), "blob": N_("blobs covered"), "part": N_("parts covered")}
# A toy's meter, per shape: the blobs of a mixture, the parts of the line, the parts of a drawing.
TOY_MEASURING = {"blob": N_("Measuring… (0 of {total} blobs so far)"),
                 "line": N_("Measuring… (0 of {total} parts of the line so far)"),
                 "drawn": N_("Measuring… (0 of {total} parts of your drawing so far)")}
TOY_METER = {
    "blob": N_("### {modes} of {total} blobs covered\nBlobs visited so far: {visited} of {total} · {share} of points "
               "lie within 3σ of a blob · step {step}"),
    "line": N_("### {modes} of {total} parts of the line covered\nParts visited so far: {visited} of {total} · "
               "{share} of points lie within 3σ of the line · step {step}"),
    "drawn": N_("### {modes} of {total} parts of your drawing covered\nParts visited so far: {visited} of {total} · "
                "{share} of points lie within 3σ of your drawing · step {step}"),
}


def mode_words(config: Config) -> tuple[str, int]:
    """("digit" or "blob", number of modes) of a run's dataset."""
    if config.dataset in TOY_DATASETS:
        toy = toy_for(config.dataset, config.drawing)
        return toy.word, toy.num_parts
    return "digit", 10


def _kind(word: str) -> str:
    return word if word in MODE_WORDS else "blob"


def histogram_settings(config: Config | None = None) -> dict[str, Any]:
    """The mode meter's bar chart labels for a run's dataset (digits unless it is a 2-D toy), in the reader's
    language."""
    word = _kind(mode_words(config)[0] if config is not None else "digit")
    return {"label": _(HISTOGRAM_LABELS[word]), "x_title": _(MODE_WORDS[word]), "y_title": _("share")}


def coverage_settings(config: Config | None = None) -> dict[str, Any]:
    """The coverage curve's labels and y range (0 to the number of modes) for a run's dataset."""
    word, total = mode_words(config) if config is not None else ("digit", 10)
    word = _kind(word)
    return {"label": _(COVERAGE_LABELS[word]), "y_title": _(COVERED_TITLES[word]), "y_lim": [0, total + 0.5]}


def read_meter(snap: Snapshot, config: Config, history: list[dict[str, Any]] | None = None) -> tuple[str, Any]:
    """The mode meter: its words (Markdown) and its bar chart's frame, from the latest live metrics. Digits:
    one of three states from metrics["verdict"] (not digits yet / collapse / k of 10 digits), then the
    figures. Toys: blobs covered now and visited so far (from `history`)."""
    m = snap.metrics
    if config.dataset in TOY_DATASETS:
        total = mode_words(config)[1]
        shape = config.dataset if config.dataset in ("line", "drawn") else "blob"
        if not m:
            return _(TOY_MEASURING[shape]).format(total=number(total)), plots.histogram(None, total)
        visited = plots.modes_visited(history or [], m)
        text = _(TOY_METER[shape]).format(modes=number(m["modes"]), total=number(total), visited=number(visited),
                                          share=percent(m["high_quality"]), step=number(snap.metrics_step))
        return text, plots.histogram(m, total)
    if config.dataset != "mnist":
        return _("The digit meter only reads MNIST digits."), plots.histogram(None)
    if not m or "modes" not in m:
        return (_("Measuring… the meter reads {count} samples every few seconds.").format(count=number(1000)),
                plots.histogram(None))
    return f"{_meter_words(m)}\n\n{_meter_figures(m, snap.metrics_step)}", plots.histogram(m)


def _meter_words(m: dict[str, Any]) -> str:
    """The meter's heading and sentence for digit metrics: which of the three states it sees."""
    shares = m.get("histogram") or []
    verdict = m.get("verdict")
    modes = number(m["modes"])
    if verdict == "illegible":
        heading = _("Not digits yet")
        return f"### {heading}\n{_(METER_NOT_DIGITS)}"
    if verdict == "collapse":
        made = sorted((d for d, s in enumerate(shares) if s >= MODE_THRESHOLD), key=lambda d: -shares[d])
        made = made[:COLLAPSE_MAX_MODES]
        # Translators: one digit a collapsed generator makes and its share of the samples: "1s (97%)"
        digits = _and([_("{digit}s ({share})").format(digit=d, share=percent(shares[d])) for d in made])
        which = (_("almost all {digits}") if len(made) == 1 else _("only {digits}")).format(digits=digits)
        heading = _("Collapse: {modes} of 10 digits").format(modes=modes)
        return f"### {heading}\n{_(METER_COLLAPSE).format(which=which)}"
    missing = [str(d) for d, s in enumerate(shares) if s < MODE_THRESHOLD]
    words = _(METER_MISSING).format(missing=", ".join(missing)) if missing else _(METER_ALL_DIGITS)
    if verdict is None:  # metrics from before the verdict existed: count, claim nothing about legibility
        words = ""
    heading = _("{modes} of 10 digits").format(modes=modes)
    return f"### {heading}\n{words}".rstrip()


def _figure(x: float) -> str:
    """A score as a whole number in the page's style (3,019 or 3.019); "n/a" when it is not finite."""
    return number(x) if math.isfinite(x) else _("n/a")


def _legibility(m: dict[str, Any], legibility: float) -> str:
    """The legibility figure beside what real digits score (a collapse: as many real digits of the one it draws)."""
    values = {"shown": _figure(legibility),
              "limit": number(LEGIBLE_CLASS_FID)}
    if "digit_floor" in m:
        shares = m.get("histogram") or [0.0]
        digit = max(range(len(shares)), key=lambda d: shares[d])
        return _("legibility {shown} (real {digit}s score ~{score}; above {limit} they are not digits; lower is "
                 "better)").format(digit=digit, score=_figure(m["digit_floor"]), **values)
    if "class_fid_floor" in m:
        return _("legibility {shown} (real digits score ~{score}; above {limit} they are not digits; lower is "
                 "better)").format(score=_figure(m["class_fid_floor"]), **values)
    return _("legibility {shown} (above {limit} they are not digits; lower is better)").format(**values)


def _meter_figures(m: dict[str, Any], step: int) -> str:
    """The meter's line of figures: legibility beside what real digits score, FID, largest digit, step."""
    figures = []
    legibility = m.get("class_fid")
    if legibility is not None:
        figures.append(_legibility(m, legibility))
    if "fid" in m:
        if "fid_floor" in m:
            figures.append(_("FID {fid} (real digits {floor})").format(fid=_figure(m["fid"]),
                                                                       floor=_figure(m["fid_floor"])))
        else:
            figures.append(_("FID {fid}").format(fid=_figure(m["fid"])))
    shares = m.get("histogram") or [0.0]
    largest = max(range(len(shares)), key=lambda d: shares[d])
    figures.append(_("largest digit: {digit} with {share}").format(
        digit=largest, share=percent(m.get("largest_share", shares[largest]))))
    figures.append(_("step {step}").format(step=number(step)))
    return " · ".join(figures)


def _and(words: list[str]) -> str:
    """A list in words: "a", "a and b", "a, b and c"."""
    if len(words) == 1:
        return words[0]
    return _("{items} and {last}").format(items=", ".join(words[:-1]), last=words[-1])
