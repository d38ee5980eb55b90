"""The message catalogs: `locales/<code>/LC_MESSAGES/messages.mo`, compiled by Babel from the `.po` beside it, read
with Python's gettext. `_()` answers in the current language, a context variable: the page sets it for each
request (ui/widgets/translate.py), other callers use `use_language`.
"""

from __future__ import annotations

import functools
import gettext
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar, Token
from pathlib import Path

from .languages import DEFAULT, LANGUAGES, PSEUDO, pseudo_mode
from .pseudo import pseudo

LOCALE_DIR = Path(__file__).resolve().parent / "locales"
DOMAIN = "messages"
_language: ContextVar[str | None] = ContextVar("ganplayground_language", default=None)


def current_language() -> str:
    """The language `_()` answers in now."""
    return _language.get() or (PSEUDO if pseudo_mode() else DEFAULT)


def set_language(code: str) -> Token:
    """Make `code` the current language (an unknown code means English); reset it with the returned token."""
    return _language.set(code if code in LANGUAGES or code == PSEUDO else DEFAULT)


def reset_language(token: Token) -> None:
    """Back to the language before the `set_language` that gave `token`."""
    _language.reset(token)


@contextmanager
def use_language(code: str) -> Iterator[None]:
    """Speak `code` inside the block."""
    token = set_language(code)
    try:
        yield
    finally:
        reset_language(token)


@functools.cache
def translations(code: str) -> gettext.NullTranslations:
    """The compiled catalog of a language (English, and a language with no catalog, translate nothing)."""
    if code == DEFAULT or code not in LANGUAGES:
        return gettext.NullTranslations()
    return gettext.translation(DOMAIN, localedir=LOCALE_DIR, languages=[code], fallback=True)


def _(message: str) -> str:
    """A message in the current language."""
    code = current_language()
    if code == PSEUDO:
        return pseudo(message)
    return translations(code).gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """The singular or plural message for a count `n`, by the current language's plural rules."""
    code = current_language()
    if code == PSEUDO:
        return pseudo(singular if n == 1 else plural)
    return translations(code).ngettext(singular, plural, n)


def N_(message: str) -> str:
    """Mark a message for the catalogs without translating it yet (module-level constants); `_()` it where shown."""
    return message
