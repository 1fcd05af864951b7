"""Printed documents: certificates, handbooks, feedback forms, the programme proposal.

Each document module renders bytes of a PDF from a session and plain values; nothing here
imports Qt. :func:`save_pdf` and :func:`save_pdfs` write them atomically and owner-only.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from mentordesk.services.files import write_files


def save_pdf(path: Path, data: bytes) -> Path:
    """Write one PDF atomically (a temporary file renamed over ``path``), owner-only."""
    path = Path(path)
    write_files([(path, data)], noun="documents")
    return path


def save_pdfs(folder: Path, files: Sequence[tuple[str, bytes]],
              step: Callable[[], None] | None = None) -> list[Path]:
    """Write ``(file name, bytes)`` pairs into ``folder``: all of them or none."""
    folder = Path(folder)
    payloads = [(folder / name, data) for name, data in files]
    write_files(payloads, noun="documents", step=step)
    return [path for path, _ in payloads]
