"""A class experiment: the teacher picks one knob and its values, each student who joins gets the next (value, loss)
arm round robin, and the arm becomes a Config and a sentence for the student's page. Ships "Where does collapse begin?".

Plain data: nothing here trains, stores a class or draws (classes.py, storage.py and class_card.py do).
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from ..config import LOSS_NAMES, Config, ConfigError
from ..i18n import N_, _
from ..i18n import number as count
from ..presets import PRESET_NAMES, get_preset
from .experiment_words import KNOB_WORDS, arm_label, arm_words, custom_text, custom_title, knob_words

KNOBS: dict[str, str] = KNOB_WORDS  # each knob's name, N_-marked English: experiment_words.knob_words() says it
MAX_VALUES = 12  # a class of 30 sees every value at least twice (one loss)
MAX_STEPS_LIMIT = 100_000  # a class's run is minutes at most, not hours
RATIO_RANGE = (0.05, 100.0)  # D 20x slower to 100x faster than G
# Class step budgets (docs/teaching.md, measurements.md): JS 7,000 steps (~20 s of one core): from 8x one digit takes
# 77-96% of the samples. WGAN-GP 1,000 (~6 s): 9-10 rough digits up to 13x. 10,000 / 1,500 show collapse more sharply
# but took a class of 30 878 s to reach the wall on 2 cores (4 at once), against 512 s (2 at once): GIL-bound.
# LSGAN (not measured) gets JS's budget: one D step and an equally cheap loss.
DEFAULT_STEPS: dict[str, int] = {"js": 7000, "js-minimax": 7000, "wgan": 1000, "wgan-gp": 1000, "hinge": 7000,
                                 "lsgan": 7000}


class ExperimentError(ValueError):
    """An experiment's knob, values, losses or budget is not allowed; the message says why in plain words."""


@dataclass(frozen=True)
class Arm:
    """One (value, loss) pair of an experiment: what one student runs."""

    knob: str
    value: float | int | str
    loss: str
    label: str  # short, for the stored run and the CSV: "8× · JS" (English; experiment_words.arm_label says it)

    @property
    def words(self) -> str:
        """The sentence for the student's page, in the current language."""
        return arm_words(self.knob, self.value, self.loss)

    def to_dict(self) -> dict[str, Any]:
        """{"knob", "value", "label", "loss"}: JSON-safe, stored with each run."""
        return {"knob": self.knob, "value": self.value, "label": self.label, "loss": self.loss}


def _arm(knob: str, value: float | int | str, loss: str) -> Arm:
    """The Arm of a value and a loss, with its (English) label."""
    return Arm(knob, value, loss, arm_label(knob, value, loss, translate=False))


def _spread_order(n: int) -> list[int]:
    """Indices 0..n-1 with both ends first, then the middles of the gaps (0, n-1, mid, ...): a class of a few
    students already spans the whole range of values."""
    if n <= 2:
        return list(range(n))
    order, gaps = [0, n - 1], [(0, n - 1)]
    while gaps:
        lo, hi = gaps.pop(0)
        if hi - lo < 2:
            continue
        mid = (lo + hi) // 2
        order.append(mid)
        gaps += [(lo, mid), (mid, hi)]
    return order


@dataclass(frozen=True)
class Experiment:
    """One knob, its values and the losses to cross them with, on a base preset, with the class's step budget."""

    name: str
    knob: str
    values: tuple
    losses: tuple[str, ...]
    preset: str  # the base preset
    max_steps: dict[str, int] | int  # the class's step budget (per loss if the losses cost differently)
    teacher_text: str  # Markdown for the teacher: what to do, what the class should find

    def __post_init__(self) -> None:
        _check(self)

    def arms(self) -> list[Arm]:
        """Every (value, loss) pair, the losses alternating and the values spread (ends first), so that the first
        len(arms) students cover all and the first few already span the range."""
        if self.knob == "loss":
            return [_arm("loss", v, v) for v in self.values]
        return [_arm(self.knob, self.values[i], loss) for i in _spread_order(len(self.values)) for loss in self.losses]

    def arm(self, slot: int) -> Arm:
        """The arm of the student in `slot` (0, 1, 2, ... in order of joining): arms()[slot % len(arms)]."""
        arms = self.arms()
        return arms[slot % len(arms)]

    def steps_for(self, loss: str) -> int:
        """The class's step budget for a run with this loss."""
        return self.max_steps[loss] if isinstance(self.max_steps, dict) else self.max_steps

    def config_for(self, arm: Arm, seed: int | None = None) -> Config:
        """The base preset's config with the arm's loss, knob value and the step budget applied.

        A loss other than the preset's comes with that loss's recommended optimiser settings (Config.with_loss:
        WGAN-GP gets Adam 1e-3, beta1 0, 2 critic steps), because the paper's JS settings starve a Wasserstein
        critic. The ratio keeps G's rate (the preset's, or the loss's recommended one) and scales D's:
        lr_d = ratio x lr_g. G's rate sets how fast the samples can change at all; keeping it fixed makes the
        ratio the only difference between two students of the same loss, and the collapse preset itself is
        ratio ~13 (2e-3 / 1.5e-4). The budget is steps, not seconds (max_seconds 0): a student whose run waited
        behind others or ran beside three more gets the same training as one who ran alone.
        `seed` is the student's own seed (ignored when the knob is the seed)."""
        base = get_preset(self.preset).config
        if arm.loss != base.loss:
            base = base.with_loss(arm.loss)
        changes: dict[str, Any] = {"max_steps": self.steps_for(arm.loss), "max_seconds": 0.0}
        if seed is not None:
            changes["seed"] = seed
        if arm.knob == "lr_ratio":
            changes["lr_d"] = float(arm.value) * base.lr_g
        elif arm.knob in ("seed", "batch_size"):
            changes[arm.knob] = int(arm.value)
        try:
            return base.replace(**changes)
        except ConfigError as exc:
            raise ExperimentError(f"{arm.label}: {exc}") from None

    def form_values(self, arm: Arm, slot: int | None = None) -> dict[str, Any]:
        """What the page's Train form shows for this arm: {"preset", "loss", "lr_d", "lr_g", "batch_size",
        "critic_steps", "seed"}. Given the student's slot, a student who repeats an arm (the second round of a
        class) trains the next seed, so repeats show the luck of the seed instead of the same run again."""
        seed = None if slot is None or self.knob == "seed" else self.config_for(arm).seed + slot // len(self.arms())
        config = self.config_for(arm, seed=seed)
        return {"preset": self.preset, "loss": config.loss, "lr_d": config.lr_d, "lr_g": config.lr_g,
                "batch_size": config.batch_size, "critic_steps": config.critic_steps, "seed": config.seed}

    def to_dict(self) -> dict[str, Any]:
        steps = dict(self.max_steps) if isinstance(self.max_steps, dict) else self.max_steps
        return {"name": self.name, "knob": self.knob, "values": list(self.values), "losses": list(self.losses),
                "preset": self.preset, "max_steps": steps, "teacher_text": self.teacher_text}

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> Experiment:
        """Back from to_dict (or stored JSON); ExperimentError for anything missing, unknown or out of range."""
        fields = ("name", "knob", "values", "losses", "preset", "max_steps", "teacher_text")
        if missing := [k for k in fields if k not in d] if isinstance(d, dict) else list(fields):
            raise ExperimentError(_("the experiment lacks {names}").format(names=", ".join(missing)))
        knob = d["knob"]
        if knob not in KNOBS:
            raise ExperimentError(_unknown_knob(knob))
        if not isinstance(d["values"], list | tuple) or not isinstance(d["losses"], list | tuple):
            raise ExperimentError(_("values and losses must be lists"))
        values = tuple(_parse_value(knob, v) for v in d["values"])
        steps = dict(d["max_steps"]) if isinstance(d["max_steps"], dict) else d["max_steps"]
        return cls(name=d["name"], knob=knob, values=values, losses=tuple(d["losses"]), preset=d["preset"],
                   max_steps=steps, teacher_text=d["teacher_text"])


def _unknown_knob(knob: object) -> str:
    return _("unknown knob {name}; choose one of {names}").format(name=repr(knob), names=", ".join(KNOBS))


def _check(e: Experiment) -> None:
    """ExperimentError unless every field of an experiment is allowed (knob, values, losses, preset, budget)."""
    if not isinstance(e.name, str) or not e.name.strip() or len(e.name) > 120:
        raise ExperimentError(_("an experiment needs a name of 1 to 120 characters"))
    if not isinstance(e.teacher_text, str):
        raise ExperimentError(_("the teacher's text must be text"))
    if e.knob not in KNOBS:
        raise ExperimentError(_unknown_knob(e.knob))
    if not e.values or len(e.values) > MAX_VALUES or len(set(e.values)) != len(e.values):
        raise ExperimentError(_("give at least one value and at most {most}, each value once; got {n} values")
                              .format(most=MAX_VALUES, n=len(e.values)))
    for v in e.values:
        _parse_value(e.knob, v)
    if not e.losses or any(loss not in LOSS_NAMES for loss in e.losses) or len(set(e.losses)) != len(e.losses):
        raise ExperimentError(_("losses must be different ones of {names}; got {losses}").format(
            names=", ".join(LOSS_NAMES), losses=list(e.losses)))
    if e.knob == "loss" and tuple(e.losses) != tuple(e.values):
        raise ExperimentError(_("when the knob is the loss, the losses are its values"))
    if e.preset not in PRESET_NAMES:
        raise ExperimentError(_("unknown preset {name}; choose one of {names}").format(
            name=repr(e.preset), names=", ".join(PRESET_NAMES)))
    _check_steps(e.max_steps, e.losses)
    for arm in e.arms():  # every arm must make a valid config (a ratio cannot push lr_d past 1)
        e.config_for(arm)


def _check_steps(max_steps: Any, losses: Sequence[str]) -> None:
    budgets = max_steps if isinstance(max_steps, dict) else {loss: max_steps for loss in losses}
    lacking = [loss for loss in losses if loss not in budgets]
    if lacking:
        raise ExperimentError(_("no step budget for {losses}").format(losses=", ".join(lacking)))
    for loss, steps in budgets.items():
        if isinstance(steps, bool) or not isinstance(steps, int) or not 1 <= steps <= MAX_STEPS_LIMIT:
            raise ExperimentError(_("the step budget for {loss} must be a whole number from 1 to {most}; got "
                                    "{steps}").format(loss=loss, most=count(MAX_STEPS_LIMIT), steps=repr(steps)))


def _parse_value(knob: str, raw: Any) -> float | int | str:
    """One value of a knob from a number or text: a loss id, a ratio (a positive number), a seed or a batch size
    (whole numbers); ExperimentError naming the value otherwise."""
    if knob == "loss":
        loss = raw.strip().lower() if isinstance(raw, str) else raw
        if loss not in LOSS_NAMES:
            raise ExperimentError(_("{value} is not a loss; choose from {names}").format(
                value=repr(raw), names=", ".join(LOSS_NAMES)))
        return loss
    if isinstance(raw, str):
        text = raw.strip().rstrip("×x").strip()
        try:
            raw = float(text)
        except ValueError:
            raise ExperimentError(_("{value} is not a number").format(value=repr(raw))) from None
    if isinstance(raw, bool) or not isinstance(raw, int | float) or not math.isfinite(raw):
        raise ExperimentError(_("{value} is not a number").format(value=repr(raw)))
    if knob == "lr_ratio":
        lo, hi = RATIO_RANGE
        if not lo <= raw <= hi:
            raise ExperimentError(_("a learning-rate ratio must be from {lo} to {hi}; got {value}").format(
                lo=f"{lo:g}", hi=f"{hi:g}", value=f"{raw:g}"))
        return int(raw) if raw == int(raw) else float(raw)
    if raw != int(raw):
        raise ExperimentError(_("{knob}: give a whole number; got {value}").format(knob=knob_words(knob),
                                                                                 value=f"{raw:g}"))
    lo, hi = (1, 4096) if knob == "batch_size" else (0, 2**31 - 1)
    if not lo <= raw <= hi:
        raise ExperimentError(_("{knob}: give a number from {lo} to {hi}; got {value}").format(
            knob=knob_words(knob), lo=count(lo), hi=count(hi), value=int(raw)))
    return int(raw)


def make_experiment(knob: str, values: Sequence | str, losses: Sequence[str] = ("js",),
                    preset: str = "collapse") -> Experiment:
    """What a teacher builds on the page: a knob, its values (a list, or text such as "1, 2, 4, 8") and the losses
    to cross them with, on a base preset, with the default step budgets. ExperimentError with a plain message for
    bad input."""
    if knob not in KNOBS:
        raise ExperimentError(_unknown_knob(knob))
    values, losses = ([v for v in re.split(r"[,;\s]+", x) if v] if isinstance(x, str) else x for x in (values, losses))
    parsed = tuple(_parse_value(knob, v) for v in values)
    loss_ids = parsed if knob == "loss" else tuple(losses)
    # Stored in English; experiment_words.experiment_words() says it in the teacher's language where it is shown.
    text = custom_text(knob, parsed, loss_ids, preset, translate=False)
    steps = {loss: DEFAULT_STEPS[loss] for loss in loss_ids if loss in DEFAULT_STEPS}
    return Experiment(name=custom_title(knob, parsed, translate=False), knob=knob, values=parsed, losses=loss_ids,
                      preset=preset, max_steps=steps, teacher_text=text)


# The ready-made experiment. What the class should find is measured with benchmarks/class_experiment.py (one seed
# per arm, docs/teaching.md); the text says it as a range, because single runs vary with the seed.
_WHERE_TEXT = N_("""\
**Where does collapse begin?** Every student trains the *collapse* networks (small MLPs, no BatchNorm in G) with
the discriminator D learning 1, 2, 4, 8, 13 or 20 times as fast as the generator G, with the Jensen–Shannon (JS)
loss or the Wasserstein loss with gradient penalty (WGAN-GP). Each student who joins gets the next setting; their
page says which. JS runs train 7,000 steps, WGAN-GP runs 1,000 (about 20 and 6 seconds of one CPU core).

1. Before Start, each student predicts how many of the ten digits their generator will still draw at the end.
2. Everyone trains to the class's step budget; the wall fills in as runs finish.
3. Open the class chart: digits covered at the end against the ratio, blue for JS, orange for WGAN-GP.

**What the class should find.** With JS, at 1× to 4× the generator still draws 7 to 9 kinds of rough digit;
from 8× up one digit takes over (77-96% of the samples) and only 1 to 5 are left: collapse begins between 4× and 8×
(measured on seeds 0, 1 and 2; the exact count varies with the seed, which is why the class repeats settings).
WGAN-GP keeps 9 or 10 digits from 1× to 13×, still rough after its short budget: the critic's gradient pulls G
towards every digit, however fast the critic learns. At 20× its critic's rate (0.02) is too fast: 5 to 7 rough
digits, but no collapse. Ask: why would a faster D make G give up digits? (D rejects G's weak digits so fast that G
retreats to the one it fakes best.)
""")
WHERE_COLLAPSE_BEGINS = Experiment(name=N_("Where does collapse begin?"), knob="lr_ratio", values=(1, 2, 4, 8, 13, 20),
                                   losses=("js", "wgan-gp"), preset="collapse",
                                   max_steps={"js": DEFAULT_STEPS["js"], "wgan-gp": DEFAULT_STEPS["wgan-gp"]},
                                   teacher_text=_WHERE_TEXT)
EXPERIMENTS: dict[str, Experiment] = {"where-collapse-begins": WHERE_COLLAPSE_BEGINS}
