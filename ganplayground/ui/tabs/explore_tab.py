"""The Explore tab: pick a shipped, trained or uploaded model, drag its latent sliders, interpolate between two
seeds, and upload a model (a zip from Download model, or a .safetensors with its config.json) into this browser
tab's list. The models themselves are server/explore_models.py; drawing a digit and "does it copy?" are
digit_draw_panel.py.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np
import torch

from ...i18n import N_, _
from ...i18n import number as count
from ...train.images import make_grid, to_uint8, upscale
from ...train.latent import interpolate, move_along, noise_for_seed
from ..server.explore_models import NUM_DIRECTIONS, SESSION_MODEL, ExploreModel, model_label
from ..server.playground import Playground
from ..server.sessions import SessionError, check_token
from ..widgets.components import AtomicImage, InlineImage
from ..widgets.inputs import number
from ..widgets.labels import LOSS_LABELS
from ..widgets.translate import L_
from .digit_draw_panel import DigitDrawPanel
from .digit_panel import ModelDigitPanel

NUM_SLIDERS = NUM_DIRECTIONS  # latent takes s1..s6
SLIDER_RANGE = 3.0  # latent sliders move up to 3 standard deviations
DIGIT_SCALE = 8  # Explore shows a digit at 224 x 224 px
LIVE = {"show_progress": "hidden", "concurrency_limit": None}
INTRO = N_("Drag the sliders to move through a trained generator's latent space. *Principal directions* change the "
           "digit the most; *raw dimensions* are the first entries of z.")
UPLOAD_NOTE = N_("Safetensors only (never pickles), up to 16 MB; the model joins the list above for this browser tab "
                 "only.")
DIRECTION_LABELS = [N_("Direction 1"), N_("Direction 2"), N_("Direction 3"), N_("Direction 4"), N_("Direction 5"),
                    N_("Direction 6")]


class ExploreTab:
    """The Explore tab over a Playground; `session` is the page's hidden session box."""

    def __init__(self, pg: Playground, session: gr.Textbox) -> None:
        self.pg = pg
        self.session = session

    def build(self) -> None:
        with gr.Tab(L_("Explore"), id="explore") as self.tab:
            gr.Markdown(L_(INTRO))
            models = self.pg.models.choices(None)
            labels = [(L_(SESSION_MODEL) if name == SESSION_MODEL else name, name) for name in models]  # no uploads yet
            self.model = gr.Dropdown(choices=labels,
                                     value="default" if "default" in models else models[0], label=L_("Model"))
            self.model_info = gr.Markdown("", elem_id="model-info")
            with gr.Accordion(L_("Upload a model"), open=False, elem_id="upload-accordion"):
                what = L_("The .zip from Download model, or model.safetensors with its config.json")
                self.upload = gr.File(label=what, file_count="multiple", file_types=[".zip", ".safetensors", ".json"],
                                      elem_id="upload-model")
                self.upload_note = gr.Markdown(L_(UPLOAD_NOTE), elem_id="upload-note")
            with gr.Row():
                with gr.Column():
                    self._build_sliders()
                with gr.Column():
                    self.digit_image = InlineImage(label=L_("Generated digit"), format="png", type="numpy",
                                                   interactive=False, height=300, elem_id="digit")
            self.model_digits = ModelDigitPanel(self.pg)
            self.model_digits.build()
            self.drawn = DigitDrawPanel(self)
            self.drawn.build()
            gr.Markdown("### " + L_("Interpolation between two seeds"))
            with gr.Row():
                self.seed_a = gr.Number(value=1, precision=0, label=L_("Seed A"), minimum=0)
                self.seed_b = gr.Number(value=2, precision=0, label=L_("Seed B"), minimum=0)
                self.interpolate = gr.Button(L_("Interpolate"))
            self.strip = AtomicImage(label=L_("From A to B"), format="png", type="numpy", interactive=False, height=140)
            self._wire()  # inside the tab: its API endpoints too

    def _build_sliders(self) -> None:
        with gr.Row():
            self.seed = gr.Number(value=0, precision=0, label=L_("Seed"), minimum=0)
            self.randomize = gr.Button(L_("Randomize"))
        self.digit = gr.Slider(0, 9, value=3, step=1, label=L_("Digit (conditional models)"), visible=False)
        self.kind = gr.Radio([(L_("Principal directions"), "principal"), (L_("Raw dimensions"), "raw")],
                             value="principal", label=L_("Slider directions"))
        self.sliders = [gr.Slider(-3, 3, value=0, step=0.05, label=L_(DIRECTION_LABELS[i]), elem_id=f"latent-{i + 1}")
                        for i in range(NUM_SLIDERS)]
        self.origin = gr.State(None)  # a found z (list of floats) the sliders start from instead of the seed's noise

    def _wire(self) -> None:
        s = self.session
        self.model_digits.wire_model(s, self.model)
        chosen = [self.digit, *self.sliders, self.digit_image, self.model_info, self.origin]
        self.model.input(self.on_model, inputs=[s, self.model], outputs=chosen, api_name="explore_model")
        self.tab.select(self.on_model, inputs=[s, self.model], outputs=chosen, api_visibility="private")
        latent_inputs = [s, self.model, self.seed, self.digit, self.kind, *self.sliders, self.origin]
        for i, control in enumerate([*self.sliders, self.digit, self.kind]):
            control.input(self.on_latent, inputs=latent_inputs, outputs=[self.digit_image],
                          trigger_mode="always_last", api_name="latent" if i == 0 else None,
                          api_visibility="public" if i == 0 else "private", **LIVE)
        # A new seed leaves a found match: the sliders start from the seed's noise again.
        self.seed.input(self.on_latent, inputs=latent_inputs[:-1], outputs=[self.digit_image],
                        trigger_mode="always_last", api_visibility="private", **LIVE).then(
            lambda: None, outputs=[self.origin], api_visibility="private", show_progress="hidden")
        self.randomize.click(self.on_randomize, inputs=[s, self.model, self.digit, self.kind],
                             outputs=[self.seed, *self.sliders, self.digit_image, self.origin], api_name="randomize",
                             **LIVE)
        self.drawn.wire()
        self.interpolate.click(self.on_interpolate, inputs=[s, self.model, self.seed_a, self.seed_b, self.digit],
                               outputs=[self.strip], api_name="interpolate", **LIVE)
        self.upload.upload(self.on_upload, inputs=[s, self.upload], outputs=[self.model, self.upload_note, self.upload],
                           api_name="upload_model", concurrency_limit=2).success(
            self.on_model, inputs=[s, self.model], outputs=chosen, api_visibility="private")
        s.change(self.on_session, inputs=[s, self.model], outputs=[self.model], api_visibility="private")

    # --- handlers --------------------------------------------------------------------------------
    def model_of(self, token: Any, name: Any) -> ExploreModel:
        return self.pg.models.get(self.pg.session(token), name)

    def choices(self, token: Any) -> list[tuple[str, str]]:
        """The models this page's session may explore, as (label in the page's language, name) pairs."""
        try:
            session = self.pg.manager.session(check_token(token))
        except SessionError:
            session = None
        return [(model_label(name), name) for name in self.pg.models.choices(session)]

    def on_model(self, token: Any, name: Any) -> dict[Any, Any]:
        """Pick a model: show the digit picker for conditional ones, reset the sliders, draw."""
        config = self.model_of(token, name).config
        words = (_("**{name}** · {arch} · loss {loss} · latent size {latent} · conditional: pick a digit")
                 if config.conditional else _("**{name}** · {arch} · loss {loss} · latent size {latent}"))
        info = words.format(name=name, arch=config.arch.upper(), loss=_(LOSS_LABELS.get(config.loss, config.loss)),
                            latent=count(config.latent_dim))
        image = self.draw(token, name, 0, 0, "principal", *([0.0] * NUM_SLIDERS))
        return {self.digit: gr.update(visible=config.conditional), **dict.fromkeys(self.sliders, 0.0),
                self.digit_image: image, self.model_info: info, self.origin: None}

    def digit_of(self, token: Any, name: Any, seed: Any, digit: Any, kind: Any, sliders: Any,
                 origin: Any = None) -> torch.Tensor:
        """The sliders' digit (1, 1, 28, 28) in [-1, 1]: the origin (a found z, else the seed's noise) moved along
        six directions by the slider values (each in [-3, 3])."""
        sliders = (*sliders, *([0.0] * (NUM_SLIDERS - len(sliders))))
        amounts = [number(v, f"slider {i + 1}", -SLIDER_RANGE, SLIDER_RANGE) for i, v in enumerate(sliders)]
        seed = number(seed, "seed", 0, 2**31 - 1, integer=True)
        if kind not in ("principal", "raw"):
            raise gr.Error(_("directions must be 'principal' or 'raw'"), print_exception=False)
        model = self.model_of(token, name)
        directions = model.directions[kind]
        base = noise_for_seed(seed, 1, model.config.latent_dim)[0]
        if isinstance(origin, list) and len(origin) == model.config.latent_dim:
            base = torch.tensor(origin, dtype=torch.float32)
        z = move_along(base, directions, amounts[: len(directions)])
        with torch.no_grad():
            return model.generator(z, _labels(model, digit, 1))

    def draw(self, token: Any, name: Any, seed: Any, digit: Any, kind: Any, *sliders: Any,
             origin: Any = None) -> np.ndarray:
        """The sliders' digit as uint8 (224, 224) (see digit_of)."""
        return upscale(to_uint8(self.digit_of(token, name, seed, digit, kind, sliders, origin))[0], DIGIT_SCALE)

    def on_latent(self, token: Any, name: Any, seed: Any, digit: Any, kind: Any, s1: Any = 0.0, s2: Any = 0.0,
                  s3: Any = 0.0, s4: Any = 0.0, s5: Any = 0.0, s6: Any = 0.0, origin: Any = None) -> dict[Any, Any]:
        """One digit from a seed's latent code (or a found match's) moved along six directions (values in [-3, 3])."""
        return {self.digit_image: self.draw(token, name, seed, digit, kind, s1, s2, s3, s4, s5, s6, origin=origin)}

    def on_randomize(self, token: Any, name: Any, digit: Any, kind: Any) -> dict[Any, Any]:
        seed = int(np.random.default_rng().integers(0, 100_000))
        zeros = [0.0] * NUM_SLIDERS
        return {self.seed: seed, **dict.fromkeys(self.sliders, 0.0), self.origin: None,
                self.digit_image: self.draw(token, name, seed, digit, kind, *zeros)}

    def strip_of(self, token: Any, name: Any, seed_a: Any, seed_b: Any, digit: Any, steps: Any = 10) -> np.ndarray:
        """A strip of digits on the way from seed A's code to seed B's."""
        seed_a = number(seed_a, "seed A", 0, 2**31 - 1, integer=True)
        seed_b = number(seed_b, "seed B", 0, 2**31 - 1, integer=True)
        steps = number(steps, "steps", 2, 16, integer=True)
        model = self.model_of(token, name)
        z = interpolate(seed_a, seed_b, steps, model.config.latent_dim)
        with torch.no_grad():
            images = to_uint8(model.generator(z, _labels(model, digit, steps)))
        return upscale(make_grid(images, steps), 3)

    def on_interpolate(self, token: Any, name: Any, seed_a: Any, seed_b: Any, digit: Any) -> dict[Any, Any]:
        return {self.strip: self.strip_of(token, name, seed_a, seed_b, digit)}

    def on_upload(self, token: Any, files: Any) -> dict[Any, Any]:
        """Load an uploaded model into this session's list and select it; the upload box empties for the next."""
        session = self.pg.session(token)
        name, saved = self.pg.models.add_upload(session, _paths(files), self.pg.downloads.folder)
        c = saved.config
        note = _("Loaded **{name}**: {arch}, loss {loss}, latent size {latent}, {steps} steps. It is in the Model list "
                 "for this browser tab only.").format(name=name, arch=c.arch.upper(), loss=c.loss,
                                                      latent=count(c.latent_dim), steps=count(saved.step))
        return {self.model: gr.update(choices=self.choices(token), value=name), self.upload_note: note,
                self.upload: None}

    def on_session(self, token: Any, current: Any) -> dict[Any, Any]:
        """The list for this session (after a refresh, its uploads are still there)."""
        choices = self.choices(token)
        if current in [name for _label, name in choices]:
            return {self.model: gr.update(choices=choices)}
        return {self.model: gr.update(choices=choices, value=choices[0][1])}


def _labels(model: ExploreModel, digit: Any, n: int) -> torch.Tensor | None:
    if not model.config.conditional:
        return None
    digit = number(digit, "digit", 0, 9, integer=True)
    return torch.full((n,), digit, dtype=torch.long)


def _paths(files: Any) -> list[Path]:
    """Uploaded file paths from a File component's value (a path, a list of them, or file dicts from the API)."""
    if files is None or files == []:
        raise gr.Error(_("No file arrived: choose a .zip from Download model, or a .safetensors with its "
                         "config.json."), print_exception=False)
    paths = []
    for item in files if isinstance(files, list) else [files]:
        path = item.get("path") if isinstance(item, dict) else getattr(item, "path", item)
        if not isinstance(path, str):
            raise gr.Error(_("An upload must be a file."), print_exception=False)
        paths.append(Path(path))
    return paths
