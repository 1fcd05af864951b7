"""Writing the user's files safely: names every OS accepts, and all-or-nothing exports.

An export of several files (invitations, one certificate per person) writes every file to a
temporary name beside its target first, owner-only, and renames them over the targets only
when all were written: a cancel, a full disk or a locked file leaves nothing half-written.
"""

from __future__ import annotations

import contextlib
import os
import re
import unicodedata
from collections.abc import Callable, Sequence
from pathlib import Path

from mentordesk.errors import UserError
from mentordesk.paths import ensure_private_dir

# File names are kept to this many UTF-8 bytes (suffix included): Linux allows 255 bytes,
# Windows 255 UTF-16 units, but a Windows path as a whole is limited to 260 characters.
MAX_NAME_BYTES = 120
PRIVATE_FILE_MODE = 0o600

_FORBIDDEN_IN_NAME = re.compile(
    '[<>:"/\\\\|?*\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069\ud800-\udfff]+')
_RESERVED_NAMES = frozenset(
    ["CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$"]
    + [f"{port}{n}" for port in ("COM", "LPT") for n in "0123456789¹²³"])


def safe_file_name(stem: str, suffix: str, empty: str = "file") -> str:
    """``stem + suffix`` as a file name every OS accepts.

    Characters Windows forbids (``<>:"/\\|?*``), control characters and bidirectional
    overrides become ``_``; leading dots and spaces and trailing dots and spaces go;
    Windows device names (``CON``, ``COM1``, ...) get a ``_``; the name is cut to
    :data:`MAX_NAME_BYTES` UTF-8 bytes at a character boundary; an empty stem becomes
    ``empty``.
    """
    suffix = suffix if suffix.startswith(".") or not suffix else f".{suffix}"
    if _FORBIDDEN_IN_NAME.search(suffix) or suffix.rstrip(". ") != suffix:
        raise ValueError(f"unusable suffix {suffix!r}")
    text = unicodedata.normalize("NFC", stem.replace("\r\n", " ").replace("\n", " "))
    text = _FORBIDDEN_IN_NAME.sub("_", text)
    text = re.sub(r"\s+", " ", text).lstrip(". ").rstrip(". ") or empty
    base, dot, rest = text.partition(".")
    if base.rstrip(" ").upper() in _RESERVED_NAMES:
        # Windows reads "CON", "con.txt" and "CON .x" all as the console device.
        text = f"{base.rstrip(' ')}_{dot}{rest}"
    room = MAX_NAME_BYTES - len(suffix.encode())
    if len(text.encode()) > room:
        text = text.encode()[:room].decode(errors="ignore")
        while text and (unicodedata.combining(text[-1]) or text[-1] == "\u200d"):
            text = text[:-1]  # a mark or joiner cut off from the rest of its character
        text = text.rstrip(". ")
    return text + suffix


def unique_name(name: str, taken: set[str]) -> str:
    """``name``, or ``name (2)``, ``name (3)``...: unique ignoring case (Windows, macOS)."""
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    candidate, n = name, 1
    while candidate.casefold() in taken:
        n += 1
        counter = f" ({n})"
        # Cut the stem so the counter always fits: a name already at the length limit
        # would otherwise lose its counter again and never become unique.
        room = MAX_NAME_BYTES - len(f"{counter}{dot}{suffix}".encode())
        short = stem.encode()[:room].decode(errors="ignore").rstrip(". ")
        candidate = safe_file_name(f"{short}{counter}", f"{dot}{suffix}")
    taken.add(candidate.casefold())
    return candidate


def write_temp(path: Path, data: bytes) -> Path:
    """Write ``data`` to a hidden owner-only file beside ``path``, flushed to the disk,
    and return it (for :func:`write_files` to rename over ``path``)."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    flags = os.O_CREAT | os.O_TRUNC | os.O_WRONLY | getattr(os, "O_BINARY", 0)
    fd = os.open(tmp, flags, PRIVATE_FILE_MODE)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())  # a power cut after the rename leaves the whole file
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    return tmp


def write_files(payloads: Sequence[tuple[Path, bytes]], *, noun: str = "files",
                step: Callable[[], None] | None = None) -> None:
    """Write each ``(path, data)`` atomically and owner-only, all of them or none.

    ``step`` is called before each file (it may raise to cancel: nothing is written then).

    Raises:
        UserError: a file could not be written; the message names it and says whether
            any target was already replaced (``noun`` names what was being written).
    """
    temps: list[tuple[Path, Path]] = []
    try:
        for path, data in payloads:
            if step is not None:
                step()
            ensure_private_dir(path.parent)
            temps.append((write_temp(path, data), path))
    except BaseException as exc:
        for tmp, _ in temps:
            with contextlib.suppress(OSError):
                tmp.unlink()
        if isinstance(exc, OSError):
            raise write_error(payloads[len(temps)][0] if len(temps) < len(payloads)
                              else payloads[-1][0], exc, noun=noun) from exc
        raise
    # From here on the export is committed: each rename is atomic and quick.
    for i, (tmp, path) in enumerate(temps):
        try:
            os.replace(tmp, path)
        except OSError as exc:
            for later, _ in temps[i:]:
                with contextlib.suppress(OSError):
                    later.unlink()
            raise write_error(path, exc, replaced=i, noun=noun) from exc


def write_error(path: Path, exc: OSError, replaced: int = 0, noun: str = "files") -> UserError:
    """A message fit for a dialog about ``exc`` writing ``path``."""
    reason = str(exc.strerror or exc).rstrip(".")
    message = f"Cannot write {path}: {reason}."
    if isinstance(exc, PermissionError) and path.is_file():
        # Windows cannot replace a file another program has open.
        message += " If it is open in another program, close it there and export again."
    if replaced:
        message += f" {replaced} of the files were already updated; export again."
    else:
        message += f" No {noun} were written."
    return UserError(message)
