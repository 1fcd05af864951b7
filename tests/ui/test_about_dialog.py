"""Help > About shows the version, the licence and where the data lives."""

from __future__ import annotations

from pathlib import Path

from pytestqt.qtbot import QtBot

from mentordesk import __version__
from mentordesk.db import Database
from mentordesk.paths import data_dir
from mentordesk.ui.dialogs.about_dialog import LICENCE_LINE, AboutDialog
from mentordesk.ui.main_window import MainWindow


def test_about_dialog_text(qtbot: QtBot, tmp_path: Path) -> None:
    folder = tmp_path / "data & more"
    dialog = AboutDialog(folder, tmp_path / "programme.sqlite3")
    qtbot.addWidget(dialog)
    text = dialog.text_label.text()
    assert f"MentorDesk {__version__}" in text
    assert LICENCE_LINE in text
    assert "proprietary" in LICENCE_LINE
    assert "LGPLv3" in text and "Open Font License" in text
    assert str(folder).replace("&", "&amp;") in text  # escaped, shown as typed
    assert str(tmp_path / "programme.sqlite3") in text


def test_help_about_opens_the_dialog_with_the_data_folder(
        qtbot: QtBot, window: MainWindow, demo_db: Database) -> None:
    window.about_action.trigger()
    dialog = window.about_dialog
    assert dialog is not None
    qtbot.waitExposed(dialog)
    text = dialog.text_label.text()
    assert str(data_dir()) in text
    assert str(demo_db.path) in text
    dialog.reject()
    assert not dialog.isVisible()
