"""A running app on a free loopback port, shared by the API and browser tests of a module."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, object]]:
    """(url, playground) of a running app."""
    os.environ["GRADIO_TEMP_DIR"] = str(tmp_path_factory.mktemp("gradio"))
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    from ganplayground.ui.app import build_demo, launch
    from ganplayground.ui.server.playground import Playground

    playground = Playground(max_trainings=3, snapshot_seconds=0.25, metrics_seconds=1.0)
    demo = build_demo(playground)
    port = free_port()
    launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
    yield f"http://127.0.0.1:{port}/", playground
    playground.close()
    demo.close()


@pytest.fixture(scope="module")
def app_url(app: tuple[str, object]) -> str:
    return app[0]
