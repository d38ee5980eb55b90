"""The project's own promises: README's two commands, CI runs the same test command, deps in sync."""

from __future__ import annotations

import re
import sys
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # Python 3.10: the same parser, from PyPI (the test extra installs it there)
    import tomli as tomllib

ROOT = Path(__file__).resolve().parent.parent


def _readme_commands() -> list[str]:
    blocks = re.findall(r"```bash\n(.*?)\n```", (ROOT / "README.md").read_text(), flags=re.S)
    return [b.strip() for b in blocks]


def test_readme_opens_with_an_app_command_and_a_test_command() -> None:
    commands = _readme_commands()
    assert commands[0].endswith("python app.py")
    assert commands[1].endswith("python -m pytest")


def test_ci_runs_the_readmes_test_command_verbatim() -> None:
    assert _readme_commands()[1] in (ROOT / ".ci" / "run").read_text()


def test_requirements_txt_matches_the_runtime_dependencies() -> None:
    declared = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["dependencies"]
    lines = [line.strip() for line in (ROOT / "requirements.txt").read_text().splitlines()]
    assert sorted(line for line in lines if line and not line.startswith("#")) == sorted(declared)


def test_the_spaces_front_matter_pins_the_installed_gradio() -> None:
    import gradio

    front = (ROOT / "README.md").read_text().split("---")[1]
    assert f"sdk_version: {gradio.__version__}" in front
    for key in ("sdk: gradio", "app_file: app.py", "python_version:", "short_description:", "suggested_hardware:",
                "license:"):
        assert key in front
