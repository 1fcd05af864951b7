"""The rendered icons: every size each platform needs, not blank, and up to date with the SVG.

Read back with Pillow, an independent reader. The up-to-date check runs
scripts/render_icons.py in a separate interpreter (it needs Qt, which unit tests never import)
and compares the pixels with the committed files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from PIL import Image, ImageChops

ROOT = Path(__file__).resolve().parents[2]
ICONS = ROOT / "resources" / "icons"

HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
ICO_SIZES = (16, 24, 32, 48, 64, 128, 256)
# (width, height, scale) as Pillow lists them; 512@2x is the 1024 px image.
ICNS_SIZES = {(16, 16, 2), (32, 32, 2), (128, 128, 1), (128, 128, 2), (256, 256, 1),
              (256, 256, 2), (512, 512, 1), (512, 512, 2)}


def hicolor(folder: Path, size: int) -> Path:
    """The theme icon of ``size`` px under an icons folder."""
    return folder / "hicolor" / f"{size}x{size}" / "apps" / "mentordesk.png"


def frames(folder: Path) -> dict[str, Image.Image]:
    """Every bitmap under an icons folder, keyed by file and size, as RGBA images."""
    found: dict[str, Image.Image] = {}
    for size in HICOLOR_SIZES:
        with Image.open(hicolor(folder, size)) as image:
            found[f"hicolor {size}"] = image.convert("RGBA")
    for size in (32, 256):
        with Image.open(folder / f"mentordesk-{size}.png") as image:
            found[f"mentordesk-{size}.png"] = image.convert("RGBA")
    with Image.open(folder / "mentordesk.ico") as ico:
        for width, height in ico.info["sizes"]:
            found[f"ico {width}"] = ico.ico.getimage((width, height)).convert("RGBA")
    with Image.open(folder / "mentordesk.icns") as icns:
        for width, height, scale in icns.info["sizes"]:
            image = icns.icns.getimage((width, height, scale))
            found[f"icns {width}@{scale}x"] = image.convert("RGBA")
    return found


def assert_drawn(image: Image.Image, name: str) -> None:
    """Transparent corners, an opaque centre, and more than one colour inside."""
    side = image.width
    alpha = image.getchannel("A")
    for corner in ((0, 0), (side - 1, 0), (0, side - 1), (side - 1, side - 1)):
        assert alpha.getpixel(corner) == 0, f"{name}: corner {corner} is not transparent"
    assert alpha.getpixel((side // 2, side // 2)) == 255, f"{name}: centre is not opaque"
    colours = image.getcolors(maxcolors=side * side)
    assert colours is not None and len(colours) > 3, f"{name}: looks blank"


@pytest.mark.parametrize("size", HICOLOR_SIZES)
def test_hicolor_png_is_the_size_in_its_path_and_drawn(size: int) -> None:
    with Image.open(hicolor(ICONS, size)) as image:
        assert image.format == "PNG"
        assert image.size == (size, size)
        assert_drawn(image.convert("RGBA"), f"hicolor {size}")


@pytest.mark.parametrize("size", [32, 256])
def test_the_apps_own_pngs_keep_their_names_and_sizes(size: int) -> None:
    with Image.open(ICONS / f"mentordesk-{size}.png") as image:
        assert image.size == (size, size)
        assert_drawn(image.convert("RGBA"), f"mentordesk-{size}.png")


def test_ico_has_every_windows_size() -> None:
    with Image.open(ICONS / "mentordesk.ico") as ico:
        assert ico.format == "ICO"
        assert sorted(ico.info["sizes"]) == [(s, s) for s in ICO_SIZES]
        for size in ICO_SIZES:
            frame = ico.ico.getimage((size, size))
            assert frame.size == (size, size)
            assert_drawn(frame.convert("RGBA"), f"ico {size}")


def test_icns_opens_and_has_the_large_retina_sizes() -> None:
    with Image.open(ICONS / "mentordesk.icns") as icns:
        assert icns.format == "ICNS"
        assert set(icns.info["sizes"]) >= ICNS_SIZES
        assert icns.size == (1024, 1024)
        for width, height, scale in ICNS_SIZES:
            image = icns.icns.getimage((width, height, scale))
            assert image.size == (width * scale, height * scale)
            assert_drawn(image.convert("RGBA"), f"icns {width}@{scale}x")


def differing_share(a: Image.Image, b: Image.Image, threshold: int = 16) -> float:
    """The share of pixels where some RGBA channel differs by more than ``threshold``."""
    diff = ImageChops.difference(a, b)
    worst = Image.merge("RGB", diff.split()[:3]).convert("L")
    worst = ImageChops.lighter(worst, diff.getchannel("A"))
    histogram = worst.histogram()
    return sum(histogram[threshold + 1:]) / (a.width * a.height)


def test_committed_icons_are_up_to_date_with_the_svg(tmp_path: Path) -> None:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "render_icons.py"), "--out", str(tmp_path)],
        capture_output=True, text=True, env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    committed, fresh = frames(ICONS), frames(tmp_path)
    assert committed.keys() == fresh.keys()
    stale = {name: share for name in committed
             if (share := differing_share(committed[name], fresh[name])) > 0.005}
    assert not stale, f"run scripts/render_icons.py; these differ from the SVG: {stale}"
