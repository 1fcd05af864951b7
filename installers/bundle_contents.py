"""What goes into the PyInstaller bundle beyond PyInstaller's own choices (used by
mentordesk.spec; tested in tests/unit/test_bundle_contents.py).

Two filters over Analysis' table of contents, whose entries are ``(dest, src, typecode)``:
:func:`wanted` leaves out Qt plugins, libraries and translations the app never loads, and
on Linux :func:`reachable` then leaves out the shared libraries that nothing kept loads any
more (what only the dropped plugins linked to).
"""

from __future__ import annotations

import re
import subprocess
from collections.abc import Callable, Iterable
from pathlib import PurePath

Entry = tuple[str, str, str]

# Qt plugins a desktop app on a user's machine does not load: embedded-device platforms and
# input (EGLFS, linuxfb, VNC, evdev), network information and TLS (MentorDesk never goes
# online), the GTK3 theme (it would load the system's GTK against the libraries bundled
# here; Qt's own Fusion look and dialogs are used instead), and image formats other than
# the PNG (built in), JPEG, SVG, ICO and GIF that icons, logos and pages use. ``None``: the
# whole kind. The offscreen platform stays: the smoke test uses it on a build server.
QT_PLUGINS_UNUSED: dict[str, tuple[str, ...] | None] = {
    "egldeviceintegrations": None, "generic": None, "networkinformation": None, "tls": None,
    "platforms": ("qeglfs", "qlinuxfb", "qminimal", "qvkkhrdisplay", "qvnc"),
    "platformthemes": ("qgtk3",),
    "imageformats": ("qicns", "qpdf", "qtga", "qtiff", "qwbmp", "qwebp"),
}
# Qt libraries only the virtual keyboard (Quick/QML, 25 MB) and EGLFS load.
QT_LIBS_UNUSED = ("Qt6VirtualKeyboard", "Qt6Quick", "Qt6Qml", "Qt6EglFS", "qtvirtualkeyboard")


def wanted(dest: str) -> bool:
    """False for the Qt plugins, libraries and translations (the app is in English, and so
    are Qt's dialog buttons) listed above."""
    parts = PurePath(dest.replace("\\", "/")).parts
    if parts[0] == "PySide6" and "translations" in parts:
        return False
    if any(lib in parts[-1] for lib in QT_LIBS_UNUSED):
        return False
    if "plugins" in parts[:-2]:
        kind = parts[parts.index("plugins") + 1]
        if kind in QT_PLUGINS_UNUSED:
            names = QT_PLUGINS_UNUSED[kind]
            return names is not None and not any(name in parts[-1] for name in names)
    return True


def needed(path: str) -> list[str]:
    """The shared libraries an ELF file names as NEEDED (binutils' readelf)."""
    out = subprocess.run(["readelf", "-d", "--wide", path], capture_output=True, text=True,
                         check=True).stdout
    return re.findall(r"\(NEEDED\)\s+Shared library: \[([^\]]+)\]", out)


def reachable(binaries: Iterable[Entry],
              needs: Callable[[str], list[str]] = needed) -> list[Entry]:
    """The binaries still loaded by something kept: Python extensions, Qt plugins and the
    Python library are the roots, and every library they need, transitively. Symbolic
    links stay when their target does."""
    binaries = list(binaries)
    files = {dest: src for dest, src, kind in binaries if kind != "SYMLINK"}
    # NEEDED names a library by file name; extension modules may share one (sqlalchemy's
    # sql/_util_cy and engine/_util_cy), so they are roots, found by their full path.
    libraries = {PurePath(dest).name: dest for dest, _src, kind in binaries
                 if kind == "BINARY"}
    todo = [dest for dest, _src, kind in binaries
            if kind == "EXTENSION" or "plugins" in PurePath(dest).parts
            or PurePath(dest).name.startswith("libpython")]
    seen = set(todo)
    while todo:
        for name in needs(files[todo.pop()]):
            dest = libraries.get(name)
            if dest is not None and dest not in seen:
                seen.add(dest)
                todo.append(dest)
    return [b for b in binaries if b[0] in seen or (b[2] == "SYMLINK" and b[1] in seen)]
