"""Render resources/icons/mentordesk.svg to the PNG, ICO and ICNS files the app and installers use.

Run after editing the SVG: ``python scripts/render_icons.py``. Every size is drawn from the
SVG by Qt's renderer (never scaled down from a larger bitmap); Pillow only packs the macOS
.icns. ``--out DIR`` writes the same files under DIR instead (tests/unit/test_icons.py
uses it to check that the committed files are up to date with the SVG).

Written beside the SVG:

- ``hicolor/<n>x<n>/apps/mentordesk.png`` for the freedesktop icon theme sizes (the tree
  installers/linux/install.sh copies into ``icons/hicolor/``);
- ``mentordesk-32.png`` and ``mentordesk-256.png``, which the app itself loads;
- ``mentordesk.ico`` (Windows, PNG-compressed frames) and ``mentordesk.icns`` (macOS).
"""

from __future__ import annotations

import argparse
import io
import os
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PIL import Image
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from mentordesk.paths import resource_path

# The sizes a freedesktop icon theme looks for first (Icon Theme Specification; GNOME and
# KDE ask for 16-64 in menus and panels, 128-512 in launchers and on HiDPI screens).
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
# The app's own window icon (mentordesk/ui/opening.py) and the certificate logo.
APP_PNG_SIZES = (32, 256)
# Explorer picks 16-48 for lists and small icons, 64-256 for large icons and HiDPI.
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# The pixel sizes Pillow's ICNS writer stores: 16@2x=32, 32@2x=64, 128, 128@2x=256,
# 256@2x=512, 512@2x=1024 (it has no slot for a plain 16 px image).
ICNS_SIZES = (32, 64, 128, 256, 512, 1024)


def hicolor_path(folder: Path, size: int) -> Path:
    """Where the ``size`` px theme icon lives under ``folder`` (the icons directory)."""
    return folder / "hicolor" / f"{size}x{size}" / "apps" / "mentordesk.png"


def render(renderer: QSvgRenderer, size: int) -> QImage:
    """The icon as a transparent ``size`` x ``size`` image."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    renderer.render(painter)
    painter.end()
    return image


def png_bytes(image: QImage) -> bytes:
    """``image`` encoded as PNG."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


def ico_bytes(renderer: QSvgRenderer, sizes: tuple[int, ...] = ICO_SIZES) -> bytes:
    """A Windows .ico holding one PNG-compressed image per size (valid since Windows Vista)."""
    images = [png_bytes(render(renderer, size)) for size in sizes]
    header = struct.pack("<HHH", 0, 1, len(sizes))
    offset = 6 + 16 * len(sizes)
    entries = b""
    for size, data in zip(sizes, images, strict=True):
        side = 0 if size >= 256 else size  # 0 means 256 in the directory entry
        entries += struct.pack("<BBBBHHII", side, side, 0, 0, 1, 32, len(data), offset)
        offset += len(data)
    return header + entries + b"".join(images)


def icns_bytes(renderer: QSvgRenderer, sizes: tuple[int, ...] = ICNS_SIZES) -> bytes:
    """A macOS .icns with every size Pillow's writer stores, each rendered from the SVG."""
    images = [Image.open(io.BytesIO(png_bytes(render(renderer, size)))) for size in sizes]
    largest = max(images, key=lambda image: image.width)
    out = io.BytesIO()
    # Pillow takes each size from append_images when one matches, else resizes the base.
    largest.save(out, format="ICNS", append_images=images)
    return out.getvalue()


def write_all(renderer: QSvgRenderer, folder: Path) -> list[Path]:
    """Write every icon file under ``folder``; returns the paths written."""
    written = []
    for size in HICOLOR_SIZES:
        out = hicolor_path(folder, size)
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_bytes(png_bytes(render(renderer, size)))
        written.append(out)
    for size in APP_PNG_SIZES:
        out = folder / f"mentordesk-{size}.png"
        out.write_bytes(png_bytes(render(renderer, size)))
        written.append(out)
    ico = folder / "mentordesk.ico"
    ico.write_bytes(ico_bytes(renderer))
    icns = folder / "mentordesk.icns"
    icns.write_bytes(icns_bytes(renderer))
    return [*written, ico, icns]


def main(argv: list[str] | None = None) -> int:
    """Render the SVG into the icons folder (or ``--out DIR``)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help="write the files under DIR instead of beside the SVG")
    args = parser.parse_args(argv)
    _app = QGuiApplication(sys.argv[:1])
    svg = resource_path("icons", "mentordesk.svg")
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        print(f"cannot read {svg}", file=sys.stderr)
        return 1
    try:
        written = write_all(renderer, args.out or svg.parent)
    except OSError as exc:
        print(f"cannot write the icons: {exc}", file=sys.stderr)
        return 1
    for path in written:
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
