"""Gradio image outputs: safe when many sessions draw the same picture at once, and inline for small ones; a radio
whose handler checks the values itself."""

from __future__ import annotations

import base64
import contextlib
import io
import os
import secrets
from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np
import PIL.Image
from gradio import processing_utils
from gradio.data_classes import ImageData


class NamedImage(gr.Image):
    """gr.Image whose picture has a text alternative from the start: its alt_text, else its label. Gradio renders a
    shown picture inside a button named only by the img's alt; without one a screen reader meets a nameless
    button. A picture that changes is described beside it (alt_text.description_box)."""

    is_template = True

    def get_block_name(self) -> str:
        return "image"  # Gradio names a template after its direct parent only: subclasses of this one too

    def get_block_class(self) -> str:
        return "image"

    def get_config(self, cls: Any = None) -> dict[str, Any]:
        config = super().get_config(cls)
        if not config.get("alt_text") and config.get("label"):
            config["alt_text"] = config["label"]
        return config


class AtomicImage(NamedImage):
    """gr.Image whose numpy outputs reach Gradio's cache atomically.

    Gradio names a cached image by the hash of its bytes and rewrites that file in place every time the
    same picture is produced again. When thirty students drag sliders over the same shipped model, two
    events make the same PNG and one rewrites the file while another client downloads it: the download
    ends truncated (measured with benchmarks/classroom.py: 2 of ~580 slider calls). Here an existing file
    is reused as is, and a new one is written under a temporary name and renamed into place.
    """

    is_template = True  # rendered by the front end's ordinary Image component

    def postprocess(self, value: Any) -> ImageData | None:
        if not isinstance(value, np.ndarray) or self.format != "png":
            return super().postprocess(value)
        return _cache_png(self.GRADIO_CACHE, _png(value))


def _png(value: np.ndarray) -> bytes:
    # zlib level 1: a 302 x 302 sample grid encodes in 3.2 ms instead of 7.7 ms, for 11% more bytes.
    buffer = io.BytesIO()
    PIL.Image.fromarray(value.astype(np.uint8, copy=False)).save(buffer, "png", compress_level=1)
    return buffer.getvalue()


def _cache_png(cache: str, data: bytes) -> ImageData:
    folder = Path(cache) / processing_utils.hash_bytes(data)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "image.png"
    if path.exists():
        with contextlib.suppress(OSError):
            os.utime(path)  # keep it out of delete_cache's reach for another full period
    else:
        partial = folder / f".{secrets.token_hex(8)}.partial"
        partial.write_bytes(data)
        os.replace(partial, path)
    return ImageData(path=str(path.resolve()), orig_name=path.name)


class InlineImage(NamedImage):
    """gr.Image that sends a small picture inside the event's reply, as a PNG data URL, instead of a link.

    For the latent sliders: a linked image costs the page a second request per slider move (and API
    clients a download), and the server a cache file. A digit is a few KB: inline, one round trip
    shows it. Measured with benchmarks/latency.py: the download added 30-50 ms to a gradio_client round
    trip; inline, a slider call takes as long as a call to an endpoint that does nothing. Pictures over `limit`
    bytes, or other formats, go through the cache as usual. API callers get {"url": "data:image/png;
    base64,...", "path": None, ...}, the same form Gradio uses for SVG images.
    """

    is_template = True
    # Class-level on purpose: Gradio builds a component's page config from its __init__ signature.
    limit = 32_000

    def postprocess(self, value: Any) -> ImageData | None:
        if not isinstance(value, np.ndarray) or self.format != "png":
            return super().postprocess(value)
        data = _png(value)
        if len(data) > self.limit:
            return _cache_png(self.GRADIO_CACHE, data)  # as AtomicImage does
        return ImageData(url="data:image/png;base64," + base64.b64encode(data).decode("ascii"), orig_name="image.png")


class PlainRadio(gr.Radio):
    """gr.Radio that hands any value to its handler, which answers a bad one (an API caller's 11 or "x") with its own
    plain message instead of Gradio's list of choices."""

    is_template = True  # rendered by the front end's ordinary Radio

    def preprocess(self, payload: Any) -> Any:
        return payload
