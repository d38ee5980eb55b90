"""A drawing (dark ink on white, any size) as an MNIST digit: white ink on black, 28 x 28, the ink's bounding box
scaled to 20 px and centred, as MNIST's digits were. Not the search for it in a generator (inversion.py).
"""

from __future__ import annotations

import numpy as np
import torch
import torch.nn.functional as F

from ..i18n import _

MIN_SIDE = 8  # px: a smaller picture cannot hold a digit
MAX_SIDE = 2048  # px: a bigger picture is refused before any work (a 10 MB upload)
MAX_INK_SHARE = 0.6  # more of the bounding box inked than this is a filled area, not strokes
DIGIT_BOX = 20  # MNIST scaled each digit's box to 20 x 20 px and centred it in 28 x 28


class DrawnDigitError(ValueError):
    """A drawing that cannot become a digit; the message is a plain sentence for the person who drew it."""


def ink_of(picture: np.ndarray) -> np.ndarray:
    """float32 (H, W) in [0, 1]: how dark and opaque each pixel is. `picture`: (H, W) grey or (H, W, 3|4), uint8
    in [0, 255] or floats in [0, 1]; transparent pixels count as white paper."""
    if not isinstance(picture, np.ndarray) or picture.ndim not in (2, 3) or (
            picture.ndim == 3 and picture.shape[2] not in (3, 4)) or picture.size == 0:
        raise DrawnDigitError(_("That is not a picture: send a grey or colour image of a digit."))
    h, w = picture.shape[:2]
    if min(h, w) < MIN_SIDE or max(h, w) > MAX_SIDE:
        raise DrawnDigitError(_("The picture is {w} x {h} px: it must be between {least} and {most} px a side.").format(
            w=w, h=h, least=MIN_SIDE, most=MAX_SIDE))
    pixels = picture.astype(np.float32)
    if not np.isfinite(pixels).all():
        raise DrawnDigitError(_("The picture has NaN or infinite pixels: send an ordinary image."))
    if picture.dtype != np.uint8:
        if pixels.min() < 0 or pixels.max() > 255:
            raise DrawnDigitError(_("The picture's pixels must lie in [0, 1] or [0, 255]."))
        pixels = pixels * 255.0 if pixels.max() <= 1.0 else pixels
    pixels /= 255.0
    if pixels.ndim == 2:
        return 1.0 - pixels
    dark = 1.0 - pixels[..., :3].mean(axis=2)
    return dark * pixels[..., 3] if pixels.shape[2] == 4 else dark


def digit_from_drawing(picture: np.ndarray) -> np.ndarray:
    """A drawing -> float32 (28, 28) in [-1, 1], ink +1 on a -1 background (MNIST's white on black).

    The inked bounding box is scaled (one factor for both axes, area-averaged) so its longer side is 20 px, then
    centred. DrawnDigitError for a blank or all-white picture, a filled one, a wrong size or NaN."""
    ink = ink_of(picture)
    ys, xs = np.nonzero(ink > 0.1)
    if len(ys) == 0:
        raise DrawnDigitError(_("The drawing is blank: draw a digit on the canvas first."))
    box = ink[ys.min(): ys.max() + 1, xs.min(): xs.max() + 1]
    if box.size >= 64 and (box > 0.5).mean() > MAX_INK_SHARE:
        raise DrawnDigitError(_("The drawing is a filled area: draw the digit's strokes with the pen, not a block."))
    h, w = box.shape
    scale = DIGIT_BOX / max(h, w)
    size = (max(1, round(h * scale)), max(1, round(w * scale)))
    mode = "area" if scale < 1 else "bilinear"
    small = F.interpolate(torch.from_numpy(np.ascontiguousarray(box))[None, None], size=size, mode=mode,
                          **({} if mode == "area" else {"align_corners": False}))[0, 0].numpy()  # (h', w')
    small = small / max(float(small.max()), 1e-6)  # full-strength ink, as MNIST's strokes are
    digit = np.zeros((28, 28), np.float32)
    top, left = (28 - size[0]) // 2, (28 - size[1]) // 2
    digit[top: top + size[0], left: left + size[1]] = small
    return digit * 2.0 - 1.0
