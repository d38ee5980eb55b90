"""The Learn tab: five short lessons, each with a picture from the shipped models (export/lesson_pictures.py) and a
"Try it" button that loads its preset into the Train or Duel tab and goes there; then the "Be the discriminator"
game (game_panel.py).
"""

from __future__ import annotations

import functools
import tempfile
from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np

from ...export.lesson_pictures import lesson_picture, lesson_story
from ...i18n import N_, _, current_language
from ...train.images import save_png
from ..server.playground import Playground
from ..widgets.alt_text import LESSON_PICTURES, LESSON_STORY
from ..widgets.inputs import number
from ..widgets.labels import LESSONS
from ..widgets.translate import L_
from .draw_panel import DrawPanel
from .game_panel import GamePanel
from .train_form import TrainForm

# The run-over-time strips' captions, one whole label per preset (the preset's name stays an id).
STORY_LABELS = {
    "collapse": N_("One run of the collapse preset over time"),
    "ring-js": N_("One run of the ring-js preset over time"),
}


def story_file(name: str) -> str | None:
    """A shipped model's run over time captioned in the current language, as a PNG file (drawn once per language,
    so a page load only points at it)."""
    path = _story_file(name, current_language())
    if path is not None and not Path(path).is_file():  # the temporary folder was cleaned: draw it again
        _story_file.cache_clear()
        path = _story_file(name, current_language())
    return path


@functools.cache
def _story_file(name: str, language: str) -> str | None:
    strip = lesson_story(name)  # in `language`, the current one
    if strip is None:
        return None
    path = Path(tempfile.mkdtemp(prefix="ganplayground-story-")) / f"{name}-{language}.png"
    save_png(strip, path)
    return str(path)


class LearnTab:
    """The lessons and the game over a Playground."""

    def __init__(self, pg: Playground) -> None:
        self.pg = pg
        self.game = GamePanel()

    def build(self) -> None:
        with gr.Tab(L_("Learn"), id="learn") as self.tab:
            self.toy_buttons: dict[int, gr.Button] = {}
            self.stories: list[tuple[gr.Image, Any]] = []  # each strip with what draws it in the page's language
            self.try_it = [self._build_lesson(n, lesson) for n, lesson in enumerate(LESSONS, start=1)]
            self.game.build()

    def _build_lesson(self, n: int, lesson: dict[str, Any]) -> gr.Button:
        with gr.Row(elem_id=f"lesson-{n}"):  # a class link's ?lesson=N scrolls here
            with gr.Column(scale=2):
                gr.Markdown("### " + L_(lesson["title"]))  # one translated message per Markdown
                gr.Markdown(L_(lesson["text"]))
                with gr.Row():
                    button = gr.Button(L_(lesson["button"]))
                    if "toy" in lesson:  # the lesson on a 2-D toy, with its views switched on
                        self.toy_buttons[n - 1] = gr.Button(L_(lesson["toy"]["button"]), elem_id=f"lesson-{n}-toy")
            with gr.Column(scale=1):
                gr.Image(value=self.picture(lesson["image"]), format="png", interactive=False, show_label=False,
                         height=260, buttons=[], alt_text=L_(LESSON_PICTURES[lesson["image"]]))
        if "story" in lesson:  # the run over time, full width under the lesson (captioned in English until loaded)
            strip = gr.Image(value=lesson_story(lesson["story"]), format="png", interactive=False,
                             label=L_(STORY_LABELS[lesson["preset"]]), height=230, alt_text=L_(LESSON_STORY))
            self.stories.append((strip, functools.partial(story_file, lesson["story"])))
        return button

    def picture(self, kind: str) -> np.ndarray | None:
        """A lesson's picture from the shipped models; None if the model is missing."""
        return lesson_picture(kind, self.pg.reals("ring"))

    def wire(self, tabs: gr.Tabs, form: TrainForm, duel_preset: gr.Dropdown, draw: DrawPanel,
             session: gr.Textbox) -> None:
        """The "Try it" buttons, once the tabs they fill exist."""
        self.tabs, self.form, self.duel_preset, self.draw = tabs, form, duel_preset, draw
        with self.tab:  # the endpoints belong to the tab
            for i, button in enumerate(self.try_it):
                button.click(functools.partial(self.on_try_it, i), inputs=None,
                             outputs=[tabs, form.preset, *form.fields, duel_preset], api_name=f"lesson_{i + 1}")
            for i, button in self.toy_buttons.items():
                views = [session, draw.warp, draw.arrows, form.latent]
                button.click(functools.partial(self.on_try_toy, i), inputs=None,
                             outputs=[tabs, form.preset, *form.fields, draw.warp, draw.arrows],
                             api_name=f"lesson_{i + 1}_toy").then(draw.on_views, inputs=views,
                                                                  outputs=[draw.caption], api_visibility="private")

    def on_try_it(self, index: Any) -> dict[Any, Any]:
        """'Try it': load a lesson's preset into the Train tab (and the Duel tab for the duel lesson) and go there."""
        i = number(index, "lesson", 0, len(LESSONS) - 1, integer=True)
        lesson = LESSONS[i]
        out = {self.tabs: gr.Tabs(selected=lesson["tab"]), self.form.preset: lesson["preset"],
               **self.form.on_preset(lesson["preset"])}
        if lesson["tab"] == "duel":
            out[self.duel_preset] = lesson["preset"]
        return out

    def on_try_toy(self, index: Any) -> dict[Any, Any]:
        """A lesson's toy button: its toy preset in the Train tab with the lesson's views (warped grid, arrows) on."""
        i = number(index, "lesson", 0, len(LESSONS) - 1, integer=True)
        toy = LESSONS[i].get("toy")
        if toy is None:
            raise gr.Error(_("This lesson has no toy to try."), print_exception=False)
        warp, arrows = toy["views"]
        return {self.tabs: gr.Tabs(selected="train"), self.form.preset: toy["preset"],
                **self.form.on_preset(toy["preset"]), self.draw.warp: warp, self.draw.arrows: arrows}
