"""The browser side of the page's language. Gradio picks the language of its labels from `navigator.language`
alone, so the page's HTML gets a small script, ahead of Gradio's own, that tells it the page's language: `?lang=xx`
when the address has a spoken one, else the first spoken language of the browser's list, else English. The server
picks the same way for the sentences it composes (i18n.pick_language), so labels and sentences agree.

An ASGI middleware: it rewrites only the page itself (a GET of the root answered with uncompressed HTML).
"""

from __future__ import annotations

import json
from typing import Any

from ...i18n import DEFAULT, LANGUAGES, browser_locale
from ...i18n.languages import pseudo_mode

SCRIPT = """<script>(function () {
  var spoken = %s, pick = %s;
  var tags = [new URLSearchParams(location.search).get("lang")].concat(navigator.languages || [navigator.language]);
  for (var i = 0; i < tags.length; i++) {
    var base = (tags[i] || "").split(/[-_]/)[0].toLowerCase();
    if (spoken.hasOwnProperty(base)) { pick = spoken[base]; break; }
  }
  Object.defineProperty(navigator, "language", {get: function () { return pick; }});
  Object.defineProperty(navigator, "languages", {get: function () { return [pick]; }});
})();</script>"""


def page_script() -> bytes:
    """The script that tells Gradio the page's language (in pseudo mode always English, which is then pseudo)."""
    spoken = {code: "en" if pseudo_mode() else browser_locale(code) for code in LANGUAGES}
    return (SCRIPT % (json.dumps(spoken), json.dumps(DEFAULT))).encode()


def with_script(start: dict, body: bytes, script: bytes) -> tuple[dict, bytes]:
    """The page's response start and body with the script at the start of <head>, when it is plain HTML."""
    headers = dict(start.get("headers", []))
    plain_html = headers.get(b"content-type", b"").startswith(b"text/html") and b"content-encoding" not in headers
    if not plain_html or b"<head>" not in body:
        return start, body
    body = body.replace(b"<head>", b"<head>" + script, 1)
    kept = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
    return {**start, "headers": [*kept, (b"content-length", str(len(body)).encode())]}, body


class PageLanguage:
    """ASGI middleware that puts `page_script()` into the page."""

    def __init__(self, app: Any) -> None:
        self.app = app
        self.script = page_script()

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http" or scope.get("method") != "GET" or scope.get("path", "").rstrip("/") != "":
            await self.app(scope, receive, send)
            return
        start: dict[str, Any] = {}
        body = bytearray()

        async def buffered(message: dict) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
                return
            body.extend(message.get("body", b""))
            if not message.get("more_body"):
                new_start, new_body = with_script(start, bytes(body), self.script)
                await send(new_start)
                await send({"type": "http.response.body", "body": new_body})

        await self.app(scope, receive, buffered)
