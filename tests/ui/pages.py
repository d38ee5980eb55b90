"""What UI tests fill in and how they follow a run: the quick Train form, and polling a tab as the page does."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

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
