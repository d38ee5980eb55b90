"""The pseudo-language: each message bracketed and its letters accented, its placeholders (`{step}`), Markdown
links' targets and HTML tags left alone, so a page in it shows at a glance which text never met a catalog."""

from __future__ import annotations

import re

PLAIN = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
ACCENTED = "àƀçđéƒĝĥîĵķĺɱñöþǫŕšţûṽŵẋýžÀƁÇĐÉƑĜĤÎĴĶĹṀÑÖÞǪŔŠŢÛṼŴẊÝŽ"
TABLE = str.maketrans(PLAIN, ACCENTED)
# placeholders, HTML tags, Markdown link targets, entities and code are kept as they are
KEEP = re.compile(r"(\{[^{}]*\}|<[^<>]*>|\]\([^()]*\)|&\w+;|`[^`]*`)")
OPEN, CLOSE = "⟦", "⟧"


def pseudo(message: str) -> str:
    """A message in the pseudo-language."""
    if not message:
        return message
    parts = KEEP.split(message)
    text = "".join(part if i % 2 else part.translate(TABLE) for i, part in enumerate(parts))
    return f"{OPEN}{text}{CLOSE}"


def is_pseudo_letter(ch: str) -> bool:
    """Whether a character is one the pseudo-language writes for a letter."""
    return ch in ACCENTED
