"""The GUI half of ``mentordesk --smoke-test``: Qt's plugins, the main window, a PDF page.

The core steps (:mod:`mentordesk.smoke`) reach the data files and the solver; these reach
what only the GUI loads: the platform plugin that puts a window on the screen, the image
and icon plugins, printing, QtPdf and QtCharts. In a bundle, a Qt plugin left out shows up
here, named.

On Linux with no display (a build server), the offscreen platform is used; under a real X
server or Wayland session the native one is, so CI runs this under Xvfb to load xcb.
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEventLoop, QLibraryInfo, QSettings, QSize
from PySide6.QtGui import QGuiApplication, QImage
from PySide6.QtWidgets import QApplication

from mentordesk import APP_NAME

if TYPE_CHECKING:
    from mentordesk.db import Database

# Plugin files each system's users need (matched within the file name, so "qxcb" finds
# libqxcb.so): the native platforms, printing where it is a plugin, SVG and JPEG images.
_COMMON = {"iconengines": ("qsvgicon",), "imageformats": ("qsvg", "qjpeg", "qico")}
REQUIRED_PLUGINS: dict[str, dict[str, tuple[str, ...]]] = {
    "linux": {"platforms": ("qxcb", "qwayland"), "printsupport": ("cupsprintersupport",),
              **_COMMON},
    "win32": {"platforms": ("qwindows",), **_COMMON},
    "darwin": {"platforms": ("qcocoa",), **_COMMON},
}
PAINT_TIMEOUT = 20.0


def application() -> QApplication:
    """The running QApplication, or a new one (offscreen on Linux without a display)."""
    existing = QApplication.instance()
    if isinstance(existing, QApplication):
        return existing
    if (sys.platform.startswith("linux") and "QT_QPA_PLATFORM" not in os.environ
            and not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY")):
        os.environ["QT_QPA_PLATFORM"] = "offscreen"
    app = QApplication([sys.argv[0] if sys.argv else APP_NAME])
    app.setApplicationName(APP_NAME)
    return app


def plugin_folders() -> list[Path]:
    """Where this Qt looks for plugins (the bundle's own folder when frozen)."""
    seen: list[Path] = []
    paths = [QLibraryInfo.path(QLibraryInfo.LibraryPath.PluginsPath),
             *QCoreApplication.libraryPaths()]
    for text in paths:
        path = Path(text)
        if path.is_dir() and path not in seen:
            seen.append(path)
    return seen


def missing_plugins(folders: Iterable[Path], platform: str | None = None) -> list[str]:
    """The required plugins (``kind/name``) found in none of ``folders``, for ``platform``
    (``sys.platform`` by default)."""
    platform = platform or sys.platform
    required = REQUIRED_PLUGINS.get("linux" if platform.startswith("linux") else platform, {})
    folders = list(folders)
    missing = []
    for kind, names in required.items():
        files = [p.name for folder in folders if (folder / kind).is_dir()
                 for p in (folder / kind).iterdir()]
        missing += [f"{kind}/{name}" for name in names
                    if not any(name in file for file in files)]
    return missing


def check_plugins() -> str:
    """The Qt plugins a user's system needs are there, and the icon renders."""
    application()
    folders = plugin_folders()
    missing = missing_plugins(folders)
    if missing:
        raise RuntimeError(f"Qt plugins missing: {', '.join(missing)} "
                           f"(looked in {', '.join(map(str, folders)) or 'no folder'})")
    from mentordesk.ui.opening import app_icon

    pixmap = app_icon().pixmap(QSize(64, 64))
    if pixmap.isNull() or _blank(pixmap.toImage()):
        raise RuntimeError("the application icon does not render")
    return f"platform {QGuiApplication.platformName()}, plugins in {len(folders)} folder(s)"


def _blank(image: QImage) -> bool:
    """True when ``image`` is one colour throughout (checked on a 16 x 16 grid)."""
    if image.isNull():
        return True
    w, h = image.width(), image.height()
    colours = {image.pixel(x * (w - 1) // 15, y * (h - 1) // 15)
               for x in range(16) for y in range(16)}
    return len(colours) < 2


def _wait(condition: Callable[[], bool], timeout: float = PAINT_TIMEOUT) -> bool:
    """Run the event loop until ``condition()`` is true; False after ``timeout`` seconds."""
    deadline = time.perf_counter() + timeout
    while not condition():
        if time.perf_counter() > deadline:
            return False
        QCoreApplication.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 50)
    return True


def check_main_window(db: Database, folder: Path) -> str:
    """The main window opens on ``db`` and every area shows; returns the time to paint."""
    import shiboken6

    from mentordesk.ui.main_window import MainWindow

    application()
    settings = QSettings(str(folder / "smoke-settings.ini"), QSettings.Format.IniFormat)
    started = time.perf_counter()
    window = MainWindow(db, settings)
    try:
        window.show()
        if not _wait(lambda: window.isVisible() and not window.grab().isNull()):
            raise RuntimeError("the main window did not appear")
        shown = time.perf_counter() - started
        participants = window.views["participants"]
        model = getattr(participants, "model", None)
        for area in window.views:
            window.show_area(area)
            QCoreApplication.processEvents()
            if window.current_area() != area:
                raise RuntimeError(f"the {area} area did not open")
        window.show_area("participants")
        if not _wait(lambda: model is not None and model.rowCount() > 0):
            raise RuntimeError("the participants table stayed empty")
        if _blank(window.grab().toImage()):
            raise RuntimeError("the main window is blank")
        rows = model.rowCount() if model is not None else 0
        return f"shown in {shown:.2f} s, {len(window.views)} areas, {rows} participants listed"
    finally:
        window.shutdown()  # closes the database too
        window.hide()
        shiboken6.delete(window)


def check_pdf(path: Path) -> str:
    """QtPdf opens ``path`` and renders its first page (what the Documents preview does)."""
    from PySide6.QtPdf import QPdfDocument

    application()
    document = QPdfDocument()
    try:
        document.load(str(path))
        if document.status() != QPdfDocument.Status.Ready or document.pageCount() < 1:
            raise RuntimeError(f"QtPdf cannot open {path.name} ({document.error()})")
        image = document.render(0, QSize(420, 297))
        if _blank(image):
            raise RuntimeError("the first page renders blank")
        return f"{document.pageCount()} pages, page 1 rendered {image.width()}x{image.height()}"
    finally:
        document.close()
