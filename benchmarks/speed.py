"""Training speed: the machine's own matmul/conv throughput, each model x loss's step rate and achieved
FLOP/s, and the levers tried for the default preset. On a CUDA machine also samples/s and seconds to FID 20.

    python benchmarks/speed.py                 # everything that applies to this machine (~4 min on 2 CPUs)
    python benchmarks/speed.py --only models   # one section: machine | models | levers | gpu

FLOPs are counted by torch.utils.flop_counter (convolutions and matmuls, forward and backward). "Kernel
rate" is those FLOPs divided by the time the profiler sees inside the convolution and matmul kernels of
the same step; "step / kernels" is therefore the share of the step spent doing that arithmetic, and
"step / machine's conv" compares the step's FLOP/s with a large convolution's on this machine. The
gradient penalty's double backward cannot be FLOP-counted (nan).
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import time
from pathlib import Path

import torch
import torch.nn.functional as F
from torch.profiler import ProfilerActivity, profile
from torch.utils.flop_counter import FlopCounterMode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from ganplayground.config import Config  # noqa: E402
from ganplayground.presets import get_preset  # noqa: E402
from ganplayground.train.devices import auto_threads, resolve_device  # noqa: E402
from ganplayground.train.trainer import Trainer  # noqa: E402

KERNEL_OPS = ("convolution", "convolution_backward", "mm", "addmm", "bmm", "matmul")


def _rate(fn, seconds: float = 2.0) -> float:
    """Calls per second of fn, after a warm-up, synchronising CUDA."""
    for _ in range(3):
        fn()
    sync = torch.cuda.synchronize if torch.cuda.is_available() else (lambda: None)
    sync()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    sync()
    return n / (time.perf_counter() - start)


def machine(device: torch.device) -> dict[str, float]:
    a, b = torch.randn(1024, 1024, device=device), torch.randn(1024, 1024, device=device)
    gemm = 2 * 1024**3 * _rate(lambda: a @ b) / 1e9
    x = torch.randn(64, 64, 14, 14, device=device).contiguous(memory_format=torch.channels_last)
    w = torch.randn(128, 64, 3, 3, device=device).contiguous(memory_format=torch.channels_last)
    conv = 2 * 64 * 128 * 14 * 14 * 64 * 9 * _rate(lambda: F.conv2d(x, w, padding=1)) / 1e9
    print(f"\n## Machine ({device}, {torch.get_num_threads()} threads)\n")
    print("| kernel | GFLOP/s |\n|---|---|")
    print(f"| fp32 GEMM 1024x1024x1024 | {gemm:.0f} |\n| fp32 conv 3x3, 64->128 ch, 14x14, batch 64 | {conv:.0f} |")
    return {"gemm": gemm, "conv": conv}


def step_profile(trainer: Trainer) -> dict[str, float]:
    """Steps/s, FLOPs per step and the kernel-only rate for a trainer (Trainer.step: on a CPU, run() too brings
    every step's statistics to the host)."""
    for _ in range(5):
        trainer.step()
    try:
        with FlopCounterMode(display=False) as counter:
            trainer.step()
        flops = counter.get_total_flops()
    except RuntimeError:  # the FLOP counter cannot trace autograd.grad(create_graph=True) (gradient penalty)
        flops = float("nan")
    steps_per_sec = _rate(trainer.step, 3.0)
    with profile(activities=[ProfilerActivity.CPU]) as prof:
        for _ in range(10):
            trainer.step()
    kernel_us = sum(e.self_cpu_time_total for e in prof.key_averages() if e.key.split("::")[-1] in KERNEL_OPS
                    or e.key.startswith("aten::mkldnn_convolution"))
    kernel_rate = flops * 10 / (kernel_us / 1e6) / 1e9 if kernel_us else float("nan")
    return {"steps": steps_per_sec, "flops": flops, "gflops": flops * steps_per_sec / 1e9, "kernel": kernel_rate}


def models(device: str, rates: dict[str, float]) -> None:
    print("\n## Models x losses (batch 64 unless the preset says otherwise)\n")
    print("| model | loss | steps/s | samples/s | MFLOP/step | step GFLOP/s | kernel GFLOP/s | step / kernels | "
          "step / machine's conv |")
    print("|---|---|---|---|---|---|---|---|---|")
    shapes = {"MLP 256": dict(arch="mlp", width=256, latent_dim=64),
              "DCGAN-28 width 32 (default)": dict(arch="dcgan", width=32, latent_dim=16, spectral_norm=True),
              "DCGAN-28 width 64": dict(arch="dcgan", width=64, latent_dim=64)}
    for name, kw in shapes.items():
        for loss in ("js-minimax", "js", "wgan", "wgan-gp", "hinge"):
            config = Config(device=device, batch_size=64, threads=0, compile="off", **kw).with_loss(loss)
            p = step_profile(Trainer(config))
            samples = p["steps"] * config.batch_size * config.critic_steps
            print(f"| {name} | {loss} | {p['steps']:.1f} | {samples:,.0f} | {p['flops'] / 1e6:,.0f} | "
                  f"{p['gflops']:.1f} | {p['kernel']:.1f} | {p['gflops'] / p['kernel']:.0%} | "
                  f"{p['gflops'] / rates['conv']:.0%} |", flush=True)


def levers(device: str) -> None:
    print("\n## Levers on the default preset (steps/s; samples/s = steps/s x batch)\n")
    print("| variant | steps/s | samples/s |\n|---|---|---|")
    base = get_preset("default").config.replace(device=device, threads=0, compile="off")
    variants = {
        "default preset (batch 32, channels-last, fp32, all threads)": base,
        "batch 64": base.replace(batch_size=64),
        "1 thread": base.replace(threads=1),
        "bf16 autocast": base.replace(precision="bf16"),
        "hinge loss instead of JS": base.replace(loss="hinge"),
        "no spectral norm": base.replace(spectral_norm=False),
        "no weight average (EMA)": base.replace(ema=0.0),
    }
    for name, config in variants.items():
        trainer = Trainer(config)
        if name.startswith("1 thread"):
            torch.set_num_threads(1)
        steps = _rate(trainer.step, 3.0)
        torch.set_num_threads(auto_threads())
        print(f"| {name} | {steps:.1f} | {steps * config.batch_size:,.0f} |", flush=True)
    trainer = Trainer(base)
    trainer.memory_format = torch.contiguous_format
    trainer.generator.to(memory_format=torch.contiguous_format)
    trainer.discriminator.to(memory_format=torch.contiguous_format)
    steps = _rate(trainer.step, 3.0)
    print(f"| without channels-last | {steps:.1f} | {steps * base.batch_size:,.0f} |")


def _run_rate(trainer: Trainer, seconds: float) -> float:
    """Steps per second of training in trainer.run() (as the page trains: a host sync every 25 steps on a GPU),
    after three steps that compile the networks."""
    for _ in range(3):
        trainer.step()
    start_step, start_elapsed = trainer.step_count, trainer.elapsed
    for _ in trainer.run(max_seconds=trainer.elapsed + seconds, every_seconds=seconds):
        pass
    return (trainer.step_count - start_step) / (trainer.elapsed - start_elapsed)


def gpu() -> None:
    """Samples/s per model and seconds to FID <= 20 (needs CUDA)."""
    from ganplayground.measure.metrics import evaluate_generator

    print(f"\n## GPU: {torch.cuda.get_device_name()}\n")
    print("| model | batch | precision | compiled | steps/s | samples/s |\n|---|---|---|---|---|---|")
    for name in ("default", "collapse", "wgan-gp"):
        for batch in (256, 1024):
            config = get_preset(name).config.replace(device="cuda", batch_size=batch)
            trainer = Trainer(config)
            steps = _run_rate(trainer, 5.0)
            print(f"| {name} | {batch} | {trainer.precision} | {trainer.compiled} | {steps:.0f} | "
                  f"{steps * batch * config.critic_steps:,.0f} |", flush=True)
    config = get_preset("default").config.replace(device="cuda", batch_size=256, max_seconds=0)
    trainer = Trainer(config)
    start, target = time.perf_counter(), None
    for _ in trainer.run(every_seconds=1.0, max_seconds=60):
        fid = evaluate_generator(trainer.sampler, config, 5000)["fid"]
        print(f"  {trainer.elapsed:5.1f} s  step {trainer.step_count:,}  FID {fid:.1f}", flush=True)
        if fid <= 20:
            target = trainer.elapsed
            break
    print(f"seconds of training to FID <= 20: {target if target is not None else 'not reached in 60 s'} "
          f"(wall {time.perf_counter() - start:.0f} s with evaluations)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--only", choices=["machine", "models", "levers", "gpu"])
    parser.add_argument("--device", default="auto")
    args = parser.parse_args()
    device = resolve_device(args.device)
    torch.set_num_threads(auto_threads())
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, torch {torch.__version__}, "
          f"device {device}")
    sections = [args.only] if args.only else ["machine", "models", "levers", "gpu"]
    rates = machine(device) if "machine" in sections or "models" in sections else {}
    if "models" in sections:
        models(str(device), rates)
    if "levers" in sections:
        levers(str(device))
    if "gpu" in sections:
        if device.type == "cuda":
            gpu()
        else:
            print("\n(no CUDA device: GPU section skipped)")


if __name__ == "__main__":
    main()
