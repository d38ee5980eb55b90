"""Where and how a run computes: the device ("auto" picks CUDA when there is one), the precision, the
compiler backend and the CPU threads, and their description on the page. Not the training itself
(trainer.py)."""

from __future__ import annotations

import os

import torch

from ..config import ConfigError


def resolve_device(name: str) -> torch.device:
    """"auto" -> CUDA when available, else CPU; "cuda" without a GPU raises ConfigError."""
    if name == "auto":
        return torch.device("cuda" if torch.cuda.is_available() else "cpu")
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError("device: CUDA was requested but no CUDA GPU is available; use cpu or auto")
    return torch.device(name)


def resolve_precision(precision: str, device: torch.device) -> str:
    """"auto" -> "bf16" on a CUDA GPU that supports it, else "fp32". On CPUs without native bf16 (this
    project's 2-core Ice Lake test machine) bf16 matmuls were 3x slower, so auto keeps fp32 there."""
    if precision != "auto":
        return precision
    return "bf16" if device.type == "cuda" and torch.cuda.is_bf16_supported() else "fp32"


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
