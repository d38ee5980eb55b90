"""A run's recipe: the `python -m ganplayground train ...` lines that train it again from its start settings and
history (a loss switch becomes `train --from` with the new loss), the run's stretches under one loss, and the
preset closest to a config. Not the card's drawing (labcard.py). The commands stay English (they are typed as they
are); the notes beside them are in the current language."""

from __future__ import annotations

import shlex
from typing import Any

from ..config import ARCHITECTURE_FIELDS, DRAWN_DATASET, TOY_DATASETS, Config
from ..i18n import _, number
from ..presets import PRESETS
from ..train.drawings import LINK_MAX_CHARS

# Settings a page run can change that the command line sets with a flag (Config field -> flag).
CLI_FLAGS = {"seed": "--seed", "batch_size": "--batch-size", "lr_d": "--lr-d", "lr_g": "--lr-g",
             "critic_steps": "--critic-steps", "beta1": "--beta1", "threads": "--threads"}
# Settings that only decide where and how fast a run computes, not what it learns: never reported as changes.
_PLACE_FIELDS = ("device", "threads", "precision", "compile", "metrics_every", "metrics_samples", "max_steps",
                 "max_seconds")


def segments(history: list[dict[str, Any]], final_step: int, final_loss: str) -> list[tuple[str, int]]:
    """The run as stretches under one loss: [(loss, last step of the stretch)], the last one ending at
    final_step. The trainer records the old loss at the step of the switch itself (histories saved before it did
    so: at the record up to a second before the switch)."""
    out: list[tuple[str, int]] = []
    for i, entry in enumerate(history):
        loss = entry.get("loss", final_loss)
        if i and loss != history[i - 1].get("loss", final_loss):
            out.append((history[i - 1].get("loss", final_loss), int(history[i - 1]["step"])))
    out.append((history[-1].get("loss", final_loss) if history else final_loss, final_step))
    return out


def _on_drawing(base: Config, config: Config) -> Config:
    """A toy preset's config on a drawn config's drawing (--points and --draw train any toy preset on one)."""
    if config.dataset == DRAWN_DATASET and base.dataset in TOY_DATASETS:
        return base.replace(dataset=DRAWN_DATASET, drawing=config.drawing)
    return base


def closest_preset(config: Config) -> str | None:
    """The preset with this config's networks whose other settings differ least (a drawing: any toy preset's
    networks on that drawing, the drawn presets first)."""
    best, best_diff = None, None
    for name, preset in PRESETS.items():
        base = _on_drawing(preset.config, config)
        if base.network_changes(config):
            continue
        if config.loss != base.loss:
            base = base.with_loss(config.loss)
        diff = sum(getattr(base, f) != getattr(config, f) for f in Config.__dataclass_fields__
                   if f not in _PLACE_FIELDS) + 0.5 * (base.dataset != preset.config.dataset)
        if best_diff is None or diff < best_diff:
            best, best_diff = name, diff
    return best


def _fmt(value: Any) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _drawing_flag(drawing: str, notes: list[str]) -> str:
    """`--draw CODE` for a link-sized drawing; `--points POINTS_FILE` (and a note) for a larger points file."""
    if len(drawing) <= LINK_MAX_CHARS:
        return f"--draw {drawing}"
    notes.append(_("POINTS_FILE is the points file this run was trained on (its drawing's code is {count} "
                   "characters, too long to print).").format(count=number(len(drawing))))
    return "--points POINTS_FILE"


def reproduce(start_config: Config, history: list[dict[str, Any]], final_step: int,
              preset: str | None = None, final_loss: str | None = None) -> tuple[list[str], list[str]]:
    """(commands, notes): `python -m ganplayground train ...` lines that train this run again (a loss switch
    becomes `train --from` with the new loss, as the command line's collapse-and-cure does), and what they
    cannot set. Step counts, not seconds, so the same seed gives the same run on the same machine."""
    notes: list[str] = []
    preset = preset if preset in PRESETS else closest_preset(start_config)
    parts = segments(history, final_step, final_loss or start_config.loss)
    if preset is None:
        networks = ", ".join(f"{f} {_fmt(getattr(start_config, f))}"
                             for f in ("dataset", "arch", "latent_dim", "width"))
        return [], [_("No preset has these networks ({networks}): the command line cannot build them; the settings "
                      "above are the whole recipe.").format(networks=networks)]
    base = PRESETS[preset].config
    first_loss = parts[0][0]
    args = ["python -m ganplayground train", f"--preset {preset}"]
    if start_config.dataset == DRAWN_DATASET and start_config.drawing != base.drawing:
        args.append(_drawing_flag(start_config.drawing, notes))
        base = _on_drawing(base, start_config)
    if first_loss != base.loss:
        args.append(f"--loss {first_loss}")
        base = base.with_loss(first_loss)
    for name, flag in CLI_FLAGS.items():
        if name == "threads" and not start_config.threads:
            continue
        if getattr(start_config, name) != getattr(base, name) or name in ("seed", "threads"):
            args.append(f"{flag} {_fmt(getattr(start_config, name))}")
    unset = [f for f in Config.__dataclass_fields__ if f not in CLI_FLAGS and f not in _PLACE_FIELDS
             and f not in ARCHITECTURE_FIELDS and f != "loss" and getattr(start_config, f) != getattr(base, f)]
    if unset:
        settings = ", ".join(_("{setting} {value} (preset: {preset})").format(
            setting=f, value=_fmt(getattr(start_config, f)), preset=_fmt(getattr(base, f))) for f in unset)
        notes.append(_("The command line has no flag for {settings}.").format(settings=settings))
    out = "run" if len(parts) == 1 else "run-1"
    commands = [" ".join([*args, f"--steps {max(1, parts[0][1])}", f"--out {out}"])]
    done = parts[0][1]
    for i, (loss, end) in enumerate(parts[1:], start=2):
        new_out = "run" if i == len(parts) else f"run-{i}"
        commands.append(f"python -m ganplayground train --from {out} --loss {shlex.quote(loss)} "
                        f"--steps {max(1, end - done)} --out {new_out}")
        out, done = new_out, end
    if len(parts) > 1:
        notes.append(_("Each loss switch is placed at the last step recorded under the old loss (the switch itself, "
                       "in runs recorded by this version)."))
    return commands, notes
