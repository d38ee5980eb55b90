"""Where the class's data lives: GANPLAYGROUND_DATA_DIR, else a Hugging Face Space's persistent storage (/data),
else the user's data folder (platformdirs). Decides and creates the folder; what goes in it is storage.py's."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP = "ganplayground"
ENV_DIR = "GANPLAYGROUND_DATA_DIR"
SPACE_STORAGE = Path("/data")  # where a Space mounts its persistent storage, when it has some
DATABASE = "classes.sqlite3"


@dataclass(frozen=True)
class DataFolder:
    path: Path
    where: str  # one plain sentence for the page: where class data is kept, and whether it survives a restart


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def data_folder(environ: Mapping[str, str] = os.environ, *, space_storage: Path = SPACE_STORAGE) -> DataFolder:
    """The folder for class data (created if need be); OSError with a plain message when it cannot be."""
    chosen = environ.get(ENV_DIR, "").strip()
    on_space = bool(environ.get("SPACE_ID"))
    if chosen:
        path = Path(chosen).expanduser()
        where = f"Class data is kept in {path} (set by {ENV_DIR})."
    elif on_space and _writable(space_storage):
        path = space_storage / APP
        where = f"Class data is kept in the Space's persistent storage ({space_storage})."
    else:
        path = platformdirs.user_data_path(APP)
        where = (f"Class data is kept in {path}, on this Space's disk: it is lost when the Space restarts "
                 "(add persistent storage to keep classes)." if on_space
                 else f"Class data is kept in {path} on this computer.")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OSError(f"Cannot create the class data folder {path}: {error.strerror or error}. "
                      f"Set {ENV_DIR} to a folder that can be written.") from error
    return DataFolder(path=path, where=where)


def database_path(folder: DataFolder) -> Path:
    """The class database's file in the data folder."""
    return folder.path / DATABASE
