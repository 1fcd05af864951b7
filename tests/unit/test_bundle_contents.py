"""The bundle's filters (installers/bundle_contents.py): what a user's system needs stays,
what the app never loads goes, and no library something kept still needs is lost."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "bundle_contents", ROOT / "installers" / "bundle_contents.py")
assert _spec is not None and _spec.loader is not None
bundle_contents = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(bundle_contents)
wanted, reachable = bundle_contents.wanted, bundle_contents.reachable

PLUGINS = "PySide6/Qt/plugins"  # Linux and macOS wheels; Windows has PySide6/plugins


@pytest.mark.parametrize("dest", [
    f"{PLUGINS}/platforms/libqxcb.so", f"{PLUGINS}/platforms/libqwayland.so",
    f"{PLUGINS}/platforms/libqoffscreen.so", f"{PLUGINS}/printsupport/libcupsprintersupport.so",
    f"{PLUGINS}/imageformats/libqjpeg.so", f"{PLUGINS}/imageformats/libqsvg.so",
    f"{PLUGINS}/imageformats/libqico.so", f"{PLUGINS}/imageformats/libqgif.so",
    f"{PLUGINS}/iconengines/libqsvgicon.so",
    f"{PLUGINS}/xcbglintegrations/libqxcb-glx-integration.so",
    f"{PLUGINS}/platformthemes/libqxdgdesktopportal.so",
    f"{PLUGINS}/platforminputcontexts/libibusplatforminputcontextplugin.so",
    f"{PLUGINS}/wayland-shell-integration/libxdg-shell.so",
    "PySide6\\plugins\\platforms\\qwindows.dll",
    "PySide6\\plugins\\styles\\qmodernwindowsstyle.dll",
    "PySide6/Qt/plugins/platforms/libqcocoa.dylib",
    "PySide6/Qt/lib/libQt6Core.so.6", "PySide6/Qt/lib/libQt6Pdf.so.6",
    "PySide6/Qt/lib/libQt6XcbQpa.so.6", "PySide6/Qt/lib/libQt6WaylandClient.so.6",
    "resources/fonts/NotoSansCJKsc-Regular.ttf", "reportlab/fonts/Vera.ttf",
])
def test_what_users_systems_load_stays(dest: str) -> None:
    assert wanted(dest)


@pytest.mark.parametrize("dest", [
    f"{PLUGINS}/platforms/libqeglfs.so", f"{PLUGINS}/platforms/libqvnc.so",
    f"{PLUGINS}/platforms/libqlinuxfb.so", f"{PLUGINS}/platformthemes/libqgtk3.so",
    f"{PLUGINS}/tls/libqopensslbackend.so", f"{PLUGINS}/generic/libqevdevmouseplugin.so",
    f"{PLUGINS}/networkinformation/libqnetworkmanager.so",
    f"{PLUGINS}/egldeviceintegrations/libqeglfs-x11-integration.so",
    f"{PLUGINS}/imageformats/libqtiff.so", f"{PLUGINS}/imageformats/libqwebp.so",
    f"{PLUGINS}/platforminputcontexts/libqtvirtualkeyboardplugin.so",
    "PySide6\\plugins\\imageformats\\qtiff.dll", "PySide6\\plugins\\tls\\qschannelbackend.dll",
    "PySide6/Qt/lib/libQt6Quick.so.6", "PySide6/Qt/lib/libQt6Qml.so.6",
    "PySide6/Qt/lib/libQt6VirtualKeyboard.so.6", "PySide6/Qt/lib/libQt6EglFSDeviceIntegration.so.6",
    "PySide6/Qt/translations/qtbase_de.qm", "PySide6\\translations\\qt_fr.qm",
])
def test_what_the_app_never_loads_goes(dest: str) -> None:
    assert not wanted(dest)


def test_a_library_stays_while_anything_kept_needs_it() -> None:
    needs = {
        "/src/sql_util.so": ["libsqlite3.so.0"],
        "/src/engine_util.so": ["libz.so.1"],
        "/src/qxcb.so": ["libQt6XcbQpa.so.6"],
        "/src/libQt6XcbQpa.so.6": ["libxcb.so.1"],
        "/src/libxcb.so.1": [],
        "/src/libsqlite3.so.0": [],
        "/src/libz.so.1": [],
        "/src/libcairo.so.2": ["libpixman-1.so.0"],  # only GTK3's dropped theme needed it
        "/src/libpixman-1.so.0": [],
        "/src/libpython3.11.so.1.0": ["libm.so.6"],  # not bundled: ignored
    }
    binaries = [
        # Two extension modules with the same file name (sqlalchemy has such a pair).
        ("sqlalchemy/sql/_util_cy.so", "/src/sql_util.so", "EXTENSION"),
        ("sqlalchemy/engine/_util_cy.so", "/src/engine_util.so", "EXTENSION"),
        ("PySide6/Qt/plugins/platforms/libqxcb.so", "/src/qxcb.so", "BINARY"),
        ("PySide6/Qt/lib/libQt6XcbQpa.so.6", "/src/libQt6XcbQpa.so.6", "BINARY"),
        ("libQt6XcbQpa.so.6", "PySide6/Qt/lib/libQt6XcbQpa.so.6", "SYMLINK"),
        ("libxcb.so.1", "/src/libxcb.so.1", "BINARY"),
        ("libsqlite3.so.0", "/src/libsqlite3.so.0", "BINARY"),
        ("libz.so.1", "/src/libz.so.1", "BINARY"),
        ("libcairo.so.2", "/src/libcairo.so.2", "BINARY"),
        ("libpixman-1.so.0", "/src/libpixman-1.so.0", "BINARY"),
        ("libcairo-link.so", "libcairo.so.2", "SYMLINK"),
        ("libpython3.11.so.1.0", "/src/libpython3.11.so.1.0", "BINARY"),
    ]
    kept = {dest for dest, _src, _kind in reachable(binaries, needs.__getitem__)}
    assert kept == {
        "sqlalchemy/sql/_util_cy.so", "sqlalchemy/engine/_util_cy.so",
        "PySide6/Qt/plugins/platforms/libqxcb.so", "PySide6/Qt/lib/libQt6XcbQpa.so.6",
        "libQt6XcbQpa.so.6", "libxcb.so.1", "libsqlite3.so.0", "libz.so.1",
        "libpython3.11.so.1.0"}


@pytest.mark.skipif(not sys.platform.startswith("linux") or shutil.which("readelf") is None,
                    reason="reads ELF files with binutils' readelf (Linux)")
def test_needed_reads_a_real_library() -> None:
    import PySide6

    core = next(Path(PySide6.__file__).parent.glob("QtCore.abi3.so"))
    names = bundle_contents.needed(str(core))
    assert "libQt6Core.so.6" in names and "libc.so.6" in names
