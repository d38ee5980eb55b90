"""Chinese in the pictures: a subset of Noto Sans CJK SC (assets/fonts/, OFL) as matplotlib's fallback after DejaVu Sans
and Pillow's caption font. Not the page's fonts (the browser has its own). `python -m ganplayground.export.fonts
SOURCE_FONT` regenerates the subset from the zh catalog (needs fontTools, only for that)."""

from __future__ import annotations

import dataclasses
import functools
import sys
from pathlib import Path

from PIL import ImageFont

FONT_DIR = Path(__file__).resolve().parent.parent / "assets" / "fonts"
CJK_FONT = FONT_DIR / "GANPlaygroundSansCJK-Regular.otf"
CJK_FAMILY = "GANPlayground Sans CJK"  # renamed: a subset is a modified font (OFL), and no system font clashes
# Characters the pictures may draw beyond the catalog: ASCII, the punctuation of captions, Babel's zh dates.
EXTRA = "".join(chr(c) for c in range(0x20, 0x7F)) + "·×→–—…σ≈°%年月日，。：；、（）“”！？"


@functools.cache
def use_cjk_fallback() -> None:
    """Register the shipped font and make matplotlib fall back to it for glyphs DejaVu Sans lacks (once)."""
    import matplotlib
    from matplotlib import font_manager

    font_manager.fontManager.addfont(str(CJK_FONT))
    entry = next(f for f in font_manager.fontManager.ttflist if f.fname == str(CJK_FONT))
    # The subset has one weight: offered as bold too, so bold titles take it without a findfont warning each time.
    font_manager.fontManager.ttflist.append(dataclasses.replace(entry, weight=700))
    families = list(matplotlib.rcParams["font.family"])
    if CJK_FAMILY not in families:
        matplotlib.rcParams["font.family"] = [*families, CJK_FAMILY]


def needs_cjk(text: str) -> bool:
    """Whether `text` holds characters from the CJK blocks (Pillow's bundled font has none)."""
    return any(ord(ch) >= 0x2E80 for ch in text)


def caption_font(size: int, text: str) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """A Pillow font for `text`: Pillow's bundled one for ASCII (it lacks é, ü, ñ), matplotlib's DejaVu Sans for other
    European text, the shipped CJK font (which has ASCII) when `text` has CJK characters."""
    if needs_cjk(text):
        return ImageFont.truetype(str(CJK_FONT), size)
    if not text.isascii():
        import matplotlib

        return ImageFont.truetype(str(Path(matplotlib.get_data_path()) / "fonts" / "ttf" / "DejaVuSans.ttf"), size)
    return ImageFont.load_default(size=size)


def catalog_characters(code: str = "zh") -> set[str]:
    """Every character of a language's translations (msgstr values, plural forms included)."""
    from ..i18n import maintain

    catalog = maintain.read(code)
    chars: set[str] = set()
    for message in catalog:
        if message.id:
            strings = message.string if isinstance(message.string, tuple) else (message.string,)
            chars.update(*(s or "" for s in strings))
    return chars


def subset(source: Path, out: Path = CJK_FONT) -> int:
    """Write the subset of `source` (an .otf/.ttf, or a .ttc whose Simplified Chinese face is taken) holding the zh
    catalog's characters and EXTRA, renamed CJK_FAMILY; returns its size in bytes. Needs fontTools."""
    from fontTools import subset as ft_subset
    from fontTools.ttLib import TTCollection, TTFont

    if source.suffix.lower() == ".ttc":
        faces = TTCollection(str(source)).fonts
        font = next((f for f in faces if " SC" in str(f["name"].getDebugName(1))), faces[0])
    else:
        font = TTFont(str(source))
    chars = {ch for ch in catalog_characters() | set(EXTRA) if ch.isprintable()}
    options = ft_subset.Options()
    options.layout_features, options.name_IDs, options.hinting = ["*"], [0, 1, 2, 3, 4, 5, 6, 13, 14], False
    subsetter = ft_subset.Subsetter(options)
    subsetter.populate(unicodes=sorted(ord(ch) for ch in chars))
    subsetter.subset(font)
    names = font["name"]
    for record in list(names.names):
        if record.nameID in (1, 3, 4, 6, 16):
            names.removeNames(nameID=record.nameID)
    for name_id, value in ((1, CJK_FAMILY), (3, f"{CJK_FAMILY} subset"), (4, f"{CJK_FAMILY} Regular"),
                           (6, CJK_FAMILY.replace(" ", "") + "-Regular")):
        names.setName(value, name_id, 3, 1, 0x409)
    out.parent.mkdir(parents=True, exist_ok=True)
    font.save(str(out))
    return out.stat().st_size


if __name__ == "__main__":
    if len(sys.argv) != 2:
        print("usage: python -m ganplayground.export.fonts SOURCE_FONT  (e.g. NotoSansCJK-Regular.ttc)",
              file=sys.stderr)
        sys.exit(2)
    size = subset(Path(sys.argv[1]))
    print(f"wrote {CJK_FONT} ({size / 1024:.0f} KB)")
