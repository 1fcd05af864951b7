"""Opening a database from the GUI: the refusals a user can act on become dialogs."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QWidget

from mentordesk.errors import DatabaseInUseError, DatabaseTooNewError, UserError
from mentordesk.paths import resource_path
from mentordesk.ui import prompts

if TYPE_CHECKING:
    from mentordesk.db import Database

log = logging.getLogger(__name__)


def open_database(path: Path, *, read_only: bool = False,
                  parent: QWidget | None = None) -> Database | None:
    """Open ``path``, or explain why not and return None.

    A database held by another MentorDesk can be opened read-only instead; one written by
    a newer MentorDesk is refused (and left untouched). Anything that is not a
    :class:`UserError` is a bug and propagates to the crash handler.
    """
    from mentordesk.db import Database  # imports SQLAlchemy: only once the window shows

    try:
        return Database.open(path, read_only=read_only)
    except DatabaseInUseError as exc:
        log.info("database in use by another instance")
        if read_only or not prompts.ask_open_read_only(parent, exc):
            return None
        return open_database(path, read_only=True, parent=parent)
    except DatabaseTooNewError as exc:
        prompts.show_error(parent, "Database from a newer MentorDesk", exc.message)
        return None
    except UserError as exc:
        prompts.show_error(parent, "Cannot open the database", exc.message)
        return None


def app_icon() -> QIcon:
    """MentorDesk's icon, for windows and the task bar."""
    icon = QIcon()
    for name in ("mentordesk.svg", "mentordesk-256.png", "mentordesk-32.png"):
        path = resource_path("icons", name)
        if path.exists():
            icon.addFile(str(path))
    return icon
