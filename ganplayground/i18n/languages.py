"""Which languages the page speaks, and which one a visitor gets: `?lang=xx` first, then the browser's list
(the Accept-Language header), then English.

Codes are short (`zh` is Simplified Chinese). Babel formats numbers with `BABEL_LOCALES`; the page's fixed labels
(Gradio's I18n, in the browser) use `BROWSER_LOCALES`. `PSEUDO` is a test language: every letter accented and each
message bracketed, so text that skipped the catalogs stands out (`GANPLAYGROUND_PSEUDO=1`, docs/translating.md).
"""

from __future__ import annotations

import os

LANGUAGES = {"en": "English", "es": "Español", "fr": "Français", "de": "Deutsch", "zh": "中文（简体）"}
DEFAULT = "en"
PSEUDO = "qps"
BABEL_LOCALES = {"en": "en", "es": "es", "fr": "fr", "de": "de", "zh": "zh_Hans_CN", PSEUDO: "en"}
BROWSER_LOCALES = {"en": "en", "es": "es", "fr": "fr", "de": "de", "zh": "zh-CN"}
PSEUDO_SWITCH = "GANPLAYGROUND_PSEUDO"


def pseudo_mode() -> bool:
    """Whether this server speaks the pseudo-language to everyone (a translator's and a test's tool)."""
    return os.environ.get(PSEUDO_SWITCH, "") not in ("", "0")


def supported(tag: str | None) -> str | None:
    """The page's code for a language tag (`es-MX` → `es`, `zh-Hans-CN` → `zh`), or None if it is not spoken."""
    if not tag:
        return None
    base = tag.strip().replace("_", "-").split("-")[0].lower()
    return base if base in LANGUAGES else None


def accepted(header: str | None) -> list[str]:
    """The tags of an Accept-Language header, most wanted first (`q=0` means not wanted)."""
    ranked = []
    for i, part in enumerate((header or "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        q = 1.0
        for param in params.split(";"):
            key, _eq, value = param.strip().partition("=")
            if key == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if tag and q > 0:
            ranked.append((-q, i, tag))
    return [tag for _q, _i, tag in sorted(ranked)]


def pick_language(query: str | None = None, accept_language: str | None = None) -> str:
    """The language for a visitor: a spoken `?lang=` value, else the first spoken language of the browser's
    list, else English. In pseudo mode, always the pseudo-language."""
    if pseudo_mode():
        return PSEUDO
    for tag in (query, *accepted(accept_language)):
        code = supported(tag)
        if code:
            return code
    return DEFAULT


def browser_locale(code: str) -> str:
    """The locale name the page's labels use in the browser for a language code."""
    return BROWSER_LOCALES.get(code, DEFAULT)
