"""Sentences composed where no page is asking (a training thread): `Said` keeps the message id and its figures
beside the English text, and `in_words` says it in the reader's language when it is shown. Not a catalog.
"""

from __future__ import annotations

import math
from typing import Any

from ..i18n import N_, _, decimal, number, use_language

# Why a run paused on its own, by the network whose loss stopped being finite (snapshots.RunLog.flush)
DIVERGED = {
    "discriminator": N_("Training diverged: the discriminator loss became NaN or infinite near step {step}. The "
                        "last good weights (step {good}) are kept; restore them and try a lower learning rate."),
    "generator": N_("Training diverged: the generator loss became NaN or infinite near step {step}. The last good "
                    "weights (step {good}) are kept; restore them and try a lower learning rate."),
}


def compact(x: float) -> str:
    """A figure with at most three significant digits, like f"{x:.3g}", in the language's decimal mark."""
    if not math.isfinite(x):
        return f"{x}"
    text = f"{x:.3g}"
    if "e" in text:
        return text
    return decimal(x, len(text.split(".")[1]) if "." in text else 0)


def _figure(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return value
    return number(value) if isinstance(value, int) else compact(value)


def words(msgid: str, params: dict[str, Any]) -> str:
    """The message `msgid` in the current language, its figures formatted for the language."""
    return _(msgid).format(**{k: _figure(v) for k, v in params.items()})


class Said(str):
    """An English sentence (a plain str everywhere) that remembers its message id (marked with N_) and figures."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, **params: Any) -> Said:
        with use_language("en"):
            self = super().__new__(cls, words(msgid, params))
        self.msgid, self.params = msgid, params
        return self

    def __reduce__(self) -> tuple[Any, ...]:
        return _said, (self.msgid, self.params)


def _said(msgid: str, params: dict[str, Any]) -> Said:
    return Said(msgid, **params)


def in_words(text: str) -> str:
    """`text` in the current language: a Said is put into words now; any other text is shown as it is."""
    return words(text.msgid, text.params) if isinstance(text, Said) else text
