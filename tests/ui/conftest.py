"""What the UI tests share: a Playground and the page built around it (handlers called directly), a running app
on a free loopback port with a gradio_client for it (one per test module). What they fill in and how they poll
is pages.py."""

from __future__ import annotations

import os
import socket
from collections.abc import Iterator

import pytest
from gradio_client import Client

from ganplayground.ui.app import Page, build_demo, launch
from ganplayground.ui.server.playground import Playground


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def pg() -> Iterator[Playground]:
    """A Playground with short snapshot and metric intervals; every run stopped, its files removed, after."""
    playground = Playground(max_trainings=2, snapshot_seconds=0.1, metrics_seconds=0.5)
    yield playground
    playground.close()


@pytest.fixture
def page(pg: Playground) -> Page:
    """The page's parts (tabs, header, links) around `pg`, for calling their handlers directly."""
    return build_demo(pg).page


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Playground]]:
    """(url, playground) of a running app, its Gradio files in a temporary folder (GRADIO_TEMP_DIR restored
    after)."""
    before = os.environ.get("GRADIO_TEMP_DIR")
    os.environ["GRADIO_TEMP_DIR"] = str(tmp_path_factory.mktemp("gradio"))
    os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
    playground = Playground(max_trainings=3, snapshot_seconds=0.25, metrics_seconds=1.0)
    demo = build_demo(playground)
    port = free_port()
    try:
        launch(demo, server_name="127.0.0.1", server_port=port, prevent_thread_lock=True, quiet=True)
        yield f"http://127.0.0.1:{port}/", playground
    finally:
        playground.close()
        demo.close()
        if before is None:
            os.environ.pop("GRADIO_TEMP_DIR", None)
        else:
            os.environ["GRADIO_TEMP_DIR"] = before


@pytest.fixture(scope="module")
def app_url(app: tuple[str, Playground]) -> str:
    return app[0]


@pytest.fixture(scope="module")
def client(app_url: str) -> Client:
    """A gradio_client for the module's running app."""
    return Client(app_url, verbose=False)
