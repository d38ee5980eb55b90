"""Where the class's data lives: GANPLAYGROUND_DATA_DIR, else a Hugging Face Space's persistent storage (/data),
else the user's data folder (platformdirs). Decides and creates the folder; what goes in it is storage.py's."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import platformdirs

from ..i18n import N_, _

APP = "ganplayground"
ENV_DIR = "GANPLAYGROUND_DATA_DIR"
SPACE_STORAGE = Path("/data")  # where a Space mounts its persistent storage, when it has some
DATABASE = "classes.sqlite3"


@dataclass(frozen=True)
class DataFolder:
    path: Path
    where_message: str  # N_-marked: where class data is kept, and whether it survives a restart
    where_values: tuple[tuple[str, str], ...] = ()  # its placeholders' values

    @property
    def where(self) -> str:
        """One plain sentence for the page, in the current language (the folder is chosen before any page asks)."""
        return _(self.where_message).format(**dict(self.where_values))


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK | os.X_OK)


def data_folder(environ: Mapping[str, str] = os.environ, *, space_storage: Path = SPACE_STORAGE) -> DataFolder:
    """The folder for class data (created if need be); OSError with a plain message when it cannot be."""
    chosen = environ.get(ENV_DIR, "").strip()
    on_space = bool(environ.get("SPACE_ID"))
    if chosen:
        path = shown = Path(chosen).expanduser()
        where = N_("Class data is kept in {path} (set by {variable}).")
    elif on_space and _writable(space_storage):
        path, shown = space_storage / APP, space_storage  # the sentence names the storage, not the folder
        where = N_("Class data is kept in the Space's persistent storage ({path}).")
    else:
        path = shown = platformdirs.user_data_path(APP)
        where = (N_("Class data is kept in {path}, on this Space's disk: it is lost when the Space restarts (add "
                    "persistent storage to keep classes).") if on_space
                 else N_("Class data is kept in {path} on this computer."))
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OSError(f"Cannot create the class data folder {path}: {error.strerror or error}. "
                      f"Set {ENV_DIR} to a folder that can be written.") from error
    return DataFolder(path, where, (("path", str(shown)), ("variable", ENV_DIR)))


def database_path(folder: DataFolder) -> Path:
    """The class database's file in the data folder."""
    return folder.path / DATABASE
