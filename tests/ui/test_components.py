"""Image outputs: an existing cached picture is never rewritten under a reader; a small one travels inline."""

from __future__ import annotations

import base64
import io
import threading
from pathlib import Path

import numpy as np
import PIL.Image

from ganplayground.ui.widgets.components import AtomicImage, InlineImage


def test_the_same_picture_maps_to_one_cache_file_that_is_never_rewritten(tmp_path: Path, monkeypatch) -> None:
    image = AtomicImage(format="png", type="numpy")
    monkeypatch.setattr(image, "GRADIO_CACHE", str(tmp_path))
    picture = (np.arange(28 * 28) % 256).astype(np.uint8).reshape(28, 28)
    first = Path(image.postprocess(picture).path)
    stamp = first.stat().st_ino
    assert image.get_block_name() == "image"  # the front end draws it as an ordinary image

    sizes, errors = [], []

    def read_while_others_write() -> None:
        try:
            for _ in range(200):
                sizes.append(len(first.read_bytes()))
        except OSError as exc:
            errors.append(exc)

    reader = threading.Thread(target=read_while_others_write)
    reader.start()
    paths = {image.postprocess(picture).path for _ in range(200)}
    reader.join()
    assert paths == {str(first)} and first.stat().st_ino == stamp  # reused, not rewritten
    assert not errors and set(sizes) == {first.stat().st_size}
    np.testing.assert_array_equal(np.asarray(PIL.Image.open(first)), picture)


def test_a_small_picture_travels_inside_the_reply_and_a_large_one_through_the_cache(tmp_path: Path,
                                                                                   monkeypatch) -> None:
    image = InlineImage(format="png", type="numpy", label="Generated digit", elem_id="digit")
    monkeypatch.setattr(image, "GRADIO_CACHE", str(tmp_path))
    monkeypatch.setattr(image, "limit", 5_000)
    config = image.get_config()
    assert config["label"] == "Generated digit" and config["elem_id"] == "digit"  # the page gets its props
    digit = np.kron((np.arange(28 * 28) % 7 * 40).astype(np.uint8).reshape(28, 28), np.ones((8, 8), np.uint8))
    small = image.postprocess(digit)
    assert small.path is None and small.url.startswith("data:image/png;base64,")
    decoded = PIL.Image.open(io.BytesIO(base64.b64decode(small.url.split(",", 1)[1])))
    np.testing.assert_array_equal(np.asarray(decoded), digit)
    assert not any(tmp_path.iterdir())  # nothing written to disk

    noise = np.random.default_rng(0).integers(0, 256, (200, 200), dtype=np.uint8)  # ~40 KB as PNG
    large = image.postprocess(noise)
    assert large.url is None and Path(large.path).is_relative_to(tmp_path)
    np.testing.assert_array_equal(np.asarray(PIL.Image.open(large.path)), noise)
    assert image.get_block_name() == "image"
