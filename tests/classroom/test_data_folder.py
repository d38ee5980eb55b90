"""Where class data lives: the environment's folder first, then a Space's persistent storage, then the user's
data folder; each with its sentence for the page, and the folder created."""

from __future__ import annotations

import pytest

from ganplayground.classroom.data_folder import data_folder, database_path


@pytest.fixture(autouse=True)
def _home_data(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))  # where platformdirs puts user data on Linux


def test_the_environment_variable_wins_and_the_folder_is_created(tmp_path) -> None:
    chosen = tmp_path / "class" / "data"
    folder = data_folder({"GANPLAYGROUND_DATA_DIR": str(chosen), "SPACE_ID": "me/space"}, space_storage=tmp_path)
    assert folder.path == chosen and chosen.is_dir()
    assert str(chosen) in folder.where and "GANPLAYGROUND_DATA_DIR" in folder.where
    assert database_path(folder) == chosen / "classes.sqlite3"


def test_a_space_with_persistent_storage_keeps_data_there(tmp_path) -> None:
    storage = tmp_path / "data"
    storage.mkdir()
    folder = data_folder({"SPACE_ID": "me/space"}, space_storage=storage)
    assert folder.path == storage / "ganplayground" and folder.path.is_dir()
    assert folder.where == f"Class data is kept in the Space's persistent storage ({storage})."


def test_a_space_without_persistent_storage_warns_that_data_is_lost_on_restart(tmp_path) -> None:
    folder = data_folder({"SPACE_ID": "me/space"}, space_storage=tmp_path / "no-such-mount")
    assert folder.path == tmp_path / "xdg" / "ganplayground" and folder.path.is_dir()
    assert "lost when the Space restarts" in folder.where


def test_on_a_computer_data_goes_to_the_user_data_folder(tmp_path) -> None:
    folder = data_folder({"GANPLAYGROUND_DATA_DIR": "  "}, space_storage=tmp_path)  # blank: not set
    assert folder.path == tmp_path / "xdg" / "ganplayground"
    assert folder.where == f"Class data is kept in {folder.path} on this computer."


def test_a_folder_that_cannot_be_made_is_a_plain_error(tmp_path) -> None:
    (tmp_path / "file").write_text("in the way")
    with pytest.raises(OSError, match="Cannot create the class data folder .*GANPLAYGROUND_DATA_DIR"):
        data_folder({"GANPLAYGROUND_DATA_DIR": str(tmp_path / "file" / "sub")})
