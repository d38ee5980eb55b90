"""The "Be the discriminator" board as a picture: sixteen digits in numbered tiles, the player's marks, and after
Check the truth and every player's verdicts; and which tile a click on the picture hits.

Plain pictures (uint8 arrays, drawn with Pillow): the rounds and scores are game.py, the page's words and
controls ui/tabs/game_panel.py. The words under the tiles are in the caller's language.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from ..export.fonts import caption_font
from ..i18n import N_, _
from ..train.images import upscale
from . import game
from .game import Round, Score

TILES = game.DEFAULT_TILES
COLUMNS = 4
SCALE = 4  # a digit is drawn 112 px wide
FRAME = 4  # px around a digit: grey, orange when marked, green or red after Check
GAP = 8
CAPTION = 34  # px under a tile for its words
CELL_W = 28 * SCALE + 2 * FRAME
CELL_H = CELL_W + CAPTION
BOARD_HEIGHT = -(-TILES // COLUMNS) * (CELL_H + GAP) + GAP + 16  # px on the page: the whole board, never cropped
GREY, ORANGE, GREEN, RED = (190, 190, 190), (235, 130, 0), (30, 150, 60), (210, 40, 40)
INK, PAPER = (30, 30, 30), (250, 250, 250)
# Translators: a player's short name under a tile: the discriminator (D) and the digit classifier (clf).
OPPONENT_SHORT = {"discriminator": N_("D"), "classifier": N_("clf")}


def _font(size: int) -> ImageFont.ImageFont | ImageFont.FreeTypeFont:
    """Pillow's font (the tiles' numbers)."""
    try:
        return ImageFont.load_default(size=size)
    except (OSError, TypeError):  # Pillow without FreeType: the fixed bitmap font
        return ImageFont.load_default()


def _captions(size: int) -> tuple[ImageFont.ImageFont | ImageFont.FreeTypeFont, dict[str, str]]:
    """The tiles' caption words in the current language, and a font that has their letters (export.fonts)."""
    words = {"marked": N_("marked fake"), "fake": N_("FAKE"), "real": N_("real"), "you fake": N_("you: fake"),
             "you real": N_("you: real"), "you": N_("you"), **OPPONENT_SHORT}
    words = {key: _(text) for key, text in words.items()}
    return caption_font(size, "".join(words.values())), words


def draw_board(images: np.ndarray, marked: set[int], round_: Round | None = None,
               score: Score | None = None) -> np.ndarray:
    """The board as RGB uint8 (H, W, 3): tiles numbered 1..n row by row; marked ones framed orange.

    With a checked round and the player's score: each frame green (you were right) or red (wrong), under each
    tile the truth ("FAKE" / "real") and a dot per player, green where that player was right, red where wrong.
    """
    n = len(images)
    rows = -(-n // COLUMNS)
    width, height = COLUMNS * (CELL_W + GAP) + GAP, rows * (CELL_H + GAP) + GAP
    canvas = Image.new("RGB", (width, height), PAPER)
    draw = ImageDraw.Draw(canvas)
    number_font, (caption_font, words) = _font(15), _captions(13)
    opponents = [] if round_ is None else [(o.kind, round_.score(game.tiles_of(o.marks))) for o in round_.opponents]
    for i in range(n):
        tile = i + 1
        r, c = divmod(i, COLUMNS)
        left, top = GAP + c * (CELL_W + GAP), GAP + r * (CELL_H + GAP)
        before_check = ORANGE if tile in marked else GREY
        frame = before_check if score is None else (GREEN if score.right[i] else RED)
        draw.rectangle([left, top, left + CELL_W - 1, top + CELL_W - 1], fill=frame)
        digit = Image.fromarray(upscale(images[i], SCALE)).convert("RGB")
        canvas.paste(digit, (left + FRAME, top + FRAME))
        draw.rectangle([left + FRAME, top + FRAME, left + FRAME + 22, top + FRAME + 19], fill=(0, 0, 0))
        draw.text((left + FRAME + 3, top + FRAME + 1), str(tile), fill=(255, 230, 90), font=number_font)
        y = top + CELL_W + 2
        if score is None or round_ is None:
            if tile in marked:
                draw.text((left + 2, y), words["marked"], fill=ORANGE, font=caption_font)
            continue
        fake = bool(round_.is_fake[i])
        truth = words["fake"] if fake else words["real"]
        you = words["you fake"] if tile in marked else words["you real"]
        draw.text((left + 2, y), f"{truth}  ·  {you}", fill=RED if fake else INK, font=caption_font)
        x = left + 2
        for name, right in [(words["you"], score.right[i]), *[(words[k], s.right[i]) for k, s in opponents]]:
            draw.text((x, y + 16), name, fill=INK, font=caption_font)
            x += int(draw.textlength(name, font=caption_font)) + 3
            draw.ellipse([x, y + 19, x + 9, y + 28], fill=GREEN if right else RED)
            x += 17
    return np.asarray(canvas)


def tile_at(x: int, y: int, n: int) -> int | None:
    """The tile (1..n) under pixel (x, y) of a board, or None between tiles and outside the board."""
    c, r = (x - GAP) // (CELL_W + GAP), (y - GAP) // (CELL_H + GAP)
    inside = 0 <= (x - GAP) % (CELL_W + GAP) < CELL_W and 0 <= (y - GAP) % (CELL_H + GAP) < CELL_H
    tile = r * COLUMNS + c + 1
    if not inside or not 0 <= c < COLUMNS or not 1 <= tile <= n:
        return None
    return tile
