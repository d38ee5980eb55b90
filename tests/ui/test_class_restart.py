"""The class survives a restart: `python app.py` is killed in the middle of a class (one run finished, one still
training) and started again on the same data folder. The wall has every run, the finished one with its results
and the cut-off one marked so; a student who comes back is in the same place in the class."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from gradio_client import Client

from ..waiting import wait_for
from .conftest import free_port
from .pages import FORM

ROOT = Path(__file__).resolve().parents[2]


class Server:
    """`python app.py` on a free port with its class data in `folder`."""

    def __init__(self, folder: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}/"
        env = {**os.environ, "GANPLAYGROUND_DATA_DIR": str(folder), "GRADIO_SERVER_NAME": "127.0.0.1",
               "GRADIO_SERVER_PORT": str(self.port), "GRADIO_ANALYTICS_ENABLED": "False"}
        self.process = subprocess.Popen([sys.executable, "app.py"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL,
                                        stderr=subprocess.DEVNULL)
        wait_for(self._up, 120, "the app to answer")

    def _up(self) -> bool:
        try:
            return httpx.get(self.url + "config", timeout=2).status_code == 200
        except httpx.HTTPError:
            assert self.process.poll() is None, "the app exited"
            return False

    def kill(self) -> None:
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(30)


@pytest.fixture
def folder(tmp_path: Path) -> Iterator[Path]:
    yield tmp_path / "data"


def runs(url: str, made: dict) -> list[dict]:
    answer = httpx.get(f"{url}api/classes/{made['code']}/runs", headers={"X-Teacher-Key": made["teacher_key"]},
                       timeout=30)
    answer.raise_for_status()
    return answer.json()


def test_a_killed_server_comes_back_with_the_whole_class(folder: Path) -> None:
    server = Server(folder)
    try:
        made = httpx.post(server.url + "api/classes", timeout=30).json()
        client = Client(server.url, verbose=False)
        quick, slow = client.predict(api_name="/new_session"), client.predict(api_name="/new_session")
        assert client.predict(quick, made["code"], "Quick", api_name="/class_join")["number"] == 1
        assert client.predict(slow, made["code"], "Slow", api_name="/class_join")["number"] == 2
        client.predict(quick, 6, "", api_name="/class_predict")
        client.predict(quick, *FORM[:-1], 10, api_name="/start")
        wait_for(lambda: any(r["finished"] for r in runs(server.url, made)), 90, "the quick run finished")
        client.predict(slow, *FORM[:-1], 600, api_name="/start")
        wait_for(lambda: len(runs(server.url, made)) == 2 and runs(server.url, made)[1]["step"] > 0, 60,
                 "the slow run reported")
        before = {r["name"]: r for r in runs(server.url, made)}
    finally:
        server.kill()  # no goodbye: the slow run is cut off mid-training

    server = Server(folder)
    try:
        after = {r["name"]: r for r in runs(server.url, made)}
        assert set(after) == {"Quick", "Slow"}
        for field in ("id", "finished", "verdict", "digits_covered", "step", "settings", "prediction", "meter"):
            assert after["Quick"][field] == before["Quick"][field], field
        assert after["Quick"]["prediction"]["digits"] == 6 and not after["Quick"]["cut_off"]
        assert not after["Slow"]["finished"] and after["Slow"]["cut_off"]
        client = Client(server.url, verbose=False)
        again = client.predict(slow, made["code"], "", api_name="/class_join")  # joining again: the same place
        assert (again["number"], again["name"]) == (2, "Slow")
    finally:
        server.kill()
