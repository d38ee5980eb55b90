"""An independent MNIST classifier for cross-checking the bundled one's FID (a different architecture
and seed: the pytorch/examples MNIST net, 3x3 convs + max-pool + a 128-d penultimate layer).

The bundled classifier (ganplayground/measure/classifier.py) scores the app's live metrics; this one only
checks that the presets' claims do not depend on that particular network. Trained on first use
(~3 CPU minutes) and cached under ~/.cache/ganplayground/independent/.

    python benchmarks/independent.py            # train (if needed) and print its calibration
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np
import torch
import torch.nn.functional as F
from safetensors.torch import load_file, save_file
from torch import nn

from ganplayground.measure.classifier import images_to_input, random_shift
from ganplayground.measure.distances import frechet_distance, gaussian_fit
from ganplayground.train.data import load_mnist

CACHE = Path.home() / ".cache" / "ganplayground" / "independent"


class ExamplesNet(nn.Module):
    """pytorch/examples mnist/main.py's Net: conv3x3(32) -> conv3x3(64) -> maxpool -> fc(128) -> fc(10)."""

    def __init__(self) -> None:
        super().__init__()
        self.conv1, self.conv2 = nn.Conv2d(1, 32, 3), nn.Conv2d(32, 64, 3)
        self.fc1, self.fc2 = nn.Linear(9216, 128), nn.Linear(128, 10)
        self.dropout1, self.dropout2 = nn.Dropout(0.25), nn.Dropout(0.5)

    def features(self, x: torch.Tensor) -> torch.Tensor:
        x = F.relu(self.conv1(x))  # (B, 32, 26, 26)
        x = F.max_pool2d(F.relu(self.conv2(x)), 2)  # (B, 64, 12, 12)
        return F.relu(self.fc1(self.dropout1(x).flatten(1)))  # (B, 128)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.fc2(self.dropout2(self.features(x)))


def _train(epochs: int = 3, seed: int = 1) -> ExamplesNet:
    torch.manual_seed(seed)
    g = torch.Generator().manual_seed(seed)
    images, labels = load_mnist("train")
    x_all, y_all = images_to_input(images), torch.from_numpy(labels.copy())
    model = ExamplesNet()
    opt = torch.optim.Adadelta(model.parameters(), lr=1.0)
    sched = torch.optim.lr_scheduler.StepLR(opt, 1, gamma=0.7)
    for _ in range(epochs):
        model.train()
        order = torch.randperm(len(x_all), generator=g)
        for i in range(len(x_all) // 64):
            idx = order[i * 64 : (i + 1) * 64]
            loss = F.cross_entropy(model(random_shift(x_all[idx], g)), y_all[idx])
            opt.zero_grad()
            loss.backward()
            opt.step()
        sched.step()
    return model.eval()


@torch.no_grad()
def _features(model: ExamplesNet, images: np.ndarray | torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
    x = images_to_input(images)
    feats = torch.cat([model.features(c) for c in x.split(500)])
    return feats, model.fc2(feats)


def load() -> tuple[ExamplesNet, dict[str, torch.Tensor]]:
    """The independent classifier and its test-set feature statistics (trained on first use)."""
    weights, stats_path = CACHE / "model.safetensors", CACHE / "stats.safetensors"
    model = ExamplesNet()
    if weights.exists() and stats_path.exists():
        model.load_state_dict(load_file(str(weights)))
        return model.eval(), load_file(str(stats_path))
    model = _train()
    test_images, test_labels = load_mnist("test")
    feats, logits = _features(model, test_images)
    accuracy = float((logits.argmax(1).numpy() == test_labels).mean())
    mu, sigma = gaussian_fit(feats)
    CACHE.mkdir(parents=True, exist_ok=True)
    save_file(model.state_dict(), str(weights))
    stats = {"mu": mu, "sigma": sigma, "accuracy": torch.tensor(accuracy)}
    save_file(stats, str(stats_path))
    return model, stats


def independent_fid(images: np.ndarray | torch.Tensor) -> tuple[float, int]:
    """(FID in the independent classifier's feature space vs the test set, digit classes with >= 2%)."""
    model, stats = load()
    feats, logits = _features(model, images)
    mu, sigma = gaussian_fit(feats)
    hist = np.bincount(logits.argmax(1).numpy(), minlength=10) / len(feats)
    return frechet_distance(mu, sigma, stats["mu"], stats["sigma"]), int((hist >= 0.02).sum())


def main() -> None:
    start = time.perf_counter()
    _, stats = load()
    images, labels = load_mnist("train")
    rng = np.random.default_rng(0)
    idx = rng.choice(len(images), 5000, replace=False)
    print(f"independent classifier: test accuracy {float(stats['accuracy']):.4f} "
          f"(ready in {time.perf_counter() - start:.0f} s)")
    print(f"  real vs real (5,000):  FID {independent_fid(images[idx])[0]:8.1f}")
    blurred = F.avg_pool2d(torch.from_numpy(images[idx]).float().unsqueeze(1), 3, 1, 1)[:, 0].round().to(torch.uint8)
    print(f"  3x3 box-blurred real:  FID {independent_fid(blurred.numpy())[0]:8.1f}")
    print(f"  one class (digit 1):   FID {independent_fid(images[labels == 1][:5000])[0]:8.1f}")


if __name__ == "__main__":
    main()
