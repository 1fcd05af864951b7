"""``mentordesk certificates|awards|branding|handbook|handbook-text|proposal|forms``."""

from __future__ import annotations

import io
import os
import subprocess
from pathlib import Path

import pytest
from PIL import Image
from pypdf import PdfReader, PdfWriter

from tests.unit.cli_runner import Runner


@pytest.fixture
def run(db_path: Path, capsys: pytest.CaptureFixture[str]) -> Runner:
    runner = Runner(db_path, capsys)
    code, _, err = runner("demo")
    assert code == 0, err
    return runner


def _text(path: Path) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", str(path), "-"], check=True,
                          capture_output=True, text=True).stdout


def test_certificates_for_the_programme_an_award_people_and_pairs(
        run: Runner, tmp_path: Path) -> None:
    out = tmp_path / "all.pdf"
    result = run.json("certificates", str(out))
    names = result["certificates"]
    assert len(PdfReader(out).pages) == len(names) > 0
    assert all(name in _text(out) for name in names)
    assert os.stat(out).st_mode & 0o077 == 0

    awards = run.json("awards", "list")
    assert len(awards) == 1 and not awards[0]["printed"]
    code, printed, _ = run("certificates", str(tmp_path / "award.pdf"), "--award",
                           str(awards[0]["id"]), "--template", "elegant", "--paper", "Letter")
    assert code == 0 and "Wrote 1 certificate to" in printed
    page = PdfReader(tmp_path / "award.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (792, 612)
    assert awards[0]["title"] in _text(tmp_path / "award.pdf")
    assert run.json("awards", "list")[0]["printed"]

    pairs = run.json("pair", "list", "--status", "active")["pairings"][:2]
    split = run.json("certificates", str(tmp_path / "split"), "--split", "--pairs",
                     *(str(p["id"]) for p in pairs), "--achievement",
                     "For two years of mentoring", "--date", "2027-06-30")
    files = sorted((tmp_path / "split").iterdir())
    assert sorted(split["files"]) == [str(f) for f in files]
    people = {p["mentor"]["name"] for p in pairs} | {
        m["name"] for p in pairs for m in p["mentees"]}
    assert len(files) == len(people) == len(split["certificates"])
    for file in files:
        text = _text(file)
        assert "For two years of mentoring" in text and "30 June 2027" in text
        assert file.name.startswith("Certificate – ") and file.name[14:-4] in people


def test_a_name_no_font_can_print_is_warned_about(run: Runner, tmp_path: Path) -> None:
    code, _, err = run("participants", "add", "--name", "Ann \U00013000", "--email",
                       "glyph@example.org", "--role", "mentee")
    assert code == 0, err
    code, out, err = run("certificates", str(tmp_path / "c.pdf"), "--participants",
                         "glyph@example.org")
    assert code == 0 and "Wrote 1 certificate" in out
    assert "Warning: 1 name has characters no bundled font can print" in err
    assert "Ann \ufffd" in _text(tmp_path / "c.pdf")


def test_certificates_errors_are_one_line_and_write_nothing(run: Runner, tmp_path: Path) -> None:
    out = tmp_path / "x.pdf"
    code, _, err = run("certificates", str(out), "--participants", "nobody@example.org")
    assert code == 1 and err.strip() == ("mentordesk: error: Nobody has the email address "
                                         "nobody@example.org.")
    code, _, err = run("certificates", str(out), "--award", "999")
    assert code == 1 and "no award 999" in err
    code, _, err = run("certificates", str(out), "--date", "30/06/2027")
    assert code == 1 and "not a date like 2027-06-30" in err
    assert not out.exists()
    code, _, err = run("certificates", str(out), "--template", "fancy")
    assert code == 2  # argparse: not one of the templates


def test_branding_set_and_show(run: Runner, tmp_path: Path) -> None:
    logo = tmp_path / "logo.png"
    image = Image.new("RGB", (200, 80), (10, 120, 60))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    logo.write_bytes(buffer.getvalue())
    code, _, err = run("branding", "set", "--organisation", "Contoso", "--primary", "#123456",
                       "--logo", str(logo), "--signature", "none", "--template", "modern",
                       "--paper", "Letter", "--signer-name", "Zoë Łukasiewicz")
    assert code == 0, err
    shown = run.json("branding", "show")
    assert shown == {"organisation": "Contoso", "primary": "#123456", "accent": "#F2A541",
                     "logo": True, "signature": False, "signer_name": "Zoë Łukasiewicz",
                     "signer_title": "Head of People Development", "template": "modern",
                     "paper": "Letter"}
    run("certificates", str(tmp_path / "c.pdf"))
    page = PdfReader(tmp_path / "c.pdf").pages[0]
    assert round(float(page.mediabox.width)) == 792  # the programme's paper now
    assert "Zoë Łukasiewicz" in _text(tmp_path / "c.pdf")
    bad = tmp_path / "bad.png"
    bad.write_text("not an image")
    code, _, err = run("branding", "set", "--logo", str(bad), "--primary", "blue")
    assert code == 1 and "Primary colour 'blue' is not a colour" in err
    assert "Logo is not a readable PNG or JPEG image." in err
    assert run.json("branding", "show")["primary"] == "#123456"  # nothing saved


def test_handbooks_personalised_and_their_wording_changed_and_reset(
        run: Runner, tmp_path: Path) -> None:
    pairing = run.json("pair", "list", "--status", "active")["pairings"][0]
    mentee = pairing["mentees"][0]
    code, out, err = run("handbook", "mentee", str(tmp_path / "h.pdf"), "--for", mentee["email"])
    assert code == 0, err
    text = _text(tmp_path / "h.pdf")
    assert "Mentee handbook" in text and mentee["name"] in text
    assert pairing["mentor"]["name"] in text  # the reader's mentor
    sections = run.json("handbook-text", "mentor")
    keys = [s["key"] for s in sections]
    assert "active-listening" in keys and not any(s["customised"] for s in sections)
    wording = tmp_path / "wording.txt"
    wording.write_text("Listen for what is not said, Zoë.\n", encoding="utf-8")
    code, out, _ = run("handbook-text", "mentor", "active-listening", "--set", str(wording))
    assert code == 0 and "now uses your wording" in out
    run("handbook", "mentor", str(tmp_path / "m.pdf"))
    assert "Listen for what is not said, Zoë." in _text(tmp_path / "m.pdf")
    code, out, _ = run("handbook-text", "mentor", "active-listening", "--reset")
    assert "the default wording" in out
    run("handbook", "mentor", str(tmp_path / "m2.pdf"))
    assert "Listen for what is not said" not in _text(tmp_path / "m2.pdf")
    code, _, err = run("handbook-text", "mentor", "no-such-section")
    assert code == 1 and "has no section 'no-such-section'" in err
    code, _, err = run("handbook-text", "mentor", "faq", "--set", str(tmp_path / "missing.txt"))
    assert code == 1 and err.startswith("mentordesk: error: Cannot read") and "Traceback" not in err
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Café".encode("latin-1"))
    code, _, err = run("handbook-text", "mentor", "faq", "--set", str(latin1))
    assert code == 1 and "is not UTF-8 text" in err


def test_proposal_and_a_form_filled_in_and_imported_once(run: Runner, tmp_path: Path) -> None:
    assert run("proposal", str(tmp_path / "p.pdf"))[0] == 0
    text = _text(tmp_path / "p.pdf")
    assert "Programme proposal" in text and "Grow the next generation of leaders" in text

    forms = run.json("forms", "list")
    form = next(f for f in forms if f["title"] == "Mid-programme check")
    blank = tmp_path / "blank.pdf"
    assert run("forms", "pdf", "mid-programme CHECK", str(blank))[0] == 0
    fields = PdfReader(blank).get_fields() or {}
    questions = sorted((k for k in fields if k.startswith("q")), key=lambda k: int(k[1:]))
    assert len(questions) == form["questions"] == 4
    writer = PdfWriter(clone_from=blank)
    rating, yes_no, comment, score = questions  # ids follow the positions in the demo
    for page in writer.pages:
        writer.update_page_form_field_values(page, {
            rating: "/4", yes_no: "/yes", comment: "More time on feedback, please", score: "/9",
            "md_email": "nobody-known@example.org"}, auto_regenerate=False)
    filled = tmp_path / "filled.pdf"
    with filled.open("wb") as handle:
        writer.write(handle)
    code, out, err = run("forms", "import", str(filled), str(filled))
    assert code == 0, err
    assert out.count(": imported") == 1 and out.count(": duplicate") == 1
    assert run.json("forms", "list")[forms.index(form)]["responses"] == form["responses"] + 1
    paper = tmp_path / "paper.pdf"
    assert run("forms", "pdf", str(form["id"]), str(paper), "--paper")[0] == 0
    code, out, _ = run("forms", "import", str(paper))
    assert code == 1 and ": unreadable" in out
