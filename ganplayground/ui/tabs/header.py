"""The top of the page, above the tabs: the title and what to do, the device the server trains on, and the page's
session: a random token the browser keeps (so a refresh finds its runs again) in a hidden box every tab reads.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import gradio as gr

from ...i18n import LANGUAGES
from ..server.playground import Playground
from ..server.sessions import Session, SessionError, check_token, new_token
from ..widgets.labels import INTRO
from ..widgets.translate import L_, request_language

# The hidden session box's label names the first parameter of the API's endpoints (docs/api.md): an API name, never
# shown on the page, so it stays English on purpose.
SESSION_LABEL = "session"
SWITCH_LANGUAGE_JS = """(code) => {
  const url = new URL(window.location.href);
  const shown = (document.documentElement.lang || "en").split("-")[0].toLowerCase();  // the page's language now
  if (!code || code === shown) return;  // a keyboard passing through the menu changes nothing
  url.searchParams.set("lang", code);
  window.location.href = url.href;
}"""


class Header:
    """The title, the device line and the session of the page, over a Playground."""

    def __init__(self, pg: Playground) -> None:
        self.pg = pg
        self._hash_to_token: dict[str, str] = {}  # Gradio's connection id -> the page's token, for unload

    def build(self) -> None:
        # At the top level of the Blocks, not inside a tab: tab contents mount lazily, and a state in a hidden
        # tab is not there when the page loads, so a refresh could not find its runs again.
        self.token_store = gr.BrowserState("", storage_key="ganplayground-session")
        self.session = gr.Textbox(visible=False, label=SESSION_LABEL)
        with gr.Row(equal_height=True):
            gr.Markdown(L_(INTRO), elem_id="intro")
            self.language = gr.Dropdown([(name, code) for code, name in LANGUAGES.items()], value="en",
                                        label=L_("Language"), elem_id="language", scale=0, min_width=160)
        # Filled in as the page loads: the line is a sentence in the reader's language, and only a request has one.
        self.device = gr.Markdown("", elem_id="device")

    def wire(self, demo: gr.Blocks, timers: list[tuple[gr.Timer, Callable[[Session], bool]]],
             texts: Sequence[tuple[Any, Callable[[], Any]]] = ()) -> Any:
        """The page's load and unload. `timers`: each tab's poll timer with the test of whether the session has a
        run for it to follow (a refresh restarts those). `texts`: components whose words (or captioned picture) the
        page's load composes, in the reader's language (only a request has one), with the function that words each.
        Returns the load event (the class links chain on it)."""
        self._timers = timers
        self._texts = [(self.device, lambda: self.pg.device_text), *texts]
        outputs = [self.token_store, self.session, self.language, *(box for box, _ in self._texts),
                   *(timer for timer, _ in timers)]
        loaded = demo.load(self.on_load, inputs=[self.token_store], outputs=outputs, api_visibility="private",
                           show_progress="hidden")  # a quick fill-in: no timer over the texts it fills
        # A new language reloads the page in it (?lang=): Gradio translates the labels once, as the page loads.
        self.language.input(None, inputs=[self.language], js=SWITCH_LANGUAGE_JS)
        demo.unload(self.on_unload)
        gr.api(self.new_session, api_name="new_session")
        return loaded

    def on_load(self, stored: Any, request: gr.Request | None = None) -> dict[Any, Any]:
        """Page opened or refreshed: reuse the token the browser kept, or make one; re-attach its runs' timers."""
        try:
            token = check_token(stored)
        except SessionError:
            token = new_token()
        session = self.pg.manager.session(token)
        if request is not None and getattr(request, "session_hash", None):
            self._hash_to_token[request.session_hash] = token
        out: dict[Any, Any] = {self.token_store: token, self.session: token,
                               self.language: self._menu_language(request)}
        out.update({box: words() for box, words in self._texts})
        for timer, live in self._timers:
            out[timer] = gr.Timer(active=live(session))
        return out

    @staticmethod
    def _menu_language(request: gr.Request | None) -> str:
        """The Language menu's value: the page's language (English in the pseudo-language, a test's tool)."""
        code = request_language(request)
        return code if code in LANGUAGES else "en"

    def on_unload(self, request: gr.Request) -> None:
        """The tab went away (closed, or refreshed): its runs stop soon unless it comes back."""
        token = self._hash_to_token.pop(getattr(request, "session_hash", "") or "", None)
        if token:
            self.pg.manager.orphan(token)

    @staticmethod
    def new_session() -> str:
        """A fresh session token (for API clients)."""
        return new_token()
