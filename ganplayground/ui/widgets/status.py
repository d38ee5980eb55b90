"""The narrator's line under a run's status: the engine's sentence about the run (measure.narrator.narrate) as
one line of Markdown, with the losses called by the names the loss switch shows.

No GAN logic here (the engine's rules decide what is said) and no gradio.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...i18n import N_, _
from ...measure.narrator import Narration, narrate
from .labels import LOSS_LABELS

MARK = N_("Narrator:")  # words, not an emoji: headless and school browsers may lack the emoji font


def loss_names() -> dict[str, str]:
    """Each loss as the loss switch names it, in the reader's language."""
    return {loss: f"**{_(label)}**" for loss, label in LOSS_LABELS.items()}


def narration(history: Sequence[dict[str, Any]], status: str) -> Narration:
    """What the narrator says about a run with this history and status."""
    return narrate(history, status, loss_names())


def narrator_line(history: Sequence[dict[str, Any]], status: str) -> str:
    """The narrator's Markdown line for a run with this history and status."""
    return f"**{_(MARK)}** {narration(history, status).text}"
