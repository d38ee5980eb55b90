"""The Learn tab's handlers, a mixin of `Playground` (handlers.py): the lessons' pictures (learn.py) and their
"Try it" buttons."""

from __future__ import annotations

from typing import Any

import gradio as gr
import numpy as np

from ...export import lesson_pictures as learn
from ..widgets.inputs import number
from ..widgets.labels import LESSONS


class LearnTab:
    """The Learn tab (uses the Train tab's on_preset and _reals)."""

    # --- Learn tab -------------------------------------------------------------------------------------
    def lesson_picture(self, kind: str) -> np.ndarray | None:
        """A picture for a lesson from the shipped models (learn.py); None if the model is missing."""
        return learn.lesson_picture(kind, self._reals("ring"))

    lesson_story = staticmethod(learn.lesson_story)

    def on_lesson(self, index: Any) -> tuple:
        """'Try it': load a lesson's preset into the Train or Duel tab and go there."""
        i = number(index, "lesson", 0, len(LESSONS) - 1, integer=True)
        lesson = LESSONS[i]
        form = self.on_preset(lesson["preset"])
        duel_preset = lesson["preset"] if lesson["tab"] == "duel" else gr.skip()
        return (gr.Tabs(selected=lesson["tab"]), lesson["preset"], *form, duel_preset)
