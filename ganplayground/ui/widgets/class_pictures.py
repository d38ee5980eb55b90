"""Pictures of a class for the Class tab: the student link as a QR code (segno), the class chart's points from the
runs, and PNG bytes (thumbnails, charts) as arrays for image components. No gradio."""

from __future__ import annotations

import io

import numpy as np
import segno
from PIL import Image

from ...classroom.class_card import ChartPoint
from ...classroom.classes import RunRecord
from ...classroom.experiment_words import knob_words
from ...i18n import _
from .labels import LOSS_LABELS


def qr_picture(link: str) -> np.ndarray:
    """The student link as a QR code (segno), big enough for a projector."""
    buffer = io.BytesIO()
    segno.make(link, error="m").save(buffer, kind="png", scale=8, border=2)
    return np.asarray(Image.open(io.BytesIO(buffer.getvalue())).convert("L"))


def chart_points(records: list[RunRecord]) -> tuple[list[ChartPoint], str]:
    """The class chart's points and the knob's label (in the current language): the experiment's knob, else the
    loss."""
    knob = next((r.arm["knob"] for r in records if r.arm), None)
    points = [ChartPoint(r.arm["value"] if knob and r.arm else _(LOSS_LABELS.get(r.loss, r.loss)), r.loss,
                         r.digits_covered, r.prediction.digits, r.finished, r.verdict != "illegible")
              for r in records]
    return points, knob_words(knob or "loss")


def png_array(data: bytes) -> np.ndarray:
    """PNG bytes as an RGB array."""
    return np.asarray(Image.open(io.BytesIO(data)).convert("RGB"))
