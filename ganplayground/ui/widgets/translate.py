"""The page's languages on the Gradio side.

- `L_("Start")` is a fixed label: Gradio's I18n translates it in the browser. The key is the English text, which is
  also the catalog's msgid, so one set of `.po` files serves both the labels and the sentences the server composes.
- `page_i18n()` builds the `gr.I18n` the page launches with, from the catalogs, for every label the page built.
- `LocalizedBlocks` sets the language of each event before its handler runs: `?lang=` of the page, else the
  browser's Accept-Language (i18n.pick_language). The handlers' `_()` then answer in it.
"""

from __future__ import annotations

from typing import Any

import gradio as gr
from gradio.i18n import I18nData

from ...i18n import LANGUAGES, browser_locale, pick_language, set_language, translations
from ...i18n.catalogs import reset_language
from ...i18n.languages import pseudo_mode
from ...i18n.pseudo import pseudo

_LABELS: dict[str, None] = {}  # every key L_ has given out, in order


def L_(text: str) -> I18nData:  # noqa: N802 - gettext's naming, a keyword of the extractor
    """A fixed label or text of the page, translated in the browser."""
    _LABELS[text] = None
    return I18nData(text)


def page_i18n() -> gr.I18n:
    """The page's I18n: each label in each language, from the catalogs (English is the key itself; in pseudo
    mode English is the pseudo-language, so a test can see what skipped the catalogs)."""
    english = {key: pseudo(key) if pseudo_mode() else key for key in _LABELS}
    tables = {"en": english}
    for code in LANGUAGES:
        if code != "en":
            catalog = translations(code)
            tables[browser_locale(code)] = {key: catalog.gettext(key) for key in _LABELS}
    return gr.I18n(**tables)


def request_language(request: gr.Request | None) -> str:
    """The language of the page that sent a request."""
    if request is None:
        return pick_language()
    query = getattr(request, "query_params", None) or {}
    headers = getattr(request, "headers", None) or {}
    return pick_language(query.get("lang"), headers.get("accept-language"))


class LocalizedBlocks(gr.Blocks):
    """Blocks whose events run in the language of the page that sent them."""

    async def call_function(self, block_fn: Any, processed_input: list[Any], iterator: Any = None,
                            requests: gr.Request | list[gr.Request] | None = None, *args: Any, **kwargs: Any) -> Any:
        request = requests[0] if isinstance(requests, list) and requests else requests
        token = set_language(request_language(request) if isinstance(request, gr.Request) else pick_language())
        try:
            return await super().call_function(block_fn, processed_input, iterator, requests, *args, **kwargs)
        finally:
            reset_language(token)

