"""What UI tests fill in and how they follow a run: the quick Train form, and polling a tab as the page does."""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from typing import Any

import httpx

from ..waiting import wait_for

# A quick Train form: the default preset's networks as an MLP with a short budget (preset, dataset, loss, arch,
# lr_d, lr_g, batch, latent, critic steps, seed, budget).
FORM = ["default", "mnist", "js", "mlp", 1e-3, 1e-3, 32, 16, 1, 0, 30]
DUEL = ["collapse", "js", "wgan-gp", 0, 30]  # networks, left loss, right loss, seed, budget


def poll_until(tab: Any, token: str, condition: Callable[[dict], Any], timeout: float = 30.0,
               fresh: bool = False) -> dict:
    """Poll a tab (Train or Duel) as the page does, or, fresh, as a newly opened page would each time, until
    condition(outputs) holds; returns those outputs (a dict keyed by the tab's components)."""
    state: dict[str, Any] = {"seen": None, "out": {}}

    def poll() -> bool:
        out = tab.on_poll(token, None if fresh else state["seen"])
        state["seen"] = out.get(tab.seen, state["seen"])
        state["out"] = out
        return bool(condition(out))

    wait_for(poll, timeout, what="the poll's condition", every=0.05)
    return state["out"]


def _non_finite(value: Any) -> bool:
    """Whether a value holds a NaN or infinite float anywhere (in lists too)."""
    if isinstance(value, float):
        return not math.isfinite(value)
    return isinstance(value, list) and any(_non_finite(v) for v in value)


def api_error(client: Any, url: str, endpoint: str, *args: Any) -> str:
    """The server's error message for a call that must fail: through gradio_client (which raises AppError with
    it), or, when an argument is a non-finite float gradio_client will not encode, by a hand-made request (NaN
    and Infinity written as JSON literals) whose event stream must carry an error."""
    if _non_finite(list(args)):
        base = url.rstrip("/") + "/gradio_api/call" + endpoint
        with httpx.Client(timeout=60) as http:
            posted = http.post(base, content=json.dumps({"data": list(args)}, allow_nan=True),
                               headers={"content-type": "application/json"})
            posted.raise_for_status()
            stream = http.get(f"{base}/{posted.json()['event_id']}").text
        assert "event: error" in stream, stream
        return stream
    try:
        client.predict(*args, api_name=endpoint)
    except Exception as exc:  # noqa: BLE001 - gradio_client's AppError, carrying the server's message
        return str(exc)
    raise AssertionError(f"{endpoint} accepted {args!r}")
