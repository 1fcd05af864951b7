"""Certificates: who gets one, how they look on each paper, names read back, files written."""

from __future__ import annotations

import io
import re
import subprocess
import unicodedata
from datetime import date
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader
from sqlalchemy import select

from mentordesk.errors import UserError
from mentordesk.models import Award, Pairing, PairingStatus, Participant, Programme
from mentordesk.services import demo
from mentordesk.services.documents import save_pdf, save_pdfs
from mentordesk.services.documents.branding import (
    TEMPLATES,
    BrandingChanges,
    BrandingError,
    load_branding,
    save_branding,
)
from mentordesk.services.documents.certificates import (
    RECOGNISED,
    CertificateRequest,
    certificate_recipients,
    list_awards,
    mark_printed,
    render_certificate_files,
    render_certificates,
)
from mentordesk.services.participants import ParticipantData, add_participants

NAMES = ["Zoë Łukasiewicz", "Nguyễn Thị Minh Khai", "Siobhán Ó Súilleabháin",
         "王秀英", "Дмитрий Шостакович"]
LANDSCAPE = {"A4": (842, 595), "Letter": (792, 612)}


def _png(colour: tuple[int, int, int] = (200, 40, 40), size: tuple[int, int] = (120, 40)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, "PNG")
    return out.getvalue()


def _text(data: bytes, tmp_path: Path) -> str:
    path = tmp_path / "out.pdf"
    path.write_bytes(data)
    text = subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout
    return unicodedata.normalize("NFC", text)


def _qpdf_ok(data: bytes, tmp_path: Path) -> None:
    path = tmp_path / "check.pdf"
    path.write_bytes(data)
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.fixture
def people(db) -> tuple[int, list[int]]:
    """A programme with a logo and signature, and five people with difficult names."""
    with db.Session.begin() as session:
        programme = Programme(name="Grow Together 2027")
        session.add(programme)
        session.flush()
        save_branding(session, programme.id, BrandingChanges(
            organisation="Northwind Traders", logo_png=_png(), signature_png=_png((0, 0, 90)),
            signer_name="Ana Ferreira", signer_title="Chief People Officer"))
        ids = add_participants(session, [
            ParticipantData(full_name=n, email=f"p{i}@example.org", timezone="Europe/London")
            for i, n in enumerate(NAMES)]).ids
        return programme.id, list(ids)


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_every_template_prints_every_name_one_landscape_page_each(
        db, people: tuple[int, list[int]], template: str, paper: str, tmp_path: Path) -> None:
    programme_id, ids = people
    with db.Session() as session:
        data = render_certificates(session, CertificateRequest(
            programme_id, participant_ids=tuple(ids), template=template, paper=paper,
            achievement="For completing the programme", issued_on=date(2027, 6, 30)))
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == len(NAMES)
    for page in reader.pages:
        assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == \
            LANDSCAPE[paper]
    text = _text(data, tmp_path)
    for name in NAMES:
        assert name in text
    assert text.count("30 June 2027") == len(NAMES)
    assert text.count("Ana Ferreira") == len(NAMES)
    assert "Grow Together 2027" in text
    _qpdf_ok(data, tmp_path)


def test_fonts_are_embedded_and_logo_and_signature_drawn(db, people, tmp_path: Path) -> None:
    programme_id, ids = people
    with db.Session() as session:
        data = render_certificates(session, CertificateRequest(programme_id,
                                                               participant_ids=tuple(ids)))
    path = tmp_path / "c.pdf"
    path.write_bytes(data)
    fonts = subprocess.run(["pdffonts", str(path)], check=True, capture_output=True,
                           text=True).stdout.splitlines()[2:]
    assert fonts and all(line.split()[-5] == "yes" for line in fonts)  # emb column
    assert any("NotoSansCJK" in line for line in fonts)  # 王秀英 needed the CJK fallback
    images = subprocess.run(["pdfimages", "-list", "-f", "1", "-l", "1", str(path)],
                            check=True, capture_output=True, text=True).stdout.splitlines()[2:]
    assert len(images) >= 2  # the logo and the signature


def test_names_the_helvetica_of_plain_reportlab_cannot_print(db, people, tmp_path) -> None:
    """The point of the bundled fonts: these glyphs come out, not black boxes or blanks."""
    programme_id, ids = people
    with db.Session() as session:
        data = render_certificates(session, CertificateRequest(programme_id,
                                                               participant_ids=(ids[1], ids[3])))
    text = _text(data, tmp_path)
    assert "Nguyễn Thị Minh Khai" in text and "王秀英" in text


def test_default_recipients_are_the_people_in_current_and_completed_pairs(db) -> None:
    with db.Session.begin() as session:
        demo.load_demo(session)
    with db.Session() as session:
        programme_id = session.scalar(select(Programme.id))
        pairings = session.scalars(select(Pairing).where(Pairing.programme_id == programme_id))
        expected: set[int] = set()
        excluded: set[int] = set()
        for pairing in pairings:
            people = {pairing.mentor_id, *(m.mentee_id for m in pairing.members)} - {None}
            (expected if pairing.status in RECOGNISED else excluded).update(people)
        recipients = certificate_recipients(session, CertificateRequest(programme_id))
        ids = [r.participant_id for r in recipients]
        assert set(ids) == expected and len(ids) == len(set(ids))
        assert [r.name.casefold() for r in recipients] == sorted(r.name.casefold()
                                                                  for r in recipients)
        mentor = next(p.mentor_id for p in session.scalars(select(Pairing)) if
                      p.status == PairingStatus.ACTIVE)
        wording = next(r.achievement for r in recipients if r.participant_id == mentor)
        assert "mentor" in wording


def test_pairs_give_the_mentor_and_the_mentees(db) -> None:
    with db.Session.begin() as session:
        demo.load_demo(session)
    with db.Session() as session:
        pairing = session.scalars(select(Pairing).where(
            Pairing.status == PairingStatus.ACTIVE)).first()
        assert pairing is not None
        recipients = certificate_recipients(session, CertificateRequest(
            pairing.programme_id, pairing_ids=(pairing.id,)))
        assert {r.participant_id for r in recipients} == {
            pairing.mentor_id, *(m.mentee_id for m in pairing.members)}
        with pytest.raises(UserError, match="no pairing 99999"):
            certificate_recipients(session, CertificateRequest(pairing.programme_id,
                                                               pairing_ids=(99999,)))


def test_an_award_prints_its_title_citation_and_date_and_is_marked_printed(
        db, tmp_path: Path) -> None:
    with db.Session.begin() as session:
        demo.load_demo(session)
    with db.Session.begin() as session:
        award = session.scalars(select(Award)).one()
        programme_id = award.programme_id
        person = session.get(Participant, award.participant_id)
        assert person is not None
        summaries = list_awards(session, programme_id)
        assert [(s.id, s.recipient, s.printed) for s in summaries] == [
            (award.id, person.full_name, False)]
        request = CertificateRequest(programme_id, award_id=award.id)
        [recipient] = certificate_recipients(session, request)
        assert recipient.achievement == f"{award.title}: {award.citation}"
        assert recipient.issued_on == award.awarded_on
        text = _text(render_certificates(session, request), tmp_path)
        assert person.full_name in text and award.title in text
        assert mark_printed(session, [recipient]) == 1
    with db.Session() as session:
        assert list_awards(session, programme_id)[0].printed


def test_an_award_whose_recipient_was_erased_is_refused(db) -> None:
    with db.Session.begin() as session:
        demo.load_demo(session)
        award = session.scalars(select(Award)).one()
        award.participant_id = None
    with db.Session() as session:
        award = session.scalars(select(Award)).one()
        with pytest.raises(UserError, match="erased"):
            render_certificates(session, CertificateRequest(award.programme_id,
                                                            award_id=award.id))


def test_one_file_per_person_with_safe_unique_names(db, people, tmp_path: Path) -> None:
    programme_id, ids = people
    with db.Session.begin() as session:
        twin = add_participants(session, [ParticipantData(
            full_name="Zoë Łukasiewicz", email="twin@example.org",
            timezone="Europe/London")]).ids[0]
        slash = add_participants(session, [ParticipantData(
            full_name="Ann/Bee: CON?", email="slash@example.org",
            timezone="Europe/London")]).ids[0]
    with db.Session() as session:
        files = render_certificate_files(session, CertificateRequest(
            programme_id, participant_ids=(*ids, twin, slash)))
    names = [name for name, _ in files]
    assert len(names) == len(NAMES) + 2 == len({n.casefold() for n in names})
    assert "Certificate – Zoë Łukasiewicz.pdf" in names
    assert "Certificate – Zoë Łukasiewicz (2).pdf" in names
    assert "Certificate – Ann_Bee_ CON_.pdf" in names
    written = save_pdfs(tmp_path / "out", files)
    for path in written:
        assert len(PdfReader(path).pages) == 1
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(names)


def test_save_pdf_replaces_atomically_and_owner_only(
        tmp_path: Path, db, people, monkeypatch: pytest.MonkeyPatch) -> None:
    from mentordesk.services import files

    programme_id, ids = people
    folder = tmp_path / "out"
    folder.mkdir()
    target = folder / "certs.pdf"
    target.write_bytes(b"old")
    with db.Session() as session:
        data = render_certificates(session, CertificateRequest(programme_id,
                                                               participant_ids=(ids[0],)))

    def full_disk(path: Path, data: bytes) -> Path:
        raise OSError(28, "No space left on device")

    with monkeypatch.context() as patch:
        patch.setattr(files, "write_temp", full_disk)
        with pytest.raises(UserError, match="No space left on device"):
            save_pdf(target, data)
    assert target.read_bytes() == b"old"  # untouched by the failed save
    save_pdf(target, data)
    assert target.read_bytes() == data
    assert target.stat().st_mode & 0o077 == 0
    assert [p.name for p in folder.iterdir()] == ["certs.pdf"]  # no temporary file left


def test_progress_is_reported_and_cancel_stops_the_batch(db, people) -> None:
    programme_id, ids = people
    seen: list[tuple[int, int]] = []
    with db.Session() as session:
        render_certificates(session, CertificateRequest(programme_id,
                                                        participant_ids=tuple(ids)),
                            progress=lambda done, total: seen.append((done, total)))
        assert seen[-1] == (len(ids), len(ids))
        with pytest.raises(UserError, match="Cancelled"):
            render_certificates(session, CertificateRequest(programme_id,
                                                            participant_ids=tuple(ids)),
                                cancelled=lambda: True)


def test_unknown_template_paper_or_nobody_is_a_clear_error(db, people) -> None:
    programme_id, ids = people
    with db.Session() as session:
        with pytest.raises(UserError, match="no certificate template 'fancy'"):
            render_certificates(session, CertificateRequest(programme_id, participant_ids=(
                ids[0],), template="fancy"))
        with pytest.raises(UserError, match="Paper must be one of A4, Letter"):
            render_certificates(session, CertificateRequest(programme_id, participant_ids=(
                ids[0],), paper="A5"))
        with pytest.raises(UserError, match="Nobody to print"):
            render_certificates(session, CertificateRequest(programme_id))
        with pytest.raises(UserError, match="no participant 99999"):
            certificate_recipients(session, CertificateRequest(programme_id,
                                                               participant_ids=(99999,)))


def test_branding_is_checked_before_anything_is_saved(db, people) -> None:
    programme_id, _ = people
    with db.Session.begin() as session:
        with pytest.raises(BrandingError) as caught:
            save_branding(session, programme_id, BrandingChanges(
                organisation="Contoso", primary="blue", logo_png=b"not an image",
                certificate_template="fancy", paper="A5"))
        assert set(caught.value.errors) == {"primary", "logo_png", "certificate_template",
                                            "paper"}
    with db.Session() as session:
        branding = load_branding(session, programme_id)
        assert branding.organisation == "Northwind Traders"
        assert branding.logo_png is not None
    with db.Session.begin() as session:
        saved = save_branding(session, programme_id, BrandingChanges(
            organisation="  Contoso   Ltd ", primary="#112233", logo_png=b"",
            certificate_template="elegant", paper="Letter"))
        assert (saved.organisation, saved.primary, saved.logo_png, saved.certificate_template,
                saved.paper) == ("Contoso Ltd", "#112233", None, "elegant", "Letter")
        assert saved.signature_png is not None  # untouched


LONG_NAMES = ["Muhammad Abdullah bin Abdul Rahman Al-Khalidi Al-Hashimi",
              "Maria de los Ángeles Fernández de Córdoba y Figueroa-Montenegro Saavedra Ruiz",
              ("Wolfeschlegelsteinhausenbergerdorff " * 6).strip()[:200]]


@pytest.mark.parametrize("template", TEMPLATES)
@pytest.mark.parametrize("paper", ["A4", "Letter"])
def test_long_names_stay_on_the_page_in_two_lines_at_most(
        db, people: tuple[int, list[int]], template: str, paper: str, tmp_path: Path) -> None:
    programme_id, _ = people
    with db.Session.begin() as session:
        ids = add_participants(session, [
            ParticipantData(full_name=n, email=f"long{i}@example.org", timezone="UTC")
            for i, n in enumerate(LONG_NAMES)]).ids
    with db.Session() as session:
        data = render_certificates(session, CertificateRequest(
            programme_id, participant_ids=tuple(ids), template=template, paper=paper))
    path = tmp_path / "long.pdf"
    path.write_bytes(data)
    width = LANDSCAPE[paper][0]
    boxes = subprocess.run(["pdftotext", "-bbox", str(path), "-"], check=True,
                           capture_output=True, text=True).stdout
    words = [(float(x0), float(x1)) for x0, x1 in
             re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)"', boxes)]
    assert words and all(x0 >= 28 and x1 <= width - 28 for x0, x1 in words)  # inside borders
    text = _text(data, tmp_path)
    assert LONG_NAMES[0].split()[-1] in text and "Montenegro" in text
    assert "…" in text  # the 200-character name was cut, not drawn off the page
