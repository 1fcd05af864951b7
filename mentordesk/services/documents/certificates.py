"""Recognition certificates in batches: one landscape page per person, in three templates.

Recipients come from an award, chosen pairs (mentor and mentees), chosen people, or by
default everyone in the programme's current and completed pairs. Each template draws what
every certificate shares (border, logo, headings, signature) once as a PDF form XObject and
only the person's name, achievement and date on each page, so a batch of a thousand stays
small and quick. Names go through :mod:`fonts`, so every script prints.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime

from reportlab.lib import colors
from reportlab.lib.pagesizes import landscape
from reportlab.pdfgen.canvas import Canvas
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from mentordesk.errors import UserError
from mentordesk.models import Award, Pairing, PairingMember, Participant, Programme
from mentordesk.models.enums import PairingStatus
from mentordesk.services.documents import fonts
from mentordesk.services.documents.branding import TEMPLATES, load_branding
from mentordesk.services.documents.fonts import Family, Style
from mentordesk.services.documents.layout import (
    PAPER_SIZES,
    Branding,
    colour,
    draw_logo,
    image,
    shorten,
    tint,
)
from mentordesk.services.documents.wording import long_date
from mentordesk.services.files import safe_file_name, unique_name

Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]

# Pairs whose people are recognised by default: under way, agreed, or seen through.
RECOGNISED = (PairingStatus.ACTIVE, PairingStatus.ACCEPTED, PairingStatus.COMPLETED)
_INK = colors.HexColor("#222222")
_GREY = colors.HexColor("#666666")


@dataclass(frozen=True)
class CertificateRequest:
    """Who gets a certificate and how it looks; empty choices mean the programme's pairs."""

    programme_id: int
    participant_ids: tuple[int, ...] = ()
    pairing_ids: tuple[int, ...] = ()
    award_id: int | None = None
    template: str | None = None  # None: the programme's template
    paper: str | None = None  # None: the programme's paper
    achievement: str = ""  # empty: worded from the person's role or the award
    issued_on: date | None = None  # None: the award's date, or today


@dataclass(frozen=True)
class Recipient:
    """One certificate: the person's name as printed, what it is for, and its date."""

    participant_id: int | None
    name: str
    email: str
    achievement: str
    issued_on: date
    award_id: int | None = None


@dataclass(frozen=True)
class AwardSummary:
    """An award that can be printed as a certificate."""

    id: int
    title: str
    recipient: str
    awarded_on: date
    printed: bool


def list_awards(session: Session, programme_id: int) -> list[AwardSummary]:
    """The programme's awards, newest first (``recipient`` empty once a person was erased)."""
    rows = session.execute(
        select(Award, Participant.full_name)
        .outerjoin(Participant, Participant.id == Award.participant_id)
        .where(Award.programme_id == programme_id)
        .order_by(Award.awarded_on.desc(), Award.id.desc()))
    return [AwardSummary(a.id, a.title, name or "", a.awarded_on,
                         a.certificate_printed_at is not None) for a, name in rows]


def _role_wording(roles: set[str]) -> str:
    if roles == {"mentor"}:
        return "For generously sharing their experience as a mentor"
    if roles == {"mentee"}:
        return "For completing the programme as a mentee"
    if roles:
        return "For mentoring others and being mentored"
    return "For taking part in the mentoring programme"


def _roles(session: Session, programme_id: int,
           people: Iterable[int]) -> dict[int, set[str]]:
    ids = set(people)
    roles: dict[int, set[str]] = {pid: set() for pid in ids}
    pairs = select(Pairing.id).where(Pairing.programme_id == programme_id,
                                     Pairing.status.in_(RECOGNISED))
    for (mentor_id,) in session.execute(select(Pairing.mentor_id).where(
            Pairing.id.in_(pairs), Pairing.mentor_id.in_(ids))):
        if mentor_id is not None:
            roles[mentor_id].add("mentor")
    for (mentee_id,) in session.execute(select(PairingMember.mentee_id).where(
            PairingMember.pairing_id.in_(pairs), PairingMember.mentee_id.in_(ids))):
        if mentee_id is not None:
            roles[mentee_id].add("mentee")
    return roles


def certificate_recipients(session: Session, request: CertificateRequest) -> list[Recipient]:
    """Everyone ``request`` asks for, once each, sorted by name.

    Raises:
        UserError: the programme, an award, pair or person does not exist, or the award's
            recipient was erased.
    """
    if session.get(Programme, request.programme_id) is None:
        raise UserError(f"There is no programme {request.programme_id}.")
    today = request.issued_on or date.today()
    if request.award_id is not None:
        award = session.get(Award, request.award_id)
        if award is None or award.programme_id != request.programme_id:
            raise UserError(f"There is no award {request.award_id} in this programme.")
        person = session.get(Participant, award.participant_id) if award.participant_id else None
        if person is None:
            raise UserError(f"The recipient of award {award.id} was erased.")
        wording = request.achievement or (
            f"{award.title}: {award.citation}" if award.citation else award.title)
        return [Recipient(person.id, person.full_name, person.email, wording,
                          request.issued_on or award.awarded_on, award.id)]
    ids: list[int] = list(request.participant_ids)
    if request.pairing_ids:
        found = session.scalars(select(Pairing).where(
            Pairing.id.in_(request.pairing_ids),
            Pairing.programme_id == request.programme_id)).all()
        missing = set(request.pairing_ids) - {p.id for p in found}
        if missing:
            raise UserError(f"There is no pairing {min(missing)} in this programme.")
        for pairing in found:
            ids += [pid for pid in (pairing.mentor_id, *(m.mentee_id for m in pairing.members))
                    if pid is not None]
    if not request.participant_ids and not request.pairing_ids:
        pairs = select(Pairing.id).where(Pairing.programme_id == request.programme_id,
                                         Pairing.status.in_(RECOGNISED))
        ids = list(session.scalars(select(Participant.id).where(or_(
            Participant.id.in_(select(Pairing.mentor_id).where(Pairing.id.in_(pairs))),
            Participant.id.in_(select(PairingMember.mentee_id).where(
                PairingMember.pairing_id.in_(pairs)))))))
    people = {p.id: p for p in session.scalars(
        select(Participant).where(Participant.id.in_(set(ids))))}
    missing_people = set(request.participant_ids) - set(people)
    if missing_people:
        raise UserError(f"There is no participant {min(missing_people)}.")
    roles = _roles(session, request.programme_id, people)
    result = [Recipient(p.id, p.full_name, p.email,
                        request.achievement or _role_wording(roles[p.id]), today)
              for p in people.values()]
    return sorted(result, key=lambda r: (r.name.casefold(), r.participant_id or 0))


def find_participants(session: Session, emails: Sequence[str]) -> tuple[int, ...]:
    """The ids of the people with ``emails`` (any case), in order.

    Raises:
        UserError: nobody has one of the addresses.
    """
    ids = []
    for email in emails:
        pid = session.scalar(select(Participant.id).where(
            func.lower(Participant.email) == email.strip().lower()))
        if pid is None:
            raise UserError(f"Nobody has the email address {email.strip()}.")
        ids.append(pid)
    return tuple(ids)


# --------------------------------------------------------------------------- drawing


@dataclass(frozen=True)
class _Page:
    width: float
    height: float
    branding: Branding

    @property
    def cx(self) -> float:
        return self.width / 2


def _spaced(text: str) -> str:
    """Letter-spaced capitals for a small label (two hair spaces between letters)."""
    return "\u200a\u200a".join(text.upper()).replace("\u200a\u200a \u200a\u200a", "   ")


def _draw_logo(canvas: Canvas, branding: Branding, x: float, top: float, max_w: float,
               max_h: float) -> float:
    """Draw the logo centred on ``x`` inside ``max_w`` × ``max_h``; returns its height."""
    return draw_logo(canvas, branding.logo_png, x, top, max_w, max_h, centre=True)[1]


def _signature_block(canvas: Canvas, page: _Page, x: float, y: float, width: float, *,
                     family: Family) -> None:
    """Signature image over a rule at ``y``, the signer's name and title under it."""
    b = page.branding
    if b.signature_png:
        sig = image(b.signature_png)
        w, h = sig.getSize()
        scale = min(width * 0.8 / w, 46 / h)
        canvas.drawImage(sig, x - w * scale / 2, y + 2, w * scale, h * scale, mask="auto")
    canvas.setStrokeColor(_GREY)
    canvas.setLineWidth(0.6)
    canvas.line(x - width / 2, y, x + width / 2, y)
    canvas.setFillColor(_INK)
    name = b.signer_name or b.coordinator_name
    if name:
        size = fonts.fit_size(name, width, 10.5, 7, family=family, style=Style.BOLD)
        fonts.draw_text(canvas, x, y - 14, name, size, family=family, style=Style.BOLD,
                        align="centre")
    canvas.setFillColor(_GREY)
    title = b.signer_title or ("Programme coordinator" if name else "Signature")
    fonts.draw_text(canvas, x, y - 26, title, 8.5, family=family, align="centre")


def _date_rule(canvas: Canvas, x: float, y: float, width: float, family: Family) -> None:
    canvas.setStrokeColor(_GREY)
    canvas.setLineWidth(0.6)
    canvas.line(x - width / 2, y, x + width / 2, y)
    canvas.setFillColor(_GREY)
    fonts.draw_text(canvas, x, y - 14, "Date", 8.5, family=family, align="centre")


def name_lines(name: str, width: float, size: float, *,
               family: Family) -> tuple[list[str], float]:
    """How to set a recipient's name in ``width``: one line shrunk to as little as 60% of
    ``size``, else two lines, else two lines with the rest cut short with an ellipsis."""
    one = fonts.fit_size(name, width, size, size * 0.6, family=family, style=Style.BOLD)
    if fonts.text_width(name, one, family, Style.BOLD) <= width:
        return [name], one
    smallest = 12.0
    two = size * 0.6
    while two >= smallest:
        lines = fonts.wrap(name, width, two, family=family, style=Style.BOLD)
        if len(lines) <= 2 and all(fonts.text_width(line, two, family, Style.BOLD) <= width
                                   for line in lines):
            return lines, two
        two -= 1
    lines = fonts.wrap(name, width, smallest, family=family, style=Style.BOLD)
    first, rest = lines[0], " ".join(lines[1:])
    return [shorten(part, width, smallest, family, Style.BOLD) for part in (first, rest)
            if part], smallest


def _draw_name(canvas: Canvas, name: str, x: float, baseline: float, width: float,
               size: float, *, family: Family, align: str) -> None:
    """The name on ``baseline`` (a second line, when needed, sits on it, the first above)."""
    lines, fitted = name_lines(name, width, size, family=family)
    for i, line in enumerate(lines):
        y = baseline + (len(lines) - 1 - i) * fitted * 1.15
        fonts.draw_text(canvas, x, y, line, fitted, family=family, style=Style.BOLD,
                        align=align)


def _centred_lines(canvas: Canvas, text: str, x: float, top: float, width: float, size: float,
                   *, family: Family, style: Style = Style.REGULAR, max_lines: int = 3,
                   align: str = "centre") -> None:
    """``text`` wrapped to ``width``, shrunk until it fits ``max_lines`` lines."""
    while True:
        lines = fonts.wrap(text, width, size, family=family, style=style)
        if len(lines) <= max_lines or size <= 8:
            break
        size -= 0.5
    for i, line in enumerate(lines[:max_lines]):
        fonts.draw_text(canvas, x, top - i * size * 1.35, line, size, family=family,
                        style=style, align=align)


class _Template:
    """A certificate design: a static background and where the person's details go."""

    family = Family.SERIF

    def background(self, canvas: Canvas, page: _Page) -> None:
        raise NotImplementedError

    def person(self, canvas: Canvas, page: _Page, recipient: Recipient) -> None:
        raise NotImplementedError


class _Classic(_Template):
    """Double border in the programme's colours, serif type, everything centred."""

    def background(self, canvas: Canvas, page: _Page) -> None:
        b, w, h = page.branding, page.width, page.height
        canvas.setFillColor(colors.HexColor("#FFFDF8"))
        canvas.rect(0, 0, w, h, stroke=0, fill=1)
        canvas.setStrokeColor(colour(b.primary))
        canvas.setLineWidth(4)
        canvas.rect(20, 20, w - 40, h - 40)
        canvas.setStrokeColor(colour(b.accent))
        canvas.setLineWidth(1)
        canvas.rect(30, 30, w - 60, h - 60)
        canvas.setFillColor(colour(b.accent))
        for x, y in ((30, 30), (w - 30, 30), (30, h - 30), (w - 30, h - 30)):
            path = canvas.beginPath()
            path.moveTo(x, y - 7)
            path.lineTo(x + 7, y)
            path.lineTo(x, y + 7)
            path.lineTo(x - 7, y)
            path.close()
            canvas.drawPath(path, stroke=0, fill=1)
        logo_h = _draw_logo(canvas, b, page.cx, h - 52, 120, 44)
        top = h - 60 - logo_h - (14 if logo_h else 10)
        canvas.setFillColor(colour(b.primary))
        fonts.draw_text(canvas, page.cx, top - 26, "Certificate of Achievement", 34,
                        family=Family.SERIF, style=Style.BOLD, align="centre")
        canvas.setFillColor(_GREY)
        fonts.draw_text(canvas, page.cx, top - 56, _spaced("Presented to"), 10.5,
                        align="centre")
        canvas.setStrokeColor(colour(b.accent))
        canvas.setLineWidth(1.2)
        canvas.line(page.cx - 150, h * 0.51, page.cx + 150, h * 0.51)
        canvas.setFillColor(colour(b.primary))
        line = " · ".join(p for p in (b.programme, b.organisation) if p)
        size = fonts.fit_size(line, w - 200, 13, 8, family=Family.SERIF, style=Style.ITALIC)
        fonts.draw_text(canvas, page.cx, h * 0.30, line, size, family=Family.SERIF,
                        style=Style.ITALIC, align="centre")
        _signature_block(canvas, page, w * 0.72, 92, 170, family=Family.SERIF)
        _date_rule(canvas, w * 0.28, 92, 150, Family.SERIF)

    def person(self, canvas: Canvas, page: _Page, recipient: Recipient) -> None:
        w, h = page.width, page.height
        canvas.setFillColor(_INK)
        _draw_name(canvas, recipient.name, page.cx, h * 0.51 + 12, w - 200, 40,
                   family=Family.SERIF, align="centre")
        canvas.setFillColor(colors.HexColor("#333333"))
        _centred_lines(canvas, recipient.achievement, page.cx, h * 0.51 - 30, w - 260, 14,
                       family=Family.SERIF, max_lines=3)
        fonts.draw_text(canvas, w * 0.28, 98, long_date(recipient.issued_on), 11.5,
                        family=Family.SERIF, align="centre")


class _Modern(_Template):
    """A colour band on the left with the logo and title; clean sans-serif type."""

    family = Family.SANS

    def background(self, canvas: Canvas, page: _Page) -> None:
        b, w, h = page.branding, page.width, page.height
        band = w * 0.3
        canvas.setFillColor(colour(b.primary))
        canvas.rect(0, 0, band, h, stroke=0, fill=1)
        canvas.setFillColor(colour(b.accent))
        canvas.rect(band, 0, 7, h, stroke=0, fill=1)
        canvas.setFillColor(tint(b.primary, 0.85))
        for i in range(5):  # a quiet pattern of rings at the foot of the band
            canvas.setStrokeColor(tint(b.primary, 0.25 + i * 0.08))
            canvas.setLineWidth(1)
            canvas.circle(band * 0.15, 40, 60 + i * 26, stroke=1, fill=0)
        canvas.setFillColor(colour(b.primary))
        canvas.rect(0, 0, band, 6, stroke=0, fill=1)
        if b.logo_png:
            canvas.setFillColor(colors.white)
            canvas.roundRect(36, h - 112, band - 72, 72, 6, stroke=0, fill=1)
            _draw_logo(canvas, b, band / 2, h - 50, band - 96, 52)
        canvas.setFillColor(colors.white)
        fonts.draw_text(canvas, 40, h * 0.58, "Certificate", 30, style=Style.BOLD)
        fonts.draw_text(canvas, 40, h * 0.58 - 26, "of achievement", 16)
        canvas.setFillColor(colour(b.accent))
        canvas.rect(40, h * 0.58 - 46, 46, 4, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        top = h * 0.30
        for i, line in enumerate(fonts.wrap(b.programme, band - 80, 12, style=Style.BOLD)[:3]):
            fonts.draw_text(canvas, 40, top - i * 16, line, 12, style=Style.BOLD)
        if b.organisation:
            for i, line in enumerate(fonts.wrap(b.organisation, band - 80, 10)[:2]):
                fonts.draw_text(canvas, 40, top - 56 - i * 13, line, 10)
        left = band + 60
        canvas.setFillColor(_GREY)
        fonts.draw_text(canvas, left, h * 0.54 + 50, _spaced("Presented to"), 10.5)
        canvas.setFillColor(colour(b.accent))
        canvas.rect(left, h * 0.47, 60, 4, stroke=0, fill=1)
        _signature_block(canvas, page, w - 60 - 90, 92, 180, family=Family.SANS)
        _date_rule(canvas, left + 75, 92, 150, Family.SANS)

    def person(self, canvas: Canvas, page: _Page, recipient: Recipient) -> None:
        b, w, h = page.branding, page.width, page.height
        left = w * 0.3 + 60
        width = w - left - 60
        canvas.setFillColor(colour(b.primary))
        _draw_name(canvas, recipient.name, left, h * 0.54, width, 38, family=Family.SANS,
                   align="left")
        canvas.setFillColor(colors.HexColor("#333333"))
        _centred_lines(canvas, recipient.achievement, left, h * 0.47 - 30, width, 14,
                       family=Family.SANS, max_lines=4, align="left")
        fonts.draw_text(canvas, left + 75, 98, long_date(recipient.issued_on), 11.5,
                        align="centre")


class _Elegant(_Template):
    """A tinted page with a fine double frame, corner flourishes and a seal."""

    def background(self, canvas: Canvas, page: _Page) -> None:
        b, w, h = page.branding, page.width, page.height
        canvas.setFillColor(tint(b.primary, 0.93))
        canvas.rect(0, 0, w, h, stroke=0, fill=1)
        canvas.setFillColor(colors.white)
        canvas.rect(28, 28, w - 56, h - 56, stroke=0, fill=1)
        canvas.setStrokeColor(colour(b.accent))
        canvas.setLineWidth(1.4)
        canvas.rect(38, 38, w - 76, h - 76)
        canvas.setLineWidth(0.5)
        canvas.rect(44, 44, w - 88, h - 88)
        canvas.setStrokeColor(tint(b.accent, 0.3))
        for x, y, start in ((44, 44, 0), (w - 44, 44, 90), (w - 44, h - 44, 180),
                            (44, h - 44, 270)):
            for r in (18, 26, 34):
                canvas.arc(x - r, y - r, x + r, y + r, startAng=start, extent=90)
        logo_h = _draw_logo(canvas, b, page.cx, h - 62, 110, 38)
        top = h - 66 - logo_h - (10 if logo_h else 4)
        canvas.setFillColor(colour(b.primary))
        fonts.draw_text(canvas, page.cx, top - 36, "Certificate", 44, family=Family.SERIF,
                        style=Style.ITALIC, align="centre")
        canvas.setFillColor(colour(b.accent))
        fonts.draw_text(canvas, page.cx, top - 56, _spaced("of recognition"), 10.5,
                        align="centre", style=Style.BOLD)
        canvas.setFillColor(_GREY)
        fonts.draw_text(canvas, page.cx, h * 0.58, "This is to certify that", 13,
                        family=Family.SERIF, style=Style.ITALIC, align="centre")
        canvas.setFillColor(colour(b.primary))
        line = " · ".join(p for p in (b.programme, b.organisation) if p)
        size = fonts.fit_size(line, w - 240, 12.5, 8, family=Family.SERIF, style=Style.ITALIC)
        fonts.draw_text(canvas, page.cx, h * 0.30, line, size, family=Family.SERIF,
                        style=Style.ITALIC, align="centre")
        self._seal(canvas, page, page.cx, 100)
        _signature_block(canvas, page, w * 0.74, 88, 170, family=Family.SERIF)
        _date_rule(canvas, w * 0.26, 88, 150, Family.SERIF)

    @staticmethod
    def _seal(canvas: Canvas, page: _Page, x: float, y: float) -> None:
        b = page.branding
        canvas.setFillColor(colour(b.primary))
        for dx in (-12, 12):  # ribbon tails
            path = canvas.beginPath()
            path.moveTo(x + dx - 9, y - 10)
            path.lineTo(x + dx + 9, y - 10)
            path.lineTo(x + dx + 9, y - 52)
            path.lineTo(x + dx, y - 44)
            path.lineTo(x + dx - 9, y - 52)
            path.close()
            canvas.drawPath(path, stroke=0, fill=1)
        canvas.setFillColor(colour(b.accent))
        path = canvas.beginPath()
        points = 24
        for i in range(points * 2):  # a scalloped rosette
            r = 34 if i % 2 == 0 else 30
            a = math.pi * i / points
            px, py = x + r * math.cos(a), y + r * math.sin(a)
            if i == 0:
                path.moveTo(px, py)
            else:
                path.lineTo(px, py)
        path.close()
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.setStrokeColor(colors.white)
        canvas.setLineWidth(1)
        canvas.circle(x, y, 24, stroke=1, fill=0)
        canvas.setFillColor(colors.white)
        initials = "".join(word[0] for word in b.programme.split() if word[:1].isalpha())[:3]
        fonts.draw_text(canvas, x, y - 6, initials.upper() or "★", 16, family=Family.SERIF,
                        style=Style.BOLD, align="centre")

    def person(self, canvas: Canvas, page: _Page, recipient: Recipient) -> None:
        w, h = page.width, page.height
        canvas.setFillColor(_INK)
        _draw_name(canvas, recipient.name, page.cx, h * 0.48, w - 240, 38,
                   family=Family.SERIF, align="centre")
        canvas.setFillColor(colors.HexColor("#333333"))
        _centred_lines(canvas, recipient.achievement, page.cx, h * 0.48 - 32, w - 300, 13.5,
                       family=Family.SERIF, max_lines=3)
        fonts.draw_text(canvas, w * 0.26, 94, long_date(recipient.issued_on), 11.5,
                        family=Family.SERIF, align="centre")


_TEMPLATES: dict[str, _Template] = {"classic": _Classic(), "modern": _Modern(),
                                    "elegant": _Elegant()}
assert set(_TEMPLATES) == set(TEMPLATES)


def draw_certificates(canvas: Canvas, pagesize: tuple[float, float],
                      recipients: Sequence[Recipient], branding: Branding, *,
                      progress: Progress | None = None,
                      cancelled: Cancelled | None = None) -> None:
    """Draw one page per recipient on ``canvas`` (of ``pagesize``) in ``branding``'s template."""
    template = _TEMPLATES[branding.certificate_template]
    page = _Page(*pagesize, branding)
    canvas.beginForm("background")
    template.background(canvas, page)
    canvas.endForm()
    total = len(recipients)
    for i, recipient in enumerate(recipients):
        if cancelled is not None and cancelled():
            raise UserError("Cancelled: no certificates were written.")
        canvas.doForm("background")
        template.person(canvas, page, recipient)
        canvas.showPage()
        if progress is not None and (i % 25 == 24 or i == total - 1):
            progress(i + 1, total)


def _pdf(recipients: Sequence[Recipient], branding: Branding, title: str, *,
         progress: Progress | None = None, cancelled: Cancelled | None = None) -> bytes:
    buffer = io.BytesIO()
    pagesize = landscape(PAPER_SIZES[branding.paper])
    # The initial font is ours: a canvas starts with Helvetica, which is not embedded.
    canvas = Canvas(buffer, pagesize=pagesize, pageCompression=1,
                    initialFontName=fonts.font_name())
    canvas.setTitle(title)
    canvas.setAuthor(branding.issuer)
    canvas.setSubject(branding.programme)
    canvas.setCreator("MentorDesk")
    draw_certificates(canvas, pagesize, recipients, branding, progress=progress,
                      cancelled=cancelled)
    canvas.save()
    return buffer.getvalue()


def _branding_for(session: Session, request: CertificateRequest) -> Branding:
    branding = load_branding(session, request.programme_id)
    template = request.template or branding.certificate_template
    if template not in _TEMPLATES:
        raise UserError(f"There is no certificate template '{template}'; the templates are "
                        f"{', '.join(TEMPLATES)}.")
    paper = request.paper or branding.paper
    if paper not in PAPER_SIZES:
        raise UserError(f"Paper must be one of {', '.join(PAPER_SIZES)}, not '{paper}'.")
    return replace(branding, certificate_template=template, paper=paper)


def _recipients_or_fail(session: Session, request: CertificateRequest) -> list[Recipient]:
    recipients = certificate_recipients(session, request)
    if not recipients:
        if request.pairing_ids:
            raise UserError("Nobody to print a certificate for: everyone in the chosen pairs "
                            "was erased.")
        raise UserError("Nobody to print a certificate for: the programme has no current or "
                        "completed pairs yet. Choose people, pairs or an award.")
    return recipients


def render_certificates(session: Session, request: CertificateRequest, *,
                        progress: Progress | None = None,
                        cancelled: Cancelled | None = None) -> bytes:
    """One PDF with a certificate page for each recipient of ``request``."""
    branding = _branding_for(session, request)
    recipients = _recipients_or_fail(session, request)
    return _pdf(recipients, branding, f"Certificates – {branding.programme}",
                progress=progress, cancelled=cancelled)


def file_names(recipients: Sequence[Recipient]) -> list[str]:
    """The file of each recipient's certificate, in order: "Certificate – <name>.pdf",
    safe on every system and unique in its folder (known before any file is made)."""
    taken: set[str] = set()
    return [unique_name(safe_file_name(f"Certificate – {r.name}", ".pdf", "Certificate"),
                        taken) for r in recipients]


def name_family(template: str) -> Family:
    """The type family a template sets names in."""
    return _TEMPLATES[template].family


def unprintable(recipients: Iterable[Recipient], template: str) -> list[Recipient]:
    """The recipients whose names have characters no bundled font has in ``template``'s
    type family: those characters print as a replacement mark."""
    family = name_family(template)
    return [r for r in recipients if fonts.missing_glyphs(r.name, family, Style.BOLD)]


def render_certificate_files(session: Session, request: CertificateRequest, *,
                             progress: Progress | None = None,
                             cancelled: Cancelled | None = None) -> list[tuple[str, bytes]]:
    """A separate PDF per recipient, each with a file name safe on every system."""
    branding = _branding_for(session, request)
    recipients = _recipients_or_fail(session, request)
    files = []
    for i, (recipient, name) in enumerate(zip(recipients, file_names(recipients), strict=True)):
        if cancelled is not None and cancelled():
            raise UserError("Cancelled: no certificates were written.")
        files.append((name, _pdf([recipient], branding, f"Certificate – {recipient.name}")))
        if progress is not None:
            progress(i + 1, len(recipients))
    return files


def mark_printed(session: Session, recipients: Iterable[Recipient]) -> int:
    """Note on each award among ``recipients`` that its certificate was produced."""
    ids = {r.award_id for r in recipients if r.award_id is not None}
    now = datetime.now(UTC)
    for award in session.scalars(select(Award).where(Award.id.in_(ids))):
        award.certificate_printed_at = now
    return len(ids)
