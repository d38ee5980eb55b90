"""The running app driven through gradio_client, as a class script would: train, poll, switch, stop,
generate from latent values; and a table of bad inputs that must each get a clear message while the
server keeps serving."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import io
import time
from pathlib import Path

import numpy as np
import PIL.Image
import pytest
from gradio_client import Client

from ganplayground.ui.tabs.duel_tab import Side
from ganplayground.ui.tabs.explore_tab import DIGIT_SCALE

from .pages import FORM, api_error

METER_STATES = ("Not digits yet", "Collapse:", "of 10 digits")


# /duel_poll's outputs for each side, in order (docs/api.md), then the timer.
DUEL_SIDE_OUTPUTS = ("samples", "losses", "histogram", "meter", "coverage", "narrator", "status")


def test_the_duel_sides_keep_their_api_order() -> None:
    assert tuple(field.name for field in dataclasses.fields(Side)) == DUEL_SIDE_OUTPUTS


def _digest(path: str) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


def test_train_poll_switch_and_stop_through_the_api(client: Client) -> None:
    token = client.predict(api_name="/new_session")
    status, _timer = client.predict(token, *FORM, api_name="/start")
    assert "Training" in status or "Starting" in status or "Waiting" in status

    deadline, grids = time.monotonic() + 60, set()
    while len(grids) < 2:
        out = client.predict(token, api_name="/poll")
        if isinstance(out[0], str) and Path(out[0]).exists():
            grids.add(_digest(out[0]))
        assert time.monotonic() < deadline, "the sample grid never changed"
        time.sleep(0.3)

    message = client.predict(token, "wgan-gp", api_name="/switch_loss")
    assert "Switched to Wasserstein, gradient penalty" in message
    deadline = time.monotonic() + 60
    while "Wasserstein estimate" not in _drawn(client.predict(token, api_name="/poll")[2]):
        assert time.monotonic() < deadline, "the Wasserstein estimate never appeared after the switch"
        time.sleep(0.3)
    status = client.predict(token, api_name="/stop")
    assert "Stopped" in status


def test_a_duel_through_the_api_gives_each_side_a_meter_and_curves(client: Client) -> None:
    token = client.predict(api_name="/new_session")
    left, right, _timer = client.predict(token, "collapse", "js", "wgan-gp", 0, 10, api_name="/duel_start")
    assert "JS, non-saturating" in left and "gradient penalty" in right
    n, deadline = len(DUEL_SIDE_OUTPUTS), time.monotonic() + 90
    sides: list[dict] = [{}, {}]  # what the page would show: the latest output of each that was not skipped
    while True:
        out = client.predict(token, api_name="/duel_poll")
        # both sides' outputs, the timer, both maps, both grids' words (the poll's state is not in the API)
        assert len(out) == 2 * n + 5
        for i, side in enumerate(sides):
            side.update({k: v for k, v in zip(DUEL_SIDE_OUTPUTS, out[i * n:(i + 1) * n], strict=True)
                         if v and v != {"__type__": "update"}})  # a skipped output comes as a bare update
        if all(any(w in s.get("meter", "") for w in METER_STATES) and _drawn(s.get("coverage")) for s in sides):
            break
        assert time.monotonic() < deadline, [s.get("status") for s in sides]
        time.sleep(0.5)
    assert _drawn(sides[0]["coverage"]) >= {"JS"} and _drawn(sides[1]["coverage"]) >= {"WGAN-GP"}
    statuses = client.predict(token, api_name="/duel_stop")
    assert all("Stopped" in status or "Finished" in status for status in statuses), statuses


def _drawn(plot: dict | None) -> set[str]:
    """The series of a plot output that have data (every frame also lists the others, with null values)."""
    if isinstance(plot, dict) and isinstance(plot.get("value"), dict):
        plot = plot["value"]  # sent with the plot's settings (legend, labels)
    if not isinstance(plot, dict) or "data" not in plot:
        return set()
    series, value = plot["columns"].index("series"), plot["columns"].index("value")
    return {row[series] for row in plot["data"] if row[value] is not None}


def _inline_png(result: dict) -> bytes:
    # The slider's digit comes inside the reply as a PNG data URL (no file to download).
    prefix = "data:image/png;base64,"
    assert result["path"] is None and result["url"].startswith(prefix)
    return base64.b64decode(result["url"][len(prefix):])


def test_generate_from_latent_values(client: Client) -> None:
    token = client.predict(api_name="/new_session")
    a = client.predict(token, "default", 3, 0, "principal", 0, 0, 0, 0, 0, 0, api_name="/latent")
    b = client.predict(token, "default", 3, 0, "principal", 2.5, 0, 0, 0, 0, 0, api_name="/latent")
    c = client.predict(token, "default", 3, 0, "principal", 0, 0, 0, 0, 0, 0, api_name="/latent")
    pngs = [_inline_png(result) for result in (a, b, c)]
    assert pngs[0] != pngs[1] and pngs[0] == pngs[2]
    image = PIL.Image.open(io.BytesIO(pngs[0]))
    assert image.size == (28 * DIGIT_SCALE, 28 * DIGIT_SCALE) and np.asarray(image).std() > 10  # a drawing
    strip = client.predict(token, "default", 1, 2, 0, api_name="/interpolate")
    assert Path(strip).stat().st_size > 500


BAD_INPUTS = [
    # (endpoint, arguments after the session token, words the message must contain)
    ("/start", ["default", "mnist", "js", "mlp", 1e-3, 1e-3, -5, 16, 1, 0, 30, ""], "minimum"),
    ("/start", ["default", "mnist", "js", "mlp", 1e-3, 1e-3, 10**9, 16, 1, 0, 30, ""], "maximum"),
    ("/start", ["default", "mnist", "js", "mlp", 1e-3, 1e-3, 32, 10**6, 1, 0, 30, ""], "maximum"),
    ("/start", ["default", "mnist", "js", "mlp", 1e-3, 1e-3, 32, -3, 1, 0, 30, ""], "minimum"),
    ("/start", ["default", "mnist", "js", "mlp", float("nan"), 1e-3, 32, 16, 1, 0, 30, ""], "learning rate"),
    ("/start", ["default", "mnist", "js", "mlp", 1e-3, float("inf"), 32, 16, 1, 0, 30, ""], "maximum"),
    ("/start", ["default", "mnist", "js", "mlp", -1.0, 1e-3, 32, 16, 1, 0, 30, ""], "minimum"),
    ("/start", ["default", "mnist", "fisher", "mlp", 1e-3, 1e-3, 32, 16, 1, 0, 30, ""], "fisher"),
    ("/start", ["fastest", "mnist", "js", "mlp", 1e-3, 1e-3, 32, 16, 1, 0, 30, ""], "fastest"),
    ("/start", ["default", "cifar10", "js", "mlp", 1e-3, 1e-3, 32, 16, 1, 0, 30, ""], "cifar10"),
    ("/start", ["default", "mnist", "js", "resnet", 1e-3, 1e-3, 32, 16, 1, 0, 30, ""], "resnet"),
    ("/start", ["default", "mnist", "js", "mlp", "fast", 1e-3, 32, 16, 1, 0, 30, ""], "number"),
    ("/start", ["default", "mnist", "js", "mlp", 1e-3, 1e-3, 32, 16, 99, 0, 30, ""], "maximum"),
    ("/start", ["default", "mnist", "js", "mlp", 1e-3, 1e-3, 32, 16, 1, -7, 30, ""], "minimum"),
    ("/start", ["default", "mnist", "js", "mlp", 1e-3, 1e-3, 32, 16, 1, 0, 10**7, ""], "maximum"),
    ("/switch_loss", ["not-a-loss"], "not-a-loss"),
    ("/latent", ["default", 0, 0, "principal", 1e9, 0, 0, 0, 0, 0], "maximum"),
    ("/latent", ["default", 0, 0, "principal", float("nan"), 0, 0, 0, 0, 0], "slider 1"),
    ("/latent", ["../../etc/passwd", 0, 0, "principal", 0, 0, 0, 0, 0, 0], "passwd"),
    ("/latent", ["conditional", 0, 12, "principal", 0, 0, 0, 0, 0, 0], "maximum"),
    ("/latent", ["default", 0, 0, "sideways", 0, 0, 0, 0, 0, 0], "sideways"),
    ("/latent", ["default", -1, 0, "principal", 0, 0, 0, 0, 0, 0], "minimum"),
    ("/interpolate", ["default", 1, "two", 0], "number"),
    ("/explore_model", ["/etc/hosts"], "hosts"),
    # the timeline (bad positions, and nothing trained yet in a fresh session)
    ("/timeline_frame", [150], "maximum"),
    ("/timeline_frame", [-3], "minimum"),
    ("/timeline_frame", [float("nan")], "between 0 and 100"),
    ("/timeline_frame", ["middle"], "float"),
    ("/timeline_frame", [50], "No training yet"),
    ("/timeline_gif", [], "No training yet"),
    ("/duel_gif", [], "No duel yet"),
    ("/duel_start", ["collapse", "js", "wgan-gp", 0, -60, ""], "minimum"),
    # drawn data: no drawing, a damaged code, one far too long (in Start and in the duel)
    ("/start", ["draw", "drawn", "js", "mlp", 1e-3, 1e-3, 256, 2, 1, 0, 30, ""], "drawing is empty"),
    ("/start", ["draw", "drawn", "js", "mlp", 1e-3, 1e-3, 256, 2, 1, 0, 30, "not*a*drawing"], "damaged"),
    ("/start", ["draw", "drawn", "js", "mlp", 1e-3, 1e-3, 256, 2, 1, 0, 30, "A" * 13000], "too long"),
    ("/duel_start", ["draw", "js", "wgan-gp", 0, 30, "@@@@"], "damaged"),
    ("/restore", [], "No training yet"),
    # show me the digits: no run yet (a fresh session), then not a digit (checked before the run is looked up)
    ("/digit_samples", ["1"], "No training yet"),
    ("/digit_samples", [11], "between 0 and 9"),
    ("/digit_samples", ["x"], "must be a number"),
]


@pytest.mark.parametrize(("endpoint", "args", "words"), BAD_INPUTS, ids=[f"{e}-{i}" for i, (e, _, _) in
                                                                        enumerate(BAD_INPUTS)])
def test_bad_input_gets_a_clear_message_and_the_server_keeps_serving(client: Client, app_url: str, endpoint: str,
                                                                     args: list, words: str) -> None:
    token = client.predict(api_name="/new_session")
    message = api_error(client, app_url, endpoint, token, *args)
    assert words.lower() in message.lower(), message
    assert "Traceback" not in message
    assert client.predict(api_name="/new_session")  # still serving


def test_a_bad_session_token_is_refused(client: Client) -> None:
    with pytest.raises(Exception, match="session must be"):
        client.predict("x", api_name="/stop")
