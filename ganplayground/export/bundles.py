"""A model as one file to hand over: a zip of model.safetensors, config.json and history.json (a model
folder, see checkpoints.py), and the checks that let a stranger's upload back in.

Never unpickles and never extracts an archive: members are looked up by their base name, read with a size
limit and written under fixed names into a private temporary folder that is removed once the model is
loaded. Everything refused raises `BundleError` with one plain sentence.
"""

from __future__ import annotations

import json
import re
import shutil
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Any

import torch

from ..config import Config, ConfigError
from ..i18n import N_, _, decimal, number
from ..train.models import build_models
from . import checkpoints
from .checkpoints import CONFIG_FILE, HISTORY_FILE, WEIGHTS_FILE, CheckpointError, SavedModel

MAX_UPLOAD_BYTES = 16 * 2**20  # per file; the largest model the page can train is ~2.3 MB, the shipped ones <= 2.2 MB
MAX_CONFIG_BYTES = 256 * 2**10
MAX_HISTORY_BYTES = 16 * 2**20
MAX_MEMBERS = 64  # a model zip has three; a few more (a README, a picture) are ignored
MEMBER_LIMITS = {WEIGHTS_FILE: MAX_UPLOAD_BYTES, CONFIG_FILE: MAX_CONFIG_BYTES, HISTORY_FILE: MAX_HISTORY_BYTES}
ZIP_MAGIC = b"PK\x03\x04"
ACCEPTED = N_("a .zip from Download model, or a .safetensors together with its config.json")
PICKLE_WORDS = N_("a PyTorch pickle (torch.save); pickles can run code when they are opened, so the playground "
                  "only reads safetensors")


class BundleError(CheckpointError):
    """An upload that is not a model this playground can safely load."""


# --- out ---------------------------------------------------------------------------------------------------
def zip_folder(folder: str | Path, out: str | Path) -> Path:
    """Zip a model folder's model.safetensors, config.json and history.json (when present) into `out`."""
    folder, out = Path(folder), Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name in (WEIGHTS_FILE, CONFIG_FILE, HISTORY_FILE):
            if (folder / name).is_file():
                zf.write(folder / name, arcname=name)
    return out


def zip_trainer(trainer: Any, out: str | Path, info: dict[str, Any] | None = None) -> Path:
    """A Trainer's model (save_trainer: its last good weights, config, history) as a zip at `out`."""
    with tempfile.TemporaryDirectory(prefix="ganplayground-zip-", dir=Path(out).parent) as tmp:
        checkpoints.save_trainer(tmp, trainer, info=info)
        return zip_folder(tmp, out)


# --- in ----------------------------------------------------------------------------------------------------
def _size_words(n: int) -> str:
    return (_("{size} MB").format(size=decimal(n / 2**20, 1)) if n >= 2**20
            else _("{size} KB").format(size=number(n / 2**10)))


def _looks_pickled(head: bytes) -> bool:
    # torch.save writes a zip holding data.pkl (PK...), older versions a bare pickle (protocol 2+: 0x80).
    return head.startswith(ZIP_MAGIC) or head[:1] == b"\x80"


def _unsafe(name: str) -> bool:
    """Whether an archive member's name could point outside a folder (zip-slip) or is otherwise odd."""
    if not name or "\\" in name or "\x00" in name or name.startswith("/") or re.match(r"^[A-Za-z]:", name):
        return True
    return any(part == ".." for part in PurePosixPath(name).parts)


def _model_infos(infos: list[zipfile.ZipInfo], label: str) -> dict[str, zipfile.ZipInfo]:
    """The model members among a zip's entries, by base name; BundleError for unsafe, pickled, doubled or encrypted
    ones."""
    found: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        if _unsafe(info.filename):
            raise BundleError(_("{file} contains a file named {name}, a path that points outside its folder; the "
                                "archive is refused").format(file=label, name=repr(info.filename[:80])))
        if info.is_dir():
            continue
        base = PurePosixPath(info.filename).name
        if base == "data.pkl":
            raise BundleError(_("{file} is {pickle}; upload {accepted}").format(
                file=label, pickle=_(PICKLE_WORDS), accepted=_(ACCEPTED)))
        if base not in MEMBER_LIMITS:
            continue  # a README or a picture: ignored
        if base in found:
            raise BundleError(_("{file} holds two files named {name}; a model zip holds one of each").format(
                file=label, name=base))
        if info.flag_bits & 0x1:
            raise BundleError(_("{file} is encrypted; upload the zip that Download model gives").format(file=label))
        found[base] = info
    return found


def _read_zip(path: Path, label: str) -> dict[str, bytes]:
    """The model members of a zip, by base name, each read with its size limit."""
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise BundleError(_("{file} holds {count} files; a model zip holds three").format(
                    file=label, count=number(len(infos))))
            found = _model_infos(infos, label)
            for required in (WEIGHTS_FILE, CONFIG_FILE):
                if required not in found:
                    raise BundleError(_("{file} holds no {name}; upload {accepted}").format(
                        file=label, name=required, accepted=_(ACCEPTED)))
            members = {}
            for base, info in found.items():
                limit = MEMBER_LIMITS[base]
                with zf.open(info) as f:
                    data = f.read(limit + 1)  # never trust the sizes the archive claims
                if len(data) > limit:
                    raise BundleError(_("{name} in {file} is over {limit}; the limit is {limit}").format(
                        name=base, file=label, limit=_size_words(limit)))
                members[base] = data
            return members
    except BundleError:
        raise
    except (zipfile.BadZipFile, EOFError, OSError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise BundleError(_("{file} is damaged or incomplete (not a readable zip: {error}); download it "
                            "again").format(file=label, error=type(exc).__name__)) from None
    except Exception as exc:  # noqa: BLE001 - zlib and zipfile raise assorted types on hostile archives
        raise BundleError(_("{file} could not be read as a zip ({error})").format(
            file=label, error=type(exc).__name__)) from None


def _read_files(paths: list[Path], labels: list[str]) -> dict[str, bytes]:
    """The members of an upload of separate files: model.safetensors and config.json (and history.json)."""
    members: dict[str, bytes] = {}
    for path, label in zip(paths, labels, strict=True):
        suffix = Path(label).suffix.lower()
        if suffix == ".safetensors":
            base = WEIGHTS_FILE
        elif suffix == ".json":
            base = HISTORY_FILE if Path(label).stem.lower().startswith("history") else CONFIG_FILE
        else:
            raise BundleError(_("{file} is not a model file; upload {accepted}").format(
                file=label, accepted=_(ACCEPTED)))
        if base in members:
            raise BundleError(_("two files would both be the model's {name}; upload one of each").format(name=base))
        limit = MEMBER_LIMITS[base]
        size = path.stat().st_size
        if size > limit:
            raise BundleError(_("{file} is {size}; the limit is {limit}").format(
                file=label, size=_size_words(size), limit=_size_words(limit)))
        members[base] = path.read_bytes()
        if base == WEIGHTS_FILE and _looks_pickled(members[base][:4]):
            raise BundleError(_("{file} is {pickle}").format(file=label, pickle=_(PICKLE_WORDS)))
    if WEIGHTS_FILE not in members:
        raise BundleError(_("no .safetensors file; upload {accepted}").format(accepted=_(ACCEPTED)))
    if CONFIG_FILE not in members:
        raise BundleError(_("a .safetensors file alone has no settings: upload it together with its config.json, "
                            "or the zip from Download model"))
    return members


def _check_sizes(members: dict[str, bytes]) -> None:
    """Refuse, before building the networks, a config whose networks would be larger than the weights they
    come with (a small file must not make the server build giant networks)."""
    weights = members[WEIGHTS_FILE]

    try:
        meta = json.loads(members[CONFIG_FILE])
        config = Config.from_dict({**meta["config"], "device": "cpu"})
    except (ValueError, TypeError, KeyError, ConfigError):
        return  # load_model explains what is wrong with the config
    with torch.device("meta"):
        generator, discriminator = build_models(config.dataset, config.arch, config.latent_dim, config.width,
                                                config.conditional, config.g_batchnorm, config.spectral_norm)
    needed = sum(t.numel() * t.element_size() for m in (generator, discriminator) for t in m.state_dict().values())
    if needed > len(weights):
        raise BundleError(_("{config} describes networks of {needed} but {weights} holds {size}: the weights do not "
                            "match their config").format(config=CONFIG_FILE, needed=_size_words(needed),
                                                         weights=WEIGHTS_FILE, size=_size_words(len(weights))))


def _check_arrived(path: Path, label: str, max_bytes: int) -> None:
    if not path.is_file():
        raise BundleError(_("{file} did not arrive; upload it again").format(file=label))
    size = path.stat().st_size
    if size > max_bytes:
        raise BundleError(_("{file} is {size}; the limit is {limit} (a model here is 1-3 MB)").format(
            file=label, size=_size_words(size), limit=_size_words(max_bytes)))
    if size == 0:
        raise BundleError(_("{file} is empty").format(file=label))


def read_upload(paths: list[str | Path], names: list[str] | None = None, workdir: str | Path | None = None,
                max_bytes: int = MAX_UPLOAD_BYTES) -> SavedModel:
    """Load an uploaded model: one .zip (from Download model), or a .safetensors with its config.json (and
    optionally history.json). `names` are the names the user gave the files (default: the paths' names); only
    their suffixes are used. Files are written only into a temporary folder inside `workdir` (removed before
    returning). Validation: file types, sizes (`max_bytes` per file), zip member names, pickles, the config,
    and every tensor's name, shape, dtype and finiteness (checkpoints.load_model). BundleError otherwise."""
    paths = [Path(p) for p in paths]
    labels = [Path(str(n)).name for n in (names or [p.name for p in paths])]
    if not paths:
        raise BundleError(_("no file was uploaded; upload {accepted}").format(accepted=_(ACCEPTED)))
    if len(labels) != len(paths):
        raise BundleError(_("each uploaded file needs its name"))
    for path, label in zip(paths, labels, strict=True):
        _check_arrived(path, label, max_bytes)
    zips = [i for i, label in enumerate(labels) if label.lower().endswith(".zip")]
    if zips:
        if len(paths) > 1:
            raise BundleError(_("upload the zip on its own (it already holds the weights and the config)"))
        with open(paths[0], "rb") as f:
            if f.read(4) != ZIP_MAGIC:
                raise BundleError(_("{file} is not a zip archive (damaged, or another kind of file renamed)").format(
                    file=labels[0]))
        members = _read_zip(paths[0], labels[0])
    else:
        members = _read_files(paths, labels)
    if _looks_pickled(members[WEIGHTS_FILE][:4]):
        raise BundleError(_("{file} is {pickle}").format(file=WEIGHTS_FILE, pickle=_(PICKLE_WORDS)))
    folder = Path(tempfile.mkdtemp(prefix="ganplayground-upload-", dir=workdir))
    try:
        for base, data in members.items():  # fixed names: nothing from the archive names a path
            (folder / base).write_bytes(data)
        try:
            checkpoints.read_tensors(folder / WEIGHTS_FILE)  # a damaged file is named as such before its size is judged
            _check_sizes(members)
            saved = checkpoints.load_model(folder, device="cpu")
        except CheckpointError as exc:
            raise BundleError(str(exc).replace(f"{folder}/", "").replace(str(folder), _("the upload"))) from None
        except Exception as exc:  # noqa: BLE001 - whatever a hostile file triggers, the server goes on
            raise BundleError(_("the model could not be loaded ({error})").format(error=type(exc).__name__)) from None
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    saved.path = None  # the folder is gone; the model lives in memory
    return saved
