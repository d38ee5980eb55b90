"""The image output many sessions share: an existing cached picture is never rewritten under a reader."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import PIL.Image

from ganplayground.ui.components import AtomicImage


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
