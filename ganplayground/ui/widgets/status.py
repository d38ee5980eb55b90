"""The narrator's line under a run's status: the engine's sentence about the run (measure.narrator.narrate) as
one line of Markdown, with the losses called by the names the loss switch shows.

No GAN logic here (the engine's rules decide what is said) and no gradio.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ...measure.narrator import Narration, narrate
from .labels import LOSS_LABELS

LOSS_NAMES = {loss: f"**{label}**" for loss, label in LOSS_LABELS.items()}  # as the loss switch names them
MARK = "Narrator:"  # words, not an emoji: headless and school browsers may lack the emoji font


def narration(history: Sequence[dict[str, Any]], status: str) -> Narration:
    """What the narrator says about a run with this history and status."""
    return narrate(history, status, LOSS_NAMES)


def narrator_line(history: Sequence[dict[str, Any]], status: str) -> str:
    """The narrator's Markdown line for a run with this history and status."""
    return f"**{MARK}** {narration(history, status).text}"
