"""The Learn tab: five short lessons, each with a picture from the shipped models (export/lesson_pictures.py) and a
"Try it" button that loads its preset into the Train or Duel tab and goes there; then the "Be the discriminator"
game (game_panel.py).
"""

from __future__ import annotations

import functools
from typing import Any

import gradio as gr
import numpy as np

from ...export.lesson_pictures import lesson_picture, lesson_story
from ..server.playground import Playground
from ..widgets.inputs import number
from ..widgets.labels import LESSONS
from .game_panel import GamePanel
from .train_form import TrainForm


class LearnTab:
    """The lessons and the game over a Playground."""

    def __init__(self, pg: Playground) -> None:
        self.pg = pg
        self.game = GamePanel()

    def build(self) -> None:
        with gr.Tab("Learn", id="learn") as self.tab:
            self.try_it = [self._build_lesson(n, lesson) for n, lesson in enumerate(LESSONS, start=1)]
            self.game.build()

    def _build_lesson(self, n: int, lesson: dict[str, str]) -> gr.Button:
        with gr.Row(elem_id=f"lesson-{n}"):  # a class link's ?lesson=N scrolls here
            with gr.Column(scale=2):
                gr.Markdown(f"### {lesson['title']}\n{lesson['text']}")
                button = gr.Button(lesson["button"])
            with gr.Column(scale=1):
                gr.Image(value=self.picture(lesson["image"]), format="png", interactive=False, show_label=False,
                         height=260)
        if "story" in lesson:  # the run over time, full width under the lesson
            gr.Image(value=lesson_story(lesson["story"]), format="png", interactive=False,
                     label=f"One run of the {lesson['preset']} preset over time", height=230)
        return button

    def picture(self, kind: str) -> np.ndarray | None:
        """A lesson's picture from the shipped models; None if the model is missing."""
        return lesson_picture(kind, self.pg.reals("ring"))

    def wire(self, tabs: gr.Tabs, form: TrainForm, duel_preset: gr.Dropdown) -> None:
        """The "Try it" buttons, once the tabs they fill exist."""
        self.tabs, self.form, self.duel_preset = tabs, form, duel_preset
        with self.tab:  # the endpoints belong to the tab
            for i, button in enumerate(self.try_it):
                button.click(functools.partial(self.on_try_it, i), inputs=None,
                             outputs=[tabs, form.preset, *form.fields, duel_preset], api_name=f"lesson_{i + 1}")

    def on_try_it(self, index: Any) -> dict[Any, Any]:
        """'Try it': load a lesson's preset into the Train tab (and the Duel tab for the duel lesson) and go there."""
        i = number(index, "lesson", 0, len(LESSONS) - 1, integer=True)
        lesson = LESSONS[i]
        out = {self.tabs: gr.Tabs(selected=lesson["tab"]), self.form.preset: lesson["preset"],
               **self.form.on_preset(lesson["preset"])}
        if lesson["tab"] == "duel":
            out[self.duel_preset] = lesson["preset"]
        return out
