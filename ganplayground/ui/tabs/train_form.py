"""The Train tab's form: the preset menu, the loss switch and the Settings accordion, what a preset fills in, and
the Config the form describes (every value checked into a plain message before anything is built).

A part of the Train tab (train_tab.py builds it in place); class links and the Learn tab's "Try it" fill it too.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import gradio as gr

from ...config import TOY_DATASETS, Config, ConfigError
from ...i18n import _
from ...presets import PRESETS, get_preset
from ...train.data import fashion_mnist_available
from ...train.drawings import DrawingError, decode_drawing
from ..widgets.inputs import error, number
from ..widgets.labels import ARCH_LABELS, DATASET_LABELS, LOSS_LABELS, arch_choices, key_of, loss_choices
from ..widgets.translate import L_

MAX_BUDGET_SECONDS = 900
DEFAULT = "default"


def preset_choices() -> list[tuple[str, str]]:
    """(label, name) of every preset: its name (an id, kept) and its line, translated in the browser."""
    return [(f"{p.name}: " + L_(p.summary), p.name) for p in PRESETS.values()]


def dataset_choices() -> list[tuple[str, str]]:
    names = ["mnist", *TOY_DATASETS] + (["fashion-mnist"] if fashion_mnist_available() else [])
    return [(L_(DATASET_LABELS[n]), n) for n in names]


def preset_text(name: str, translate: Callable[[str], Any] = _) -> str:
    """The preset's description under the menu: `_` in a handler, `L_` as the page is built."""
    return f"**{name}** — " + translate(PRESETS[name].teaches)


class TrainForm:
    """The form's components. `values` are the inputs of Start and Step, in their API order; `fields` what a preset
    fills in (all but the menu, plus the preset's description)."""

    def build_top(self) -> None:
        """The preset menu, its description and the loss switch (above the buttons)."""
        default = PRESETS[DEFAULT].config
        self.preset = gr.Dropdown(choices=preset_choices(), value=DEFAULT, label=L_("Preset"))
        self.preset_info = gr.Markdown(preset_text(DEFAULT, L_), elem_id="preset-info")
        self.loss = gr.Radio(choices=[(L_(label), key) for label, key in loss_choices()], value=default.loss,
                             label=L_("Loss — switch it while training"),
                             elem_id="loss")
        self.drawing = gr.Textbox("", visible=False, label=L_("Drawing"), elem_id="drawing-code")  # drawn data's code

    def build_settings(self) -> None:
        """The Settings accordion (under the buttons), closed."""
        default = PRESETS[DEFAULT].config
        with gr.Accordion(L_("Settings"), open=False, elem_id="settings") as self.settings:
            self.dataset = gr.Radio(choices=dataset_choices(), value=default.dataset, label=L_("Dataset"))
            self.arch = gr.Radio(choices=[(L_(label), key) for label, key in arch_choices()], value=default.arch,
                                 label=L_("Architecture"))
            with gr.Row():
                self.lr_d = gr.Number(value=default.lr_d, label=L_("Learning rate of D"), minimum=1e-6, maximum=0.1)
                self.lr_g = gr.Number(value=default.lr_g, label=L_("Learning rate of G"), minimum=1e-6, maximum=0.1)
            self.batch = gr.Slider(8, 512, value=default.batch_size, step=8, label=L_("Batch size"))
            self.latent = gr.Slider(2, 256, value=default.latent_dim, step=1, label=L_("Latent size"))
            self.critic = gr.Slider(1, 10, value=default.critic_steps, step=1,
                                    label=L_("Critic steps per generator step"))
            self.seed = gr.Number(value=default.seed, precision=0, label=L_("Seed"), minimum=0)
            self.budget = gr.Slider(10, 900, value=default.max_seconds, step=10, label=L_("Time budget (seconds)"),
                                    elem_id="budget")

    @property
    def values(self) -> list[Any]:
        return [self.preset, self.dataset, self.loss, self.arch, self.lr_d, self.lr_g, self.batch, self.latent,
                self.critic, self.seed, self.budget, self.drawing]

    @property
    def fields(self) -> list[Any]:
        return [*self.values[1:], self.preset_info]

    def wire(self) -> None:
        self.preset.input(self.on_preset, inputs=[self.preset], outputs=self.fields, api_name="preset")

    def on_preset(self, preset: Any) -> dict[Any, Any]:
        """Fill the form with a preset's settings."""
        try:
            p = get_preset(preset)
        except ConfigError as exc:
            raise error(exc) from None
        c = p.config
        return {self.dataset: c.dataset, self.loss: c.loss, self.arch: c.arch, self.lr_d: c.lr_d, self.lr_g: c.lr_g,
                self.batch: c.batch_size, self.latent: c.latent_dim, self.critic: c.critic_steps, self.seed: c.seed,
                self.budget: c.max_seconds or 60.0, self.preset_info: preset_text(p.name), self.drawing: c.drawing}


def checked_drawing(drawing: Any) -> str:
    """A drawn dataset's code, decoded once so that a bad one is a plain message before anything is built."""
    if not isinstance(drawing, str) or not drawing.strip():
        raise error(_("Your drawing is empty: draw a shape on the canvas first (or pick another dataset)."))
    try:
        decode_drawing(drawing.strip())
    except DrawingError as exc:
        raise error(exc) from None
    return drawing.strip()


def config_from_form(preset: Any, dataset: Any, loss: Any, arch: Any, lr_d: Any, lr_g: Any, batch_size: Any,
                     latent_dim: Any, critic_steps: Any, seed: Any, budget: Any, drawing: Any = "", *,
                     threads: int) -> Config:
    """The run the form describes: the preset's networks with the form's choices on top (gr.Error otherwise). A drawn
    dataset trains on `drawing`, a drawing's code (train/drawings.py); other datasets ignore it."""
    try:
        base = get_preset(preset).config
        dataset = key_of(DATASET_LABELS, dataset, "dataset")
        loss = key_of(LOSS_LABELS, loss, "loss")
        arch = key_of(ARCH_LABELS, arch, "architecture")
    except (ConfigError, ValueError) as exc:
        raise error(exc) from None
    if (dataset in TOY_DATASETS) != (base.dataset in TOY_DATASETS):
        toy_base = "draw" if dataset == "drawn" else "ring-js"
        base = get_preset(toy_base if dataset in TOY_DATASETS else "default").config
    changes: dict[str, Any] = {
        "dataset": dataset,
        "lr_d": number(lr_d, _("learning rate of D"), 1e-6, 0.1),
        "lr_g": number(lr_g, _("learning rate of G"), 1e-6, 0.1),
        "batch_size": number(batch_size, _("batch size"), 1, 1024, integer=True),
        "latent_dim": number(latent_dim, _("latent size"), 1, 256, integer=True),
        "critic_steps": number(critic_steps, _("critic steps"), 1, 10, integer=True),
        "seed": number(seed, _("seed"), 0, 2**31 - 1, integer=True),
        "max_seconds": number(budget, _("time budget (s)"), 5, MAX_BUDGET_SECONDS),
        "max_steps": 0, "device": "auto", "threads": threads, "metrics_every": 0,
        "drawing": checked_drawing(drawing) if dataset == "drawn" else "",
    }
    if dataset not in TOY_DATASETS and arch != base.arch:
        changes.update(arch=arch, width=256 if arch == "mlp" else 32)
    if loss != base.loss:
        switched = base.with_loss(loss)
        changes.update(loss=loss, optimizer=switched.optimizer, beta1=switched.beta1, beta2=switched.beta2,
                       lr_decay_start=switched.lr_decay_start)
    try:
        return base.replace(**changes)
    except ConfigError as exc:
        raise error(exc) from None
