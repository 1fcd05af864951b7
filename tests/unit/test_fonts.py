"""Every name prints: the bundled fonts, the per-character fallback, shaping and direction.

Coverage is checked against each font file's own character map read with fontTools, not
with ReportLab (which chooses the fonts), and the drawn text is read back with poppler's
pdftotext.
"""

from __future__ import annotations

import functools
import io
import subprocess
import unicodedata
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont
from reportlab.pdfgen.canvas import Canvas

from mentordesk.paths import resource_path
from mentordesk.services.documents import fonts
from mentordesk.services.documents.fonts import Family, Style

NAMES = ["Zoë Łukasiewicz", "Nguyễn Thị Minh Khai", "Siobhán Ó Súilleabháin",
         "Αλέξανδρος Παπαδόπουλος", "Дмитрий Шостакович", "王秀英", "山田 太郎", "김민준",
         "محمد عبد الله", "שרה כהן", "Çağla Ağaoğlu", "Þórdís Ævarsdóttir", "Łucja Żółć-Wąs"]


@functools.cache
def _cmap(font_name: str) -> frozenset[int]:
    file = font_name.removeprefix("MD-") + ".ttf"
    with TTFont(resource_path("fonts", file), lazy=True) as font:
        return frozenset(font.getBestCmap())


def _pdf_text(draw: list[tuple[str, Family, Style]], tmp_path: Path) -> str:
    out = io.BytesIO()
    canvas = Canvas(out)
    y = 800.0
    for text, family, style in draw:
        fonts.draw_text(canvas, 60, y, text, 14, family=family, style=style)
        y -= 24
    canvas.save()
    path = tmp_path / "names.pdf"
    path.write_bytes(out.getvalue())
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_bundled_fonts_and_their_licences_are_there() -> None:
    folder = resource_path("fonts")
    for file in ("DejaVuSans.ttf", "DejaVuSans-Bold.ttf", "DejaVuSerif.ttf",
                 "DejaVuSerif-Bold.ttf", "DejaVuSerif-Italic.ttf", "NotoSansArabic-Regular.ttf",
                 "NotoSansHebrew-Regular.ttf", "NotoSansCJK-Regular.ttf",
                 "LICENSE-DejaVu.txt", "OFL-1.1.txt"):
        assert (folder / file).is_file(), file
    # TrueType outlines: ReportLab cannot embed CFF, so a CFF font would fail at print time.
    for file in folder.glob("*.ttf"):
        with TTFont(file, lazy=True) as font:
            assert "glyf" in font, file.name


@pytest.mark.parametrize("family", list(Family))
@pytest.mark.parametrize("style", list(Style))
def test_every_character_of_every_name_has_a_glyph_in_the_font_chosen_for_it(
        family: Family, style: Style) -> None:
    for name in NAMES:
        assert fonts.missing_glyphs(name, family, style) == set(), name
        runs = fonts.runs(name, family, style)
        assert "".join(r.text for r in runs) == name  # nothing dropped
        for run in runs:
            cmap = _cmap(run.font)
            assert all(ord(c) in cmap for c in run.text), (name, run)


def test_scripts_go_to_their_own_fonts() -> None:
    assert fonts.font_for("ł") == "MD-DejaVuSans"
    assert fonts.font_for("王") == "MD-NotoSansCJK-Regular"
    assert fonts.font_for("김") == "MD-NotoSansCJK-Regular"
    # DejaVu has basic Arabic and Hebrew too, but the Noto faces are preferred for them.
    assert fonts.font_for("م") == "MD-NotoSansArabic-Regular"
    assert fonts.font_for("ש", style=Style.BOLD) == "MD-NotoSansHebrew-Bold"


def test_a_character_no_font_has_is_reported_and_printed_as_a_visible_mark() -> None:
    hieroglyph = "\U00013000"
    assert fonts.missing_glyphs(f"Ann {hieroglyph}") == {hieroglyph}
    assert "".join(r.text for r in fonts.runs(f"Ann {hieroglyph}")) == "Ann \ufffd"
    assert "".join(r.text for r in fonts.runs("A\x07b")) == "Ab"  # a control draws nothing


def test_numbers_in_arabic_read_left_to_right(tmp_path: Path) -> None:
    text = _pdf_text([("محمد 2024 علي", Family.SANS, Style.REGULAR),
                      ("رقم ١٢٣ و 4.5", Family.SANS, Style.REGULAR)], tmp_path)
    assert "2024" in text and "4202" not in text
    assert "4.5" in text and "5.4" not in text
    assert "١٢٣" in text and "٣٢١" not in text
    order = [r.text for r in fonts.visual_runs("محمد 2024 علي")]
    assert order.index("2024") == 1  # between the two names, the first on the right


def test_latin_greek_cyrillic_cjk_names_read_back_exactly(tmp_path: Path) -> None:
    latin = [n for n in NAMES if not fonts.base_rtl(n)]
    text = _pdf_text([(n, Family.SERIF, Style.BOLD) for n in latin]
                     + [(n, Family.SANS, Style.REGULAR) for n in latin], tmp_path)
    lines = [unicodedata.normalize("NFC", line) for line in text.splitlines()]
    for name in latin:
        assert lines.count(name) == 2, name


def test_arabic_and_hebrew_are_shaped_and_read_right_to_left(tmp_path: Path) -> None:
    text = _pdf_text([("محمد عبد الله", Family.SANS, Style.REGULAR),
                      ("שרה כהן", Family.SANS, Style.REGULAR)], tmp_path)
    # pdftotext gives the shaped (joined) letter forms in reading order; NFKC maps them back.
    lines = [unicodedata.normalize("NFKC", line).strip("\u202b\u202c")
             for line in text.splitlines() if line.strip()]
    assert lines[:2] == ["محمد عبد الله", "שרה כהן"]
    # Joined forms were used (an unshaped name would print isolated letters) ...
    assert any("\ufe70" <= c <= "\ufeff" for c in text)
    # ... but no discretionary ligature: the name Muhammad is not the honorific sign.
    assert "\ufdf4" not in text


def test_right_to_left_runs_are_laid_out_in_visual_order() -> None:
    order = [r.text for r in fonts.visual_runs("Ana (محمد علي) Lee")]
    assert order[0].startswith("Ana") and order[-1].endswith("Lee")
    assert any(r.rtl and r.text == "محمد علي" for r in fonts.visual_runs("Ana (محمد علي) Lee"))
    # A line that starts right to left puts its first run on the right.
    runs = fonts.visual_runs("محمد Smith")
    assert runs[0].text.strip() == "Smith" and runs[-1].rtl


def test_widths_follow_the_font_and_size() -> None:
    assert fonts.text_width("Zoë", 20) == pytest.approx(2 * fonts.text_width("Zoë", 10))
    assert fonts.text_width("王秀英", 10) > fonts.text_width("ABC", 10)
    assert fonts.fit_size("A long name " * 5, 100, 40, 10) < 40
    assert fonts.fit_size("Ann", 500, 40, 10) == 40


def test_wrap_keeps_lines_within_the_width() -> None:
    text = "For generously sharing their experience as a mentor in Grow Together 2027"
    lines = fonts.wrap(text, 150, 12)
    assert len(lines) > 1 and " ".join(lines) == text
    assert all(fonts.text_width(line, 12) <= 150 for line in lines)


def test_markup_escapes_and_names_fallback_fonts() -> None:
    markup = fonts.markup("Tom & 王 <b>")
    assert "&amp;" in markup and "&lt;b&gt;" in markup
    assert '<font face="MD-NotoSansCJK-Regular">王</font>' in markup
