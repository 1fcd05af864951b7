"""Errors the user can act on, as opposed to bugs.

Anything raised as a :class:`UserError` carries a message fit for a dialog or a single
line on stderr. Any other exception is a bug: it is logged and shown as a crash report.
"""

from __future__ import annotations


class UserError(Exception):
    """An error caused by the environment or by input, with a message the user can act on."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(UserError):
    """Input that was refused; ``errors`` maps each field to the reason it was refused."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = dict(errors)
        text = "; ".join(f"{field}: {reason}" for field, reason in self.errors.items())
        super().__init__(text or "invalid input")


class NotFoundError(UserError):
    """A record the user named does not exist."""


class DatabaseInUseError(UserError):
    """Another MentorDesk holds the database; ``holder`` says which (host, pid, user)."""

    def __init__(self, path: str, holder: dict[str, object]) -> None:
        self.path = path
        self.holder = holder
        host = holder.get("host", "another computer")
        pid = holder.get("pid", "?")
        user = holder.get("user")
        who = f"MentorDesk (process {pid}) on {host}" + (f", user {user}" if user else "")
        super().__init__(
            f"The database {path} is already open in {who}. Close it there, "
            "or open this database read-only."
        )


class DatabaseTooNewError(UserError):
    """The database was written by a newer MentorDesk; it is left untouched."""


class DatabaseError(UserError):
    """The database file is missing, damaged or unreadable."""


class BackupError(UserError):
    """A backup could not be made or restored."""


class MigrationError(UserError):
    """A schema upgrade failed; the database was rolled back and a backup kept."""
