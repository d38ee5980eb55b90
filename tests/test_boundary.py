"""The engine never imports gradio: only ganplayground/ui and app.py may."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = sorted(".".join(p.relative_to(ROOT).with_suffix("").parts) for p in (ROOT / "ganplayground").rglob("*.py")
                if "ui" not in p.relative_to(ROOT).parts and p.name != "__main__.py")


def test_the_engine_imports_without_gradio() -> None:
    code = ("import sys\n" + "".join(f"import {m}\n" for m in ENGINE)
            + "assert 'gradio' not in sys.modules, 'gradio was imported'\nprint('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_no_engine_module_mentions_gradio_imports() -> None:
    for path in (ROOT / "ganplayground").rglob("*.py"):
        if "ui" in path.relative_to(ROOT).parts:
            continue
        text = path.read_text()
        assert "import gradio" not in text and "from gradio" not in text, path.name
