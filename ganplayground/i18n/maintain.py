"""Keeping the catalogs in step with the code, with Babel: `python -m ganplayground.i18n.maintain` then one of

- `extract`: write the template `messages.pot` from every marked message in the package;
- `update`: extract, then bring each language's `.po` up to date (new messages empty, gone ones dropped);
- `compile`: compile each `.po` to the `.mo` the page reads;
- `check`: list what a shipped language lacks (untranslated, fuzzy, or placeholders that differ); exit 1 if any.

The marks are `_`, `N_`, `ngettext` (engine and page) and `L_` (the page's fixed labels).
"""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from .catalogs import DOMAIN, LOCALE_DIR
from .languages import BABEL_LOCALES, DEFAULT, LANGUAGES

PACKAGE = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().parent / f"{DOMAIN}.pot"
KEYWORDS = {"_": None, "N_": None, "L_": None, "ngettext": (1, 2)}
PLACEHOLDER = re.compile(r"\{(\w*)(?:[:!][^{}]*)?\}")


def shipped() -> list[str]:
    """The languages with a catalog (all but English, whose text is the code's)."""
    return [code for code in LANGUAGES if code != DEFAULT]


def po_path(code: str) -> Path:
    return LOCALE_DIR / code / "LC_MESSAGES" / f"{DOMAIN}.po"


def extract() -> Catalog:
    """Every marked message in the package, with where it is used."""
    catalog = Catalog(project="ganplayground", charset="utf-8")
    found = extract_from_dir(str(PACKAGE), method_map=[("**.py", "python")], keywords=KEYWORDS,
                             comment_tags=("Translators:",), strip_comment_tags=True)
    for filename, lineno, message, comments, context in found:
        if "/i18n/" in f"/{filename}":
            continue
        catalog.add(message, None, [(f"ganplayground/{filename}", lineno)], auto_comments=comments, context=context)
    return catalog


def read(code: str) -> Catalog:
    with po_path(code).open("rb") as f:
        return read_po(f, locale=BABEL_LOCALES[code])


def write(catalog: Catalog, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    buffer = io.BytesIO()
    write_po(buffer, catalog, width=0, sort_output=False, omit_header=False)
    path.write_bytes(buffer.getvalue())


def update() -> None:
    template = extract()
    write(template, TEMPLATE)
    for code in shipped():
        catalog = read(code) if po_path(code).exists() else Catalog(locale=BABEL_LOCALES[code])
        catalog.update(template, no_fuzzy_matching=True)
        catalog.obsolete.clear()
        write(catalog, po_path(code))


def compile_all() -> None:
    for code in shipped():
        buffer = io.BytesIO()
        write_mo(buffer, read(code))
        po_path(code).with_suffix(".mo").write_bytes(buffer.getvalue())


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def problems(code: str, template: Catalog | None = None) -> list[str]:
    """What language `code` lacks for the code's messages: missing, empty, fuzzy, or with other placeholders."""
    template = template or extract()
    catalog = read(code)
    found = []
    for message in template:
        if not message.id:
            continue
        entry = catalog.get(message.id, context=message.context)
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = entry.string if entry and isinstance(entry.string, tuple) else ((entry.string,) if entry else ())
        if entry is None or not all(strings):
            found.append(f"{code}: untranslated: {ids[0]!r}")
        elif entry.fuzzy:
            found.append(f"{code}: fuzzy: {ids[0]!r}")
        elif any(placeholders(s) != placeholders(ids[-1]) and placeholders(s) != placeholders(ids[0]) for s in strings):
            found.append(f"{code}: placeholders differ: {ids[0]!r}")
    return found


def main(argv: list[str] | None = None) -> int:
    command = (argv or sys.argv[1:] or ["check"])[0]
    if command == "extract":
        write(extract(), TEMPLATE)
    elif command == "update":
        update()
    elif command == "compile":
        compile_all()
    elif command == "check":
        template = extract()
        found = [p for code in shipped() for p in problems(code, template)]
        print("\n".join(found) or "every shipped language translates every message")
        return 1 if found else 0
    else:
        print(f"error: unknown command {command!r} (extract, update, compile or check)", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
