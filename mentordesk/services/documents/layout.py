"""The page layout every long printed document shares: cover, contents, running headers.

A document is a list of ReportLab flowables built by its own module (handbooks, the
proposal, the KPI report) with the helpers here, then laid out by :func:`build_document`:
a cover in the programme's colours with its logo, a contents page listing the level-1 and
level-2 headings with their pages, a running header (document and programme) and a footer
(organisation and "Page n of N") on every other page, and PDF bookmarks for each heading.
All text goes through :mod:`mentordesk.services.documents.fonts`, so any name prints.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.lib.utils import ImageReader
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    KeepTogether,
    ListFlowable,
    ListItem,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Paragraph,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus.tableofcontents import TableOfContents

from mentordesk.errors import UserError
from mentordesk.services.documents import fonts
from mentordesk.services.documents.fonts import Family, Style
from mentordesk.services.documents.wording import long_date as long_date  # re-exported

PAPER_SIZES: dict[str, tuple[float, float]] = {"A4": A4, "Letter": LETTER}
MARGIN = 20 * mm


@dataclass(frozen=True)
class Branding:
    """Who a document is from and how it looks: stored with the programme."""

    programme: str
    organisation: str = ""
    primary: str = "#2E5E8C"
    accent: str = "#F2A541"
    logo_png: bytes | None = None
    signature_png: bytes | None = None
    signer_name: str = ""
    signer_title: str = ""
    certificate_template: str = "classic"
    paper: str = "A4"
    coordinator_name: str = ""
    coordinator_email: str = ""

    @property
    def issuer(self) -> str:
        """The organisation, or the programme when no organisation is set."""
        return self.organisation or self.programme


def colour(value: str) -> colors.Color:
    """A ``#RRGGBB`` string as a ReportLab colour."""
    return colors.HexColor(value)


def tint(value: str, amount: float) -> colors.Color:
    """``value`` mixed with white: 0 is the colour itself, 1 is white."""
    c = colour(value)
    return colors.Color(c.red + (1 - c.red) * amount, c.green + (1 - c.green) * amount,
                        c.blue + (1 - c.blue) * amount)


def image(png: bytes) -> ImageReader:
    """An image for drawing (PNG or JPEG bytes)."""
    return ImageReader(io.BytesIO(png))


def shorten(text: str, width: float, size: float, family: Family = Family.SANS,
            style: Style = Style.REGULAR) -> str:
    """``text``, cut at a word with an ellipsis when it is wider than ``width``."""
    if fonts.text_width(text, size, family, style) <= width:
        return text
    words = text.split()
    while len(words) > 1:
        words.pop()
        candidate = " ".join(words) + "…"
        if fonts.text_width(candidate, size, family, style) <= width:
            return candidate
    cut = text
    while len(cut) > 1 and fonts.text_width(cut + "…", size, family, style) > width:
        cut = cut[:-1]
    return cut + "…"


def draw_logo(canvas: Canvas, png: bytes | None, x: float, top: float, max_w: float,
              max_h: float, *, centre: bool = False) -> tuple[float, float]:
    """Draw an image scaled into ``max_w`` × ``max_h``, its top at ``top`` and its left edge
    (or centre) at ``x``; returns the width and height drawn (0, 0 without an image)."""
    if not png:
        return 0.0, 0.0
    picture = image(png)
    w, h = picture.getSize()
    scale = min(max_w / w, max_h / h)
    left = x - w * scale / 2 if centre else x
    canvas.drawImage(picture, left, top - h * scale, w * scale, h * scale, mask="auto")
    return float(w * scale), float(h * scale)


@dataclass(frozen=True)
class Styles:
    """The paragraph styles of a document, in the programme's colours."""

    title: ParagraphStyle
    subtitle: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    h3: ParagraphStyle
    body: ParagraphStyle
    bullet: ParagraphStyle
    small: ParagraphStyle
    quote: ParagraphStyle
    cell: ParagraphStyle
    cell_head: ParagraphStyle
    toc: tuple[ParagraphStyle, ...]


def make_styles(branding: Branding) -> Styles:
    """The styles for ``branding``: DejaVu Serif headings, DejaVu Sans text."""
    sans, sans_bold = fonts.font_name(), fonts.font_name(style=Style.BOLD)
    serif_bold = fonts.font_name(Family.SERIF, Style.BOLD)
    ink, primary = colors.HexColor("#222222"), colour(branding.primary)
    body = ParagraphStyle("body", fontName=sans, fontSize=10, leading=14.5, textColor=ink,
                          spaceAfter=6)
    return Styles(
        title=ParagraphStyle("title", fontName=serif_bold, fontSize=30, leading=36,
                             textColor=colors.white),
        subtitle=ParagraphStyle("subtitle", fontName=sans, fontSize=14, leading=19,
                                textColor=colors.white),
        h1=ParagraphStyle("h1", fontName=serif_bold, fontSize=19, leading=24, spaceBefore=4,
                          spaceAfter=10, textColor=primary),
        h2=ParagraphStyle("h2", fontName=sans_bold, fontSize=12.5, leading=17, spaceBefore=10,
                          spaceAfter=5, textColor=primary),
        h3=ParagraphStyle("h3", fontName=sans_bold, fontSize=10.5, leading=14, spaceBefore=6,
                          spaceAfter=3, textColor=ink),
        body=body,
        bullet=ParagraphStyle("bullet", parent=body, spaceAfter=3),
        small=ParagraphStyle("small", parent=body, fontSize=8.5, leading=11.5,
                             textColor=colors.HexColor("#555555")),
        quote=ParagraphStyle("quote", parent=body, fontName=fonts.font_name(style=Style.ITALIC),
                             leftIndent=12, borderPadding=(4, 0, 4, 8), borderColor=primary,
                             borderWidth=0, textColor=colors.HexColor("#333333")),
        cell=ParagraphStyle("cell", parent=body, fontSize=9, leading=12, spaceAfter=0),
        cell_head=ParagraphStyle("cell_head", parent=body, fontName=sans_bold, fontSize=9,
                                 leading=12, spaceAfter=0, textColor=colors.white),
        toc=(ParagraphStyle("toc1", fontName=sans_bold, fontSize=11, leading=16, leftIndent=0,
                            firstLineIndent=0, spaceBefore=5, textColor=ink),
             ParagraphStyle("toc2", fontName=sans, fontSize=10, leading=14, leftIndent=14,
                            firstLineIndent=0, textColor=ink)),
    )


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of plain ``text`` (escaped; every character in a font that has it)."""
    return Paragraph(fonts.markup(text, _family(style), _style(style)), style)


def rich(markup: str, style: ParagraphStyle) -> Paragraph:
    """A paragraph of ReportLab ``markup`` whose text pieces came from :func:`fonts.markup`."""
    return Paragraph(markup, style)


def _family(style: ParagraphStyle) -> Family:
    return Family.SERIF if "Serif" in style.fontName else Family.SANS


def _style(style: ParagraphStyle) -> Style:
    name = style.fontName
    return Style.BOLD if "Bold" in name else Style.ITALIC if (
        "Oblique" in name or "Italic" in name) else Style.REGULAR


class Heading(Paragraph):  # type: ignore[misc]  # ReportLab is untyped
    """A heading that goes into the contents (levels 0 and 1) and the PDF bookmarks."""

    def __init__(self, text: str, style: ParagraphStyle, level: int) -> None:
        super().__init__(fonts.markup(text, _family(style), _style(style)), style)
        self.plain = text
        self.level = level


def heading(text: str, styles: Styles, level: int = 0) -> Heading:
    """A level-0 (chapter), 1 (section) or 2 (minor, not in the contents) heading."""
    return Heading(text, (styles.h1, styles.h2, styles.h3)[level], level)


def bullets(items: Sequence[str], styles: Styles, *, markup: bool = False) -> ListFlowable:
    """A bulleted list; ``markup`` items are ReportLab markup, others plain text."""
    return ListFlowable(
        [ListItem(rich(i, styles.bullet) if markup else para(i, styles.bullet), leftIndent=14,
                  value="•") for i in items],
        bulletType="bullet", start="•", bulletFontName=fonts.font_name(), leftIndent=14,
        bulletColor=colors.HexColor("#555555"))


def table(rows: Sequence[Sequence[str]], styles: Styles, branding: Branding,
          widths: Sequence[float] | None = None) -> Table:
    """A table with a header row in the programme's colour and banded rows."""
    data = [[para(cell, styles.cell_head if r == 0 else styles.cell) for cell in row]
            for r, row in enumerate(rows)]
    result = Table(data, colWidths=list(widths) if widths else None, repeatRows=1,
                   hAlign="LEFT")
    result.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colour(branding.primary)),
        ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, tint(branding.primary, 0.92)]),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 4), ("BOTTOMPADDING", (0, 0), (-1, -1), 4),
        ("LINEBELOW", (0, -1), (-1, -1), 0.5, tint(branding.primary, 0.5)),
    ]))
    return result


def callout(text: str | Sequence[str], styles: Styles, branding: Branding, *,
            markup: bool = False) -> Table:
    """A shaded box for a tip or an important point: plain ``text``, or with ``markup``
    one or more paragraphs of ReportLab markup built from :func:`fonts.markup` pieces."""
    items = [text] if isinstance(text, str) else list(text)
    body = [rich(i, styles.body) if markup else para(i, styles.body) for i in items]
    box = Table([[body]], colWidths=["100%"])
    box.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, -1), tint(branding.accent, 0.82)),
        ("LINEBEFORE", (0, 0), (0, -1), 3, colour(branding.accent)),
        ("LEFTPADDING", (0, 0), (-1, -1), 10), ("RIGHTPADDING", (0, 0), (-1, -1), 10),
        ("TOPPADDING", (0, 0), (-1, -1), 7), ("BOTTOMPADDING", (0, 0), (-1, -1), 3),
    ]))
    box.spaceBefore, box.spaceAfter = 4, 8
    return box


def keep(*flowables: Flowable) -> KeepTogether:
    """Keep ``flowables`` on one page (a heading with its first paragraph).

    A keep inside ``flowables`` is flattened into this one: ReportLab's KeepTogether
    reports an endless height to force its own split, so nested keeps always break a page.
    """
    flat: list[Flowable] = []
    for flowable in flowables:
        if isinstance(flowable, KeepTogether):
            flat.extend(flowable._content)
        else:
            flat.append(flowable)
    return KeepTogether(flat)


def _page_count_canvas(document: _Document) -> type[Canvas]:
    """A canvas that draws every page's furniture once the page count is known."""

    class PageCountCanvas(Canvas):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._saved_pages: list[dict[str, Any]] = []

        def showPage(self) -> None:
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self) -> None:
            total = len(self._saved_pages)
            for state in self._saved_pages:
                self.__dict__.update(state)
                document.draw_furniture(self, total)
                super().showPage()
            super().save()

    return PageCountCanvas


class _Document(BaseDocTemplate):  # type: ignore[misc]
    """Cover, contents and body page templates; headings feed the contents and bookmarks."""

    def __init__(self, buffer: io.BytesIO, *, title: str, subtitle: str, branding: Branding,
                 pagesize: tuple[float, float], cover: bool) -> None:
        super().__init__(buffer, pagesize=pagesize, leftMargin=MARGIN, rightMargin=MARGIN,
                         topMargin=MARGIN + 8 * mm, bottomMargin=MARGIN + 4 * mm,
                         title=title, author=branding.issuer, subject=branding.programme,
                         creator="MentorDesk", initialFontName=fonts.font_name())
        self.doc_title, self.subtitle, self.branding = title, subtitle, branding
        width, height = pagesize
        body = Frame(self.leftMargin, self.bottomMargin, self.width, self.height, id="body")
        # Between the colour band (the top 42%) and the issuer at the foot.
        cover_frame = Frame(MARGIN, 40 * mm, width - 2 * MARGIN, height * 0.58 - 55 * mm,
                            id="cover")
        templates = [PageTemplate("body", [body])]
        if cover:
            templates.insert(0, PageTemplate("cover", [cover_frame], onPage=self._draw_cover))
        self.addPageTemplates(templates)
        self._bookmark = 0
        self._outline_level = -1
        self.cover_pages = 1 if cover else 0

    def beforeDocument(self) -> None:
        self._bookmark = 0  # each pass of multiBuild numbers the headings afresh
        self._outline_level = -1

    def afterFlowable(self, flowable: Flowable) -> None:
        if isinstance(flowable, Heading):
            self._bookmark += 1
            key = f"h{self._bookmark}"
            self.canv.bookmarkPage(key)
            # PDF outlines cannot skip a level: a minor heading straight under a chapter
            # is filed one level down from it.
            level = min(flowable.level, self._outline_level + 1)
            self.canv.addOutlineEntry(flowable.plain, key, level=level, closed=level > 0)
            self._outline_level = level
            if flowable.level <= 1:
                self.notify("TOCEntry", (flowable.level, fonts.markup(flowable.plain),
                                         self.page, key))

    def _draw_cover(self, canvas: Canvas, _doc: BaseDocTemplate) -> None:
        b = self.branding
        width, height = self.pagesize
        band = height * 0.42
        canvas.saveState()
        canvas.setFillColor(colour(b.primary))
        canvas.rect(0, height - band, width, band, stroke=0, fill=1)
        canvas.setFillColor(colour(b.accent))
        canvas.rect(0, height - band - 6, width, 6, stroke=0, fill=1)
        top = height - MARGIN
        if b.logo_png:
            w, h = image(b.logo_png).getSize()
            scale = min(60 * mm / w, 22 * mm / h)
            canvas.setFillColor(colors.white)
            canvas.roundRect(MARGIN - 3 * mm, top - h * scale - 3 * mm, w * scale + 6 * mm,
                             h * scale + 6 * mm, 2 * mm, stroke=0, fill=1)
            draw_logo(canvas, b.logo_png, MARGIN, top, 60 * mm, 22 * mm)
        canvas.setFillColor(colors.white)
        y = height - band + 30 * mm
        room = width - 2 * MARGIN
        size = fonts.fit_size(self.doc_title, room, 30, 16, family=Family.SERIF,
                              style=Style.BOLD)
        fonts.draw_text(canvas, MARGIN, y, shorten(self.doc_title, room, size, Family.SERIF,
                                                   Style.BOLD), size, family=Family.SERIF,
                        style=Style.BOLD)
        if self.subtitle:
            lines = fonts.wrap(self.subtitle, room, 14)
            if len(lines) > 2:
                lines = [lines[0], " ".join(lines[1:])]
            for i, line in enumerate(lines):
                fonts.draw_text(canvas, MARGIN, y - (11 + 6 * i) * mm,
                                shorten(line, room, 14), 14)
        canvas.setFillColor(colors.HexColor("#333333"))
        room = width - 2 * MARGIN - fonts.text_width(long_date(date.today()), 9.5) - 10 * mm
        fonts.draw_text(canvas, MARGIN, 30 * mm, shorten(b.issuer, room, 11, style=Style.BOLD),
                        11, style=Style.BOLD)
        contact = " · ".join(p for p in (b.coordinator_name, b.coordinator_email) if p)
        if contact:
            fonts.draw_text(canvas, MARGIN, 24 * mm, shorten(contact, room, 9.5), 9.5)
        fonts.draw_text(canvas, width - MARGIN, 30 * mm, long_date(date.today()), 9.5,
                        align="right")
        canvas.restoreState()

    def draw_furniture(self, canvas: Canvas, total: int) -> None:
        """Header and footer of a body page, drawn when the page count is known."""
        page = canvas.getPageNumber()
        if page <= self.cover_pages:
            return
        b, (width, height) = self.branding, self.pagesize
        canvas.saveState()
        grey = colors.HexColor("#666666")
        canvas.setFillColor(grey)
        top = height - MARGIN + 2 * mm
        half = (width - 2 * MARGIN) / 2 - 4 * mm
        fonts.draw_text(canvas, MARGIN, top, shorten(self.doc_title, half, 8.5), 8.5)
        fonts.draw_text(canvas, width - MARGIN, top, shorten(b.programme, half, 8.5), 8.5,
                        align="right")
        canvas.setStrokeColor(colour(b.primary))
        canvas.setLineWidth(0.8)
        canvas.line(MARGIN, top - 2.5 * mm, width - MARGIN, top - 2.5 * mm)
        canvas.setStrokeColor(colors.HexColor("#CCCCCC"))
        canvas.setLineWidth(0.4)
        canvas.line(MARGIN, MARGIN + 2 * mm, width - MARGIN, MARGIN + 2 * mm)
        fonts.draw_text(canvas, MARGIN, MARGIN - 3 * mm, shorten(b.issuer, half, 8.5), 8.5)
        fonts.draw_text(canvas, width - MARGIN, MARGIN - 3 * mm, f"Page {page} of {total}", 8.5,
                        align="right")
        canvas.restoreState()


def build_document(story: Sequence[Flowable], *, title: str, branding: Branding,
                   subtitle: str = "", cover: bool = True, contents: bool = True,
                   contents_title: str = "Contents", landscape_pages: bool = False,
                   cover_story: Sequence[Flowable] = (),
                   cancelled: Callable[[], bool] | None = None) -> bytes:
    """Lay out ``story`` as a branded PDF and return its bytes.

    With ``contents`` a contents page follows the cover, listing the headings made with
    :func:`heading` (levels 0 and 1) and their page numbers. ``cover_story`` goes in the
    lower half of the cover (a few lines: who it is for, key facts).
    """
    pagesize = PAPER_SIZES.get(branding.paper, A4)
    if landscape_pages:
        pagesize = landscape(pagesize)
    buffer = io.BytesIO()
    document = _Document(buffer, title=title, subtitle=subtitle, branding=branding,
                         pagesize=pagesize, cover=cover)
    styles = make_styles(branding)
    flowables: list[Flowable] = []
    if cover:
        flowables += [NextPageTemplate("body"), *(cover_story or [Spacer(1, 1)]), PageBreak()]
    if contents:
        toc = TableOfContents(levelStyles=list(styles.toc), dotsMinLevel=0)
        contents_heading = Paragraph(fonts.markup(contents_title, Family.SERIF, Style.BOLD),
                                     styles.h1)
        flowables += [contents_heading, Spacer(1, 4 * mm), toc, PageBreak()]
    flowables += list(story)
    if cancelled is not None and cancelled():
        raise UserError("Cancelled: nothing was written.")
    document.multiBuild(flowables, canvasmaker=_page_count_canvas(document))
    return buffer.getvalue()


def centred(text: str, style: ParagraphStyle) -> Paragraph:
    """A centred paragraph of plain ``text``."""
    return para(text, ParagraphStyle(f"{style.name}-centred", parent=style, alignment=TA_CENTER))
