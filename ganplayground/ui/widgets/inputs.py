"""Form and API values checked into plain messages: every handler calls these before allocating anything large,
so a malformed value becomes a `gr.Error` the page shows, never a traceback."""

from __future__ import annotations

import math
import os
from typing import Any

import gradio as gr

from ...i18n import _


def env_int(name: str, default: int) -> int:
    """A positive integer setting from the environment (a deployer's knob), else the default."""
    value = os.environ.get(name, "")
    return int(value) if value.isdigit() and int(value) > 0 else default


def error(exc: Exception) -> gr.Error:
    return gr.Error(str(exc), print_exception=False)


def number(value: Any, name: str, lo: float, hi: float, integer: bool = False) -> float | int:
    """A finite number in [lo, hi] from a form or API value; gr.Error otherwise (`name`: the value's name in the
    reader's language, `_("seed")`)."""
    if isinstance(value, bool) or not isinstance(value, int | float):
        if isinstance(value, str):
            try:
                value = float(value)
            except ValueError:
                raise gr.Error(_("{name} must be a number; got {value}").format(name=name, value=repr(value)),
                               print_exception=False) from None
        else:
            raise gr.Error(_("{name} must be a number; got {value}").format(name=name, value=type(value).__name__),
                           print_exception=False)
    if not math.isfinite(value) or not lo <= value <= hi:
        raise gr.Error(_("{name} must be between {lo} and {hi}; got {value}").format(
            name=name, lo=f"{lo:g}", hi=f"{hi:g}", value=repr(value)), print_exception=False)
    if integer:
        if value != int(value):
            raise gr.Error(_("{name} must be a whole number; got {value}").format(name=name, value=repr(value)),
                           print_exception=False)
        return int(value)
    return float(value)
