"""Every user-visible string of the page goes through the catalogs: the code is read (ast) for labels, texts and
messages given to Gradio as plain literals or f-strings, which no catalog could translate; and for `_()` called
at import time, when no visitor's language is known yet."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[2] / "ganplayground"
SHOWN_KEYWORDS = {"label", "info", "placeholder"}
SHOWN_FIRST_ARGUMENT = {"Button", "Markdown", "Tab", "Accordion", "Error", "Info", "Warning", "DownloadButton",
                        "UploadButton", "ClearButton"}
TRANSLATORS = {"_", "L_", "N_", "ngettext"}


def words(node: ast.expr) -> bool:
    """Whether an expression is a literal (or f-string) with words in it."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return any(len(w) > 1 and w.isalpha() for w in node.value.replace("*", " ").split())
    if isinstance(node, ast.JoinedStr):
        return any(words(v) for v in node.values if isinstance(v, ast.Constant))
    return False


def gradio_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id == "gr":
        return func.attr
    return None


def unmarked(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = gradio_name(node)
        shown = [kw.value for kw in node.keywords if kw.arg in SHOWN_KEYWORDS]
        if name in SHOWN_FIRST_ARGUMENT and node.args:
            shown.append(node.args[0])
        if name in SHOWN_FIRST_ARGUMENT:
            shown += [kw.value for kw in node.keywords if kw.arg in ("value", "message")]
        found += [f"{path.relative_to(PACKAGE.parent)}:{value.lineno}" for value in shown if words(value)]
    return found


def test_the_page_gives_gradio_no_untranslatable_text() -> None:
    found = [hit for path in sorted((PACKAGE / "ui").rglob("*.py")) for hit in unmarked(path)]
    assert found == [], "wrap these in L_() (fixed labels) or _() (composed sentences)"


def translated_at_import(path: Path) -> list[str]:
    """Calls of _() or ngettext() outside any function: they would run once, in no visitor's language."""
    tree = ast.parse(path.read_text())
    inside: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            inside.update(id(n) for n in ast.walk(node))
    return [f"{path.relative_to(PACKAGE.parent)}:{node.lineno}" for node in ast.walk(tree)
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("_", "ngettext")
            and id(node) not in inside]


def test_nothing_is_translated_at_import_time() -> None:
    found = [hit for path in sorted(PACKAGE.rglob("*.py")) if "i18n" not in path.parts
             for hit in translated_at_import(path)]
    assert found == [], "mark module-level text with N_() and translate it where it is shown"
