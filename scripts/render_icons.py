"""Render resources/icons/mentordesk.svg to the PNG and ICO files the app and installers use.

Run after editing the SVG: ``python scripts/render_icons.py``. Uses Qt's SVG renderer, so
no extra dependency is needed.
"""

from __future__ import annotations

import os
import struct
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, Qt
from PySide6.QtGui import QGuiApplication, QImage, QPainter
from PySide6.QtSvg import QSvgRenderer

from mentordesk.paths import resource_path


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


def ico_bytes(renderer: QSvgRenderer, sizes: tuple[int, ...] = (16, 24, 32, 48, 64, 256)) -> bytes:
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


def main() -> int:
    """Write mentordesk-256.png, mentordesk-32.png and mentordesk.ico beside the SVG."""
    _app = QGuiApplication(sys.argv[:1])
    svg = resource_path("icons", "mentordesk.svg")
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        print(f"cannot read {svg}", file=sys.stderr)
        return 1
    for size in (256, 32):
        out = svg.with_name(f"mentordesk-{size}.png")
        if not render(renderer, size).save(str(out)):
            print(f"cannot write {out}", file=sys.stderr)
            return 1
        print(out)
    ico = svg.with_name("mentordesk.ico")
    ico.write_bytes(ico_bytes(renderer))
    print(ico)
    return 0


if __name__ == "__main__":
    sys.exit(main())
