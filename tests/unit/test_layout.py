"""The shared document layout: contents, bookmarks, page furniture, keeps and long names."""

from __future__ import annotations

import io
import re
import subprocess

from pypdf import PdfReader

from mentordesk.services.documents import layout
from mentordesk.services.documents.layout import Branding, build_document, heading, keep, para

BRANDING = Branding(programme="Grow Together 2027", organisation="Northwind Traders")


def _pages(data: bytes) -> list[str]:
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", "-", "-"], input=data,
                          check=True, capture_output=True).stdout.decode()
    return text.split("\f")[:-1]


def test_contents_lists_headings_with_the_pages_they_are_on() -> None:
    s = layout.make_styles(BRANDING)
    story = []
    for n in range(1, 4):
        story += [heading(f"Chapter {n}", s), para("Words. " * 600, s.body),
                  heading(f"Part {n}.1", s, 1), para("More.", s.body)]
    pages = _pages(build_document(story, title="Guide", branding=BRANDING))
    contents = pages[1]
    for n in range(1, 4):
        found = re.search(rf"Chapter {n}[ .]*(\d+)", contents)
        assert found is not None, contents
        assert int(found[1]) > 2 and f"Chapter {n}" in pages[int(found[1]) - 1]
    for number, text in enumerate(pages[1:], start=2):
        assert f"Page {number} of {len(pages)}" in text
        assert "Guide" in text and "Grow Together 2027" in text and "Northwind Traders" in text


def test_bookmarks_follow_the_headings_even_when_a_level_is_skipped() -> None:
    s = layout.make_styles(BRANDING)
    data = build_document([heading("Chapter", s), heading("Minor", s, 2), para("x", s.body),
                           heading("Section", s, 1)], title="Guide", branding=BRANDING)
    outline = PdfReader(io.BytesIO(data)).outline
    assert outline[0].title == "Chapter"
    assert [item.title for item in outline[1]] == ["Minor", "Section"]


def test_nested_keeps_do_not_force_a_page_break() -> None:
    s = layout.make_styles(BRANDING)
    story = [para("Opening.", s.body),
             keep(heading("Kept", s, 1), keep(para("One.", s.body), para("Two.", s.body)))]
    pages = _pages(build_document(story, title="Guide", branding=BRANDING, contents=False))
    assert len(pages) == 2 and "Two." in pages[1]  # the cover, then everything on one page


def test_long_names_are_shortened_to_fit() -> None:
    name = "The Extraordinarily Long Cross-Departmental Leadership Programme " * 3
    short = layout.shorten(name, 200, 9)
    assert short.endswith("…") and name.startswith(short[:-1])
    assert layout.fonts.text_width(short, 9) <= 200
    assert layout.shorten("Short", 200, 9) == "Short"
