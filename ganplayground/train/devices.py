"""Where and how a run computes: the device ("auto" picks CUDA when there is one), the precision and its
autocast, the compiled networks, the CPU threads, and their description on the page. Not the training itself
(trainer.py, updates.py)."""

from __future__ import annotations

import contextlib
import os
import re

import torch
from torch import nn

from ..config import ConfigError
from ..i18n import _, ngettext, number


def resolve_device(name: str) -> torch.device:
    """"auto" -> CUDA when available, else CPU; "cuda" without a GPU raises ConfigError."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(_("device: CUDA was requested but no CUDA GPU is available; use cpu or auto"))
    return torch.device(name)


def resolve_precision(precision: str, device: torch.device) -> str:
    """"auto" -> "bf16" on a CUDA GPU that supports it, else "fp32". On CPUs without native bf16 (this
    project's 2-core Ice Lake test machine) bf16 matmuls were 3x slower, so auto keeps fp32 there."""
    if precision != "auto":
        return precision
    return "bf16" if device.type == "cuda" and torch.cuda.is_bf16_supported() else "fp32"


def autocast(precision: str, device: torch.device) -> contextlib.AbstractContextManager:
    """Where forward passes run in bf16: torch.autocast for precision "bf16", else nothing."""
    if precision == "bf16":
        return torch.autocast(device.type, dtype=torch.bfloat16)
    return contextlib.nullcontext()


def compile_networks(generator: nn.Module, discriminator: nn.Module, mode: str,
                     device: torch.device) -> tuple[nn.Module, nn.Module, str]:
    """What a run's forward passes call: (G, D, note). Compiled modules share the eager ones' weights; with
    compilation off (mode "off", or "auto" off CUDA) or failing, the eager modules themselves, and the note
    says why compilation is off when it was asked for.

    On CUDA, compiled modules with CUDA graphs ("reduce-overhead") remove the per-kernel launch cost that
    dominates small batches. The gradient penalty needs double backward, which compiled graphs do not
    support, so it always calls the eager discriminator (updates.py).
    """
    if mode == "off" or (mode == "auto" and device.type != "cuda"):
        return generator, discriminator, ""
    options = {"mode": "reduce-overhead"} if device.type == "cuda" else {}
    try:
        return (torch.compile(generator, backend=compile_backend(), **options),
                torch.compile(discriminator, backend=compile_backend(), **options), "")
    except Exception as exc:  # noqa: BLE001 - any failure means: run eagerly, and say why
        return generator, discriminator, compile_failure_note(exc)


def compile_failure_note(exc: Exception) -> str:
    """Why a run computes eagerly after its compiler failed, in a few words."""
    return f"compilation off ({type(exc).__name__}: {str(exc)[:120]})"


def compile_backend() -> str:
    """torch.compile backend ("inductor"; tests set GANPLAYGROUND_COMPILE_BACKEND=eager to check the
    plumbing on a CPU in seconds)."""
    return os.environ.get("GANPLAYGROUND_COMPILE_BACKEND", "inductor")


def auto_threads() -> int:
    """CPU threads for one headless run: every core this process may use, at most 8."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    return max(1, min(8, cores))


def describe_device(device: torch.device) -> str:
    """A short human description: 'GPU (NVIDIA H100)' or 'CPU (2 threads)'."""
    if device.type == "cuda":
        return f"GPU ({torch.cuda.get_device_name(device)})"
    return f"CPU ({torch.get_num_threads()} thread{'s' if torch.get_num_threads() > 1 else ''})"


_CPU = re.compile(r"CPU \((\d+) threads?\)")


def device_words(described: str) -> str:
    """What describe_device wrote (kept in English in snapshots and class records) in the current language:
    "CPU (2 threads)" → "CPU (2 hilos)". A GPU's name stays as it is."""
    match = _CPU.fullmatch(described)
    if match is None:
        return described
    threads = int(match.group(1))
    return ngettext("CPU ({n} thread)", "CPU ({n} threads)", threads).format(n=number(threads))
