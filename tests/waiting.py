"""Waiting for what another thread brings about (a run's step, a page's poll), with a plain failure message."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any


def wait_for(condition: Callable[[], Any], timeout: float = 30.0, what: str = "the condition",
             every: float = 0.02) -> Any:
    """Call `condition` until it returns something true (returned), failing with `what` after `timeout` s."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        assert time.monotonic() < deadline, f"timed out after {timeout:g} s waiting for {what}"
        time.sleep(every)
