"""The words of a class experiment, in the current language: an arm's short label and its sentence for the student's
page, an experiment's title and the teacher's text. Put into words where they are shown: the experiments themselves
(experiments.py, and what a class stores) keep only data, so a teacher in Madrid and a student in Paris each read
their own language. Nothing here checks or builds an experiment.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from ..i18n import N_, _

# Short loss labels for the wall and the chart (technical names, the same in every language).
LOSS_SHORT = {"js": "JS", "js-minimax": "minimax", "wgan": "WGAN", "wgan-gp": "WGAN-GP", "hinge": "hinge",
              "lsgan": "LSGAN"}
# The words for the student's page (human words live here, not in config.py, because an experiment speaks to
# students; the page's menus have their own in ui/widgets/labels.py).
LOSS_WORDS = {"js": N_("the Jensen–Shannon loss"), "js-minimax": N_("the original minimax loss"),
              "hinge": N_("the hinge loss"), "wgan": N_("the Wasserstein loss with weight clipping"),
              "lsgan": N_("the least-squares loss"), "wgan-gp": N_("the Wasserstein loss with gradient penalty")}
KNOB_WORDS = {"loss": N_("Loss"), "lr_ratio": N_("D's learning rate ÷ G's"), "seed": N_("Seed"),
              "batch_size": N_("Batch size")}


def _say(message: str, translate: bool) -> str:
    return _(message) if translate else message


def number_text(value: float | int | str) -> str:
    """A knob's value as a label shows it: 8, 0.5, 13 (no trailing zeros)."""
    return f"{value:g}" if isinstance(value, float) else str(value)


def knob_words(knob: str) -> str:
    """A knob's name in the current language ("Seed")."""
    return _(KNOB_WORDS[knob]) if knob in KNOB_WORDS else knob


def arm_label(knob: str, value: float | int | str, loss: str, translate: bool = True) -> str:
    """An arm's short label for the wall and the chart: "8× · JS", "seed 3 · JS" (English with translate=False:
    the label a class stores and its CSV gives)."""
    short = LOSS_SHORT.get(loss, loss)
    if knob == "loss":
        return short
    if knob == "lr_ratio":
        return f"{number_text(value)}× · {short}"
    if knob == "seed":
        return _say(N_("seed {value} · {loss}"), translate).format(value=value, loss=short)
    return _say(N_("batch {value} · {loss}"), translate).format(value=value, loss=short)


def arm_words(knob: str, value: float | int | str, loss: str) -> str:
    """The sentence for the student's page: what this student's run of the class experiment does."""
    loss_words = _(LOSS_WORDS[loss]) if loss in LOSS_WORDS else loss
    if knob == "loss":
        return _("In the class experiment you train with {loss}.").format(loss=loss_words)
    if knob == "lr_ratio":
        if value == 1:
            return _("In the class experiment you run D and G learning at the same rate, with {loss}.").format(
                loss=loss_words)
        if float(value) > 1:
            return _("In the class experiment you run D learning {x}× faster than G, with {loss}.").format(
                x=number_text(value), loss=loss_words)
        return _("In the class experiment you run D learning {x}× slower than G, with {loss}.").format(
            x=number_text(round(1 / float(value), 3)), loss=loss_words)
    if knob == "seed":
        return _("In the class experiment you train with seed {value} and {loss}.").format(value=value,
                                                                                            loss=loss_words)
    return _("In the class experiment you train on batches of {value} digits, with {loss}.").format(
        value=value, loss=loss_words)


def values_text(values: Sequence[float | int | str]) -> str:
    return ", ".join(number_text(v) for v in values)


def custom_title(knob: str, values: Sequence[float | int | str], translate: bool = True) -> str:
    """A teacher's own experiment's name: "Seed: 1, 2, 3"."""
    name = knob_words(knob) if translate else KNOB_WORDS.get(knob, knob)
    return f"{name}: {values_text(values)}"


def custom_text(knob: str, values: Sequence[float | int | str], losses: Sequence[str], preset: str,
                translate: bool = True) -> str:
    """The teacher's Markdown for their own experiment: what each student runs and what to ask."""
    args = {"preset": preset, "knob": knob_words(knob) if translate else KNOB_WORDS.get(knob, knob),
            "values": values_text(values), "losses": ", ".join(losses)}
    if knob == "loss":
        first = _say(N_("Each student who joins runs the **{preset}** preset with the next value of *{knob}* "
                        "({values}), round robin."), translate).format(**args)
    else:
        first = _say(N_("Each student who joins runs the **{preset}** preset with the next value of *{knob}* "
                        "({values}), round robin, crossed with {losses}."), translate).format(**args)
    return first + " " + _say(N_("Ask for a prediction first (how many digits will be left?), then compare the "
                                 "outcomes on the class chart: which values change the outcome, and which only the "
                                 "luck of the seed?"), translate)


def experiment_words(experiment: Any, ready_made: Iterable[Any] = ()) -> tuple[str, str]:
    """(title, Markdown) of a class's experiment for the teacher, in the current language: a ready-made one's own
    words and a teacher's own experiment's are translated; text written some other way (the JSON API) is kept."""
    e = experiment
    if any(e.name == r.name and e.teacher_text == r.teacher_text for r in ready_made):
        return _(e.name), _(e.teacher_text)
    values, losses = list(e.values), list(e.losses)
    if e.name == custom_title(e.knob, values, translate=False) and e.teacher_text == custom_text(
            e.knob, values, losses, e.preset, translate=False):
        return custom_title(e.knob, values), custom_text(e.knob, values, losses, e.preset)
    return e.name, e.teacher_text
