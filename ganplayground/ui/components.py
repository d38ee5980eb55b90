"""A Gradio image output that is safe when many sessions draw the same picture at once."""

from __future__ import annotations

import os
import secrets
from pathlib import Path
from typing import Any

import gradio as gr
import numpy as np
import PIL.Image
from gradio import processing_utils
from gradio.data_classes import ImageData


class AtomicImage(gr.Image):
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
        data = processing_utils.encode_pil_to_bytes(PIL.Image.fromarray(value.astype(np.uint8, copy=False)), "png")
        folder = Path(self.GRADIO_CACHE) / processing_utils.hash_bytes(data)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / "image.png"
        if path.exists():
            try:
                os.utime(path)  # keep it out of delete_cache's reach for another full period
            except OSError:
                pass
        else:
            partial = folder / f".{secrets.token_hex(8)}.partial"
            partial.write_bytes(data)
            os.replace(partial, path)
        return ImageData(path=str(path.resolve()), orig_name=path.name)
