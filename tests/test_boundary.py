"""The engine never imports gradio: only ganplayground/ui and app.py may."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
ENGINE = ["bundles", "checkpoints", "classifier", "cli", "config", "data", "devices", "game", "images", "labcard",
          "latent", "links", "live_metrics", "losses", "metrics", "modelcard", "models", "narrator", "recipe",
          "recording", "snapshots", "stepping", "timeline", "trainer", "weights"]


def test_the_engine_imports_without_gradio() -> None:
    code = ("import sys\n" + "".join(f"import ganplayground.{m}\n" for m in ENGINE)
            + "assert 'gradio' not in sys.modules, 'gradio was imported'\nprint('ok')")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert result.returncode == 0 and result.stdout.strip() == "ok", result.stderr


def test_no_engine_module_mentions_gradio_imports() -> None:
    for path in (ROOT / "ganplayground").glob("*.py"):
        text = path.read_text()
        assert "import gradio" not in text and "from gradio" not in text, path.name
