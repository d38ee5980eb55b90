"""The house: the layers and their import rules hold (import-linter's contracts in pyproject.toml), the engine loads
without gradio, docs/architecture.md names every module that exists and only those, and modules and functions
stay small enough to read."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "ganplayground"
MAX_MODULE_LINES = 300
MAX_FUNCTION_LINES = 50
LONG_REASON = "# Long:"  # a function over MAX_FUNCTION_LINES says why, in a comment starting so


def modules() -> list[Path]:
    """Every module of the package (package markers, __init__.py, left out)."""
    return sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py")


def test_the_import_contracts_hold(capsys: pytest.CaptureFixture[str]) -> None:
    code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True, no_logo=True)
    report = capsys.readouterr().out
    assert code == 0, report
    assert "0 broken" in report and "4 kept" in report


def test_the_engine_loads_in_a_fresh_interpreter_without_gradio() -> None:
    engine = [".".join(p.relative_to(ROOT).with_suffix("").parts) for p in modules()
              if "ui" not in p.relative_to(PACKAGE).parts and p.name not in ("__main__.py", "cli.py")]
    code = ("import sys\n" + "".join(f"import {m}\n" for m in engine)
            + "assert 'gradio' not in sys.modules, 'gradio was imported'\nprint('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr
    assert len(engine) >= 25  # the walk found the engine


def documented_modules() -> list[str]:
    """The module paths docs/architecture.md names: under each heading "### `folder/`", a bullet per module."""
    paths, folder = [], None
    for line in (ROOT / "docs" / "architecture.md").read_text().splitlines():
        heading = re.match(r"^### `([\w/]+/)`", line)
        if heading:
            folder = heading.group(1)
            continue
        if line.startswith("#"):
            folder = None
        bullet = re.match(r"^- `([\w]+\.py)`", line)
        if bullet and folder:
            paths.append(folder + bullet.group(1))
    return paths


def test_the_architecture_page_names_every_module_and_only_those() -> None:
    named = documented_modules()
    assert len(named) == len(set(named)), "a module is named twice"
    actual = {str(p.relative_to(ROOT)) for p in modules()}
    assert sorted(set(named) - actual) == [], "named but missing"
    assert sorted(actual - set(named)) == [], "not named in docs/architecture.md"


def test_no_two_modules_share_a_name() -> None:
    names = [p.stem for p in modules() if p.stem != "__main__"]
    packages = [p.name for p in PACKAGE.rglob("*") if p.is_dir() and (p / "__init__.py").exists()]
    repeated = sorted({n for n in names + packages if (names + packages).count(n) > 1})
    assert repeated == []


def test_modules_stay_short_with_one_job() -> None:
    long = {str(p.relative_to(ROOT)): n for p in modules() if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES}
    assert long == {}


def test_long_functions_say_why() -> None:
    unexplained = []
    for path in modules():
        text = path.read_text()
        lines = text.splitlines()
        for node in ast.walk(ast.parse(text)):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                length = node.end_lineno - node.lineno + 1
                body = lines[node.lineno - 1:node.end_lineno]
                if length > MAX_FUNCTION_LINES and not any(LONG_REASON in line for line in body):
                    unexplained.append(f"{path.relative_to(ROOT)}:{node.lineno} {node.name} ({length} lines)")
    assert unexplained == []


def test_every_file_the_docs_name_exists() -> None:
    """Paths the pages name exist (a name followed by * is a pattern; NAME stands for any model)."""
    pages = [ROOT / "README.md", ROOT / "pretrained" / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
    pattern = re.compile(r"\b((?:ganplayground|tests|benchmarks|pretrained|docs)/[\w./-]*\w)(\*?)")
    missing = sorted({f"{page.name}: {name}" for page in pages for name, star in pattern.findall(page.read_text())
                      if not name.endswith("/NAME") and not any(ROOT.glob(name + star))})
    assert missing == []
