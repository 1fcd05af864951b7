"""Mentor and mentee handbooks: sections, the coordinator's wording, personalisation, the PDF."""

from __future__ import annotations

import re
import subprocess
import unicodedata
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from mentordesk.errors import UserError
from mentordesk.models import (
    AuditEvent,
    CheckinFrequency,
    ParticipantRole,
    Programme,
    ProgrammeFormat,
    ProgrammeStructure,
)
from mentordesk.paths import resource_path
from mentordesk.services import checkins, pairing
from mentordesk.services.checkins import Schedule
from mentordesk.services.documents import fonts, handbooks
from mentordesk.services.documents.handbooks import (
    HANDBOOK_ROLES,
    Block,
    handbook_sections,
    inline_markup,
    parse_blocks,
    render_handbook,
    save_handbook_section,
)
from mentordesk.services.participants import ParticipantData, add_participant
from mentordesk.services.programmes import KpiData, ObjectiveData, ProgrammeData, create_programme

NEW_YORK = "America/New_York"
# The handbooks are printed before the programme starts.
BEFORE = datetime(2026, 12, 1, tzinfo=UTC)

SHARED_TITLES = ["Welcome", "Programme objectives", "How the programme works",
                 "Roles and expectations", "Your first meeting", "Active listening",
                 "Giving and receiving feedback", "Communication", "Setting goals",
                 "Confidentiality", "Ending the relationship well", "Frequently asked questions",
                 "Contacts and support"]
PERSONAL_TITLE = {"mentor": "Your mentees and schedule", "mentee": "Your mentor and schedule"}


@pytest.fixture
def ids(db: Any) -> dict[str, int]:
    """A formal programme, January to June 2027, with one pair meeting fortnightly at
    21:00 New York time (02:00 the next day in UTC) and one person not paired."""
    with db.Session.begin() as s:
        programme = create_programme(s, ProgrammeData(
            name="Harbour Lights 2027", start_date=date(2027, 1, 11),
            end_date=date(2027, 6, 30), structure=ProgrammeStructure.FORMAL,
            description="Six months of cross-team mentoring for new people leaders.",
            coordinator_name="Cora Ordinator", coordinator_email="cora@example.org",
            agenda="1. Goals and expectations\n2. Strengths\n3. A stretch project",
            objectives=(ObjectiveData("Grow confident first-time managers",
                                      "Strategy 2028: promote from within"),
                        ObjectiveData("Connect the regional offices")),
            kpis=(KpiData("Pairs meeting regularly", 85, "%", 40,
                          objective="Grow confident first-time managers"),))).id
        mentor = add_participant(s, ParticipantData(
            full_name="Zoë Łukasiewicz", email="zoe@example.org", role=ParticipantRole.MENTOR,
            mentor_capacity=2, timezone=NEW_YORK, location="New York",
            job_title="Head of Operations")).id
        mentee = add_participant(s, ParticipantData(
            full_name="王秀英", email="xiuying@example.org", timezone="Asia/Shanghai",
            location="Shanghai")).id
        loner = add_participant(s, ParticipantData(
            full_name="محمد عبد الله", email="mohammed@example.org")).id
        pairing_id = pairing.lock_pair(s, programme, mentor, mentee)
        pairing.publish_pairings(s, programme, on=date(2026, 12, 1))
        checkins.schedule_checkins(s, pairing_id, Schedule(
            CheckinFrequency.WEEKLY, 2, datetime(2027, 1, 12, 21, 0), NEW_YORK, 45),
            now=BEFORE)
    return {"programme": programme, "mentor": mentor, "mentee": mentee, "loner": loner,
            "pairing": pairing_id}


def render(db: Any, ids: dict[str, int], role: str, **kwargs: Any) -> bytes:
    with db.Session() as s:
        return render_handbook(s, ids["programme"], role, **kwargs)


def pages(pdf: bytes, tmp_path: Path) -> list[str]:
    """The text of each page, as poppler's pdftotext reads it."""
    path = tmp_path / "handbook.pdf"
    path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", "-layout", "-enc", "UTF-8", str(path), "-"],
                          capture_output=True, check=True).stdout.decode("utf-8")
    return text.split("\f")[:-1]  # each page ends with a form feed


def lines(page: str) -> list[str]:
    return [line.strip() for line in page.splitlines() if line.strip()]


def heading_pages(texts: list[str], title: str) -> list[int]:
    """The (1-based) body pages with a line that is exactly ``title``: a heading."""
    return [n for n, page in enumerate(texts, 1) if n > 2 and title in lines(page)]


def flat(text: str) -> str:
    return " ".join(text.split())


# --------------------------------------------------------------------------- the PDF


@pytest.mark.parametrize("role", HANDBOOK_ROLES)
def test_each_handbook_has_every_section_and_the_programme_details(
        db: Any, ids: dict[str, int], role: str, tmp_path: Path) -> None:
    texts = pages(render(db, ids, role), tmp_path)
    for title in SHARED_TITLES:
        assert len(heading_pages(texts, title)) == 1, title
    # The reader's partners are printed only in a handbook prepared for one person.
    assert heading_pages(texts, PERSONAL_TITLE[role]) == []
    body = flat("\n".join(texts))
    for expected in ("Harbour Lights 2027", "Grow confident first-time managers",
                     "Strategy 2028: promote from within", "Connect the regional offices",
                     "Pairs meeting regularly", "85% or more", "11 January 2027",
                     "30 June 2027", "Cora Ordinator", "cora@example.org",
                     "Six months of cross-team mentoring", "Every two weeks, about 45 minutes",
                     "A stretch project"):
        assert expected in body, expected
    # Written for the reader's role.
    if role == "mentor":
        assert "Thank you for agreeing to be a mentor in Harbour Lights 2027" in body
    else:
        assert "Welcome to Harbour Lights 2027" in body
        assert "Thank you for agreeing to be a mentor" not in body
    # Placeholders are all filled in the default text.
    assert not re.search(r"\{[a-z_]+\}", body)


@pytest.mark.parametrize("role", HANDBOOK_ROLES)
def test_pages_carry_the_running_header_and_page_n_of_n(
        db: Any, ids: dict[str, int], role: str, tmp_path: Path) -> None:
    texts = pages(render(db, ids, role), tmp_path)
    total = len(texts)
    assert 10 <= total <= 18
    assert "Page" not in texts[0]  # the cover
    for number, page in enumerate(texts[1:], 2):
        first = lines(page)[0]
        assert first.startswith(f"{role.capitalize()} handbook"), number
        assert first.endswith("Harbour Lights 2027"), number
        assert lines(page)[-1].endswith(f"Page {number} of {total}"), number


@pytest.mark.parametrize("role", HANDBOOK_ROLES)
def test_contents_lists_each_section_at_the_page_its_heading_is_on(
        db: Any, ids: dict[str, int], role: str, tmp_path: Path) -> None:
    texts = pages(render(db, ids, role, participant_id=ids[role], now=BEFORE), tmp_path)
    entries = []
    for line in lines(texts[1]):
        match = re.fullmatch(r"(.+?)[\s.]*\.[\s.]*?(\d+)", line)
        if match:
            entries.append((match[1].strip(), int(match[2])))
    expected = [*SHARED_TITLES[:3], PERSONAL_TITLE[role], *SHARED_TITLES[3:]]
    assert [title for title, _ in entries] == expected
    for title, page in entries:
        assert heading_pages(texts, title) == [page], title
    assert [page for _, page in entries] == sorted(page for _, page in entries)


@pytest.mark.parametrize("role", HANDBOOK_ROLES)
def test_no_page_ends_with_a_heading(db: Any, ids: dict[str, int], role: str,
                                     tmp_path: Path) -> None:
    source = resource_path("handbooks", f"{role}.md").read_text(encoding="utf-8")
    headings = {*SHARED_TITLES, *PERSONAL_TITLE.values(), "Meeting by meeting",
                "How we will know it is working", "Your check-ins",
                *(line.removeprefix("### ").replace("'", "’")
                  for line in source.splitlines() if line.startswith("### "))}
    texts = pages(render(db, ids, role, participant_id=ids[role], now=BEFORE), tmp_path)
    for number, page in enumerate(texts[2:], 3):
        last = lines(page)[-2]  # above the footer
        assert last not in headings, (number, last)


def test_the_pdf_passes_qpdf_check(db: Any, ids: dict[str, int], tmp_path: Path) -> None:
    for role in HANDBOOK_ROLES:
        path = tmp_path / f"{role}.pdf"
        path.write_bytes(render(db, ids, role, participant_id=ids[role], now=BEFORE))
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
        assert "No syntax or stream encoding errors" in result.stdout


# --------------------------------------------------------------------------- personalised


def test_mentee_handbook_names_the_mentor_and_the_next_check_in_in_its_time_zone(
        db: Any, ids: dict[str, int], tmp_path: Path) -> None:
    texts = pages(render(db, ids, "mentee", participant_id=ids["mentee"], now=BEFORE),
                  tmp_path)
    body = flat("\n".join(texts))
    assert "Prepared for 王秀英" in body
    assert heading_pages(texts, "Your mentor and schedule")
    assert "Your mentor: Zoë Łukasiewicz" in body
    assert "Head of Operations" in body and "zoe@example.org" in body
    # 21:00 in New York on 12 January is 02:00 on the 13th in UTC: the meeting's own zone.
    assert "Next check-in Tuesday 12 January 2027 21:00–21:45 New York time" in body
    assert "02:00" not in body
    assert "Goals and expectations" in body  # the first meeting's topic
    # The mentor is 13 hours behind Shanghai in January.
    assert "New York · 13 hours behind you" in body


def test_only_check_ins_still_to_come_are_listed(db: Any, ids: dict[str, int],
                                                  tmp_path: Path) -> None:
    later = datetime(2027, 1, 20, tzinfo=UTC)
    body = flat("\n".join(pages(render(db, ids, "mentor", participant_id=ids["mentor"],
                                       now=later), tmp_path)))
    assert "Next check-in Tuesday 26 January 2027 21:00–21:45" in body
    assert "12 January 2027" not in body


def test_mentor_handbook_prepared_for_a_unicode_name_lists_the_mentee(
        db: Any, ids: dict[str, int], tmp_path: Path) -> None:
    texts = pages(render(db, ids, "mentor", participant_id=ids["mentor"], now=BEFORE),
                  tmp_path)
    body = flat("\n".join(texts))
    assert "Prepared for Zoë Łukasiewicz" in texts[0]  # on the cover
    assert "Prepared for Zoë Łukasiewicz" in flat("\n".join(texts[2:]))
    assert "Your mentee: 王秀英" in body
    assert "Your mentee 王秀英 · xiuying@example.org" in body  # contacts
    assert "Every 2 weeks on Tuesday at 21:00 New York time, 45 minutes each" in body


def test_a_participant_without_a_pairing_still_gets_a_handbook(
        db: Any, ids: dict[str, int], tmp_path: Path) -> None:
    pdf = render(db, ids, "mentee", participant_id=ids["loner"], now=BEFORE)
    texts = pages(pdf, tmp_path)
    body = flat("\n".join(texts))
    assert "Your pairing is not set yet. Cora Ordinator will tell you who your mentor" in body
    assert heading_pages(texts, "Your mentor and schedule")
    assert "Next check-in" not in body
    # The Arabic name is printed, shaped: poppler gives the joined letter forms in reading
    # order (inside right-to-left embedding marks), and NFKC maps them back to the letters.
    read = [unicodedata.normalize("NFKC", page).replace("\u202b", "").replace("\u202c", "")
            for page in texts]
    assert "Prepared for محمد عبد الله" in flat(read[0])  # the cover
    assert "Prepared for محمد عبد الله" in flat("\n".join(read[2:]))  # the personal section
    assert any("\ufe70" <= c <= "\ufeff" for c in texts[0])  # joined, not isolated, letters


def test_a_mentee_handbook_does_not_list_the_pairs_they_mentor(
        db: Any, ids: dict[str, int], tmp_path: Path) -> None:
    body = flat("\n".join(pages(render(db, ids, "mentee", participant_id=ids["mentor"],
                                       now=BEFORE), tmp_path)))
    assert "Your pairing is not set yet" in body
    assert "王秀英" not in body


# --------------------------------------------------------------------------- editing


def test_a_coordinators_wording_is_printed_and_reset_brings_the_default_back(
        db: Any, ids: dict[str, int], tmp_path: Path) -> None:
    key, programme = "active-listening", ids["programme"]
    with db.Session() as s:
        default = next(x for x in handbook_sections(s, programme, "mentor") if x.key == key)
    assert default.title == "Active listening" and not default.customised
    assert "the most underrated" in default.text
    wording = "Listen first, {coordinator} says.\n\n- **Ask** open questions\n- Wait"
    with db.Session.begin() as s:
        save_handbook_section(s, programme, "mentor", key, wording)
    with db.Session() as s:
        section = next(x for x in handbook_sections(s, programme, "mentor") if x.key == key)
        stored = s.get(Programme, programme)
        assert stored is not None
        assert stored.document_texts == {"handbook.mentor": {key: wording}}
        event = s.scalars(select(AuditEvent).where(AuditEvent.action == "update_handbook")).one()
        assert (event.entity, event.entity_id, event.fields) == ("programme", programme, key)
    assert section.customised and section.text == wording
    assert section.default_text == default.text and section.title == "Active listening"
    body = flat("\n".join(pages(render(db, ids, "mentor"), tmp_path)))
    assert "Listen first, Cora Ordinator says." in body and "Ask open questions" in body
    assert "the most underrated" not in body
    # The mentee handbook's own section is untouched.
    mentee_body = flat("\n".join(pages(render(db, ids, "mentee"), tmp_path)))
    assert "Listen first" not in mentee_body

    with db.Session.begin() as s:
        save_handbook_section(s, programme, "mentor", key, default.text + "\n")
    with db.Session() as s:
        section = next(x for x in handbook_sections(s, programme, "mentor") if x.key == key)
        stored = s.get(Programme, programme)
        assert stored is not None and stored.document_texts is None
    assert not section.customised and section.text == default.text
    body = flat("\n".join(pages(render(db, ids, "mentor"), tmp_path)))
    assert "the most underrated" in body and "Listen first" not in body


def test_blank_wording_resets_one_section_and_keeps_the_others(
        db: Any, ids: dict[str, int]) -> None:
    programme = ids["programme"]
    with db.Session.begin() as s:
        save_handbook_section(s, programme, "mentee", "faq", "Ask Cora.")
        save_handbook_section(s, programme, "mentee", "ending", "Say thank you.")
        save_handbook_section(s, programme, "mentor", "faq", "Ask Cora, mentors.")
    with db.Session.begin() as s:
        save_handbook_section(s, programme, "mentee", "faq", "  \n ")
    with db.Session() as s:
        stored = s.get(Programme, programme)
        assert stored is not None
        assert stored.document_texts == {"handbook.mentee": {"ending": "Say thank you."},
                                         "handbook.mentor": {"faq": "Ask Cora, mentors."}}
        customised = {x.key for x in handbook_sections(s, programme, "mentee") if x.customised}
    assert customised == {"ending"}


def test_unknown_placeholders_and_stray_braces_print_as_typed(
        db: Any, ids: dict[str, int], tmp_path: Path) -> None:
    with db.Session.begin() as s:
        save_handbook_section(s, ids["programme"], "mentee", "welcome",
                              "Bring {snacks} to {programme}. A stray { brace, {Odd Thing} "
                              "and {#anchor} stay; <b>tags</b> & ampersands too.")
    body = flat("\n".join(pages(render(db, ids, "mentee"), tmp_path)))
    assert ("Bring {snacks} to Harbour Lights 2027. A stray { brace, {Odd Thing} and "
            "{#anchor} stay; <b>tags</b> & ampersands too.") in body


def test_bad_role_programme_participant_or_key_is_a_user_error(
        db: Any, ids: dict[str, int]) -> None:
    programme = ids["programme"]
    with db.Session() as s:
        with pytest.raises(UserError, match="no 'coach' handbook"):
            render_handbook(s, programme, "coach")
        with pytest.raises(UserError, match="no 'coach' handbook"):
            handbook_sections(s, programme, "coach")
        with pytest.raises(UserError, match="no programme 999"):
            render_handbook(s, 999, "mentor")
        with pytest.raises(UserError, match="no participant 999"):
            render_handbook(s, programme, "mentor", participant_id=999)
        with pytest.raises(UserError, match="no 'coach' handbook"):
            save_handbook_section(s, programme, "coach", "faq", "x")
        with pytest.raises(UserError, match="no section 'nope'"):
            save_handbook_section(s, programme, "mentor", "nope", "x")
        with pytest.raises(UserError, match="limit is 20,000"):
            save_handbook_section(s, programme, "mentor", "faq", "x" * 20_001)
        with pytest.raises(UserError, match="Cancelled"):
            render_handbook(s, programme, "mentor", cancelled=lambda: True)


def test_an_informal_group_programme_without_dates_still_prints(
        db: Any, tmp_path: Path) -> None:
    with db.Session.begin() as s:
        programme = create_programme(s, ProgrammeData(
            name="Circles", format=ProgrammeFormat.GROUP,
            structure=ProgrammeStructure.INFORMAL, agenda="Never printed")).id
    with db.Session() as s:
        texts = pages(render_handbook(s, programme, "mentee"), tmp_path)
    body = flat("\n".join(texts))
    assert "Mentoring takes place in small group circles" in body
    assert "one mentor with 3 to 6 mentees" in body
    # No dates yet: said once, plainly, not "runs from a date to be confirmed to a date ...".
    assert "The dates of Circles are still to be confirmed. Mentoring takes place" in body
    assert "Dates Still to be confirmed" in body
    assert "a date to be confirmed to" not in body
    assert "the programme coordinator" in body.casefold()
    assert "Never printed" not in body and "Meeting by meeting" not in body
    assert all(heading_pages(texts, t) for t in SHARED_TITLES)


def test_a_programme_with_only_a_start_date_says_the_end_is_to_be_confirmed(
        db: Any, tmp_path: Path) -> None:
    with db.Session.begin() as s:
        programme = create_programme(s, ProgrammeData(
            name="Open ended", start_date=date(2027, 3, 1))).id
    with db.Session() as s:
        body = flat("\n".join(pages(render_handbook(s, programme, "mentor"), tmp_path)))
    assert ("Open ended runs from 1 March 2027; its end date is still to be confirmed. "
            "Mentoring takes place") in body
    assert "From 1 March 2027; the end date is still to be confirmed" in body


def test_kpis_agenda_and_length_read_as_in_the_proposal(db: Any, tmp_path: Path) -> None:
    # The proposal prints the same KPI as "3.75 out of 5" and "4.25 out of 5"
    # (test_proposal.py), reads the agenda the same way and says "every two weeks".
    with db.Session.begin() as s:
        programme = create_programme(s, ProgrammeData(
            name="Scale", start_date=date(2027, 1, 4), end_date=date(2027, 6, 25),
            structure=ProgrammeStructure.FORMAL,
            agenda="1. Goals\n\n* A stretch project\n- Feedback\n• Review",
            kpis=(KpiData("Satisfaction", 4.25, "out of 5", 3.75),))).id
    with db.Session() as s:
        body = flat("\n".join(pages(render_handbook(s, programme, "mentee"), tmp_path)))
    assert "Satisfaction 3.75 out of 5 4.25 out of 5 or more" in body
    assert "3.8" not in body
    assert "Every two weeks, about 45 minutes each" in body
    assert "4 January 2027 to 25 June 2027 (about 6 months)" in body
    assert ("Meeting Suggested topic 1 Goals 2 A stretch project 3 Feedback 4 Review"
            in body)
    assert "1. Goals" not in body and "* A stretch" not in body


# --------------------------------------------------------------------------- the text


def test_default_text_has_the_same_sections_for_both_roles_and_only_known_placeholders(
) -> None:
    keys = {}
    for role in HANDBOOK_ROLES:
        source = resource_path("handbooks", f"{role}.md").read_text(encoding="utf-8")
        sections = handbooks.parse_sections(source)
        keys[role] = [key for key, _, _ in sections]
        for key, title, body in sections:
            assert title and body, key
            unknown = set(re.findall(r"\{([^}]*)\}", body)) - {*handbooks.PLACEHOLDERS,
                                                               "details"}
            assert not unknown, (role, key, unknown)
        # Substantial: several printed pages of guidance each.
        assert len(source) > 20_000
    assert keys["mentor"] == keys["mentee"]
    assert set(handbooks.GENERATED_SECTIONS) <= set(keys["mentor"])


def test_parse_blocks_reads_the_markdown_subset() -> None:
    text = ("First line\ncontinues.\n\n### Minor\n- one\n- two\n  more\n\n3. third\n4. fourth\n\n"
            "> Tip line\n> goes on\n>\n> second\n\n{details}\n*not a bullet*")
    assert parse_blocks(text) == [
        Block("para", ("First line continues.",)),
        Block("heading", ("Minor",)),
        Block("bullets", ("one", "two more")),
        Block("numbers", ("third", "fourth"), 3),
        Block("tip", ("Tip line goes on", "second")),
        Block("details"),
        Block("para", ("*not a bullet*",)),
    ]


def test_inline_markup_sets_bold_and_italic_in_their_faces_with_fallback_fonts() -> None:
    values = {"programme": "R*D <Lab>"}
    markup = inline_markup("**王 bold** and *it* in {programme} & 'quotes'", values)
    bold = fonts.font_name(style=fonts.Style.BOLD)
    italic = fonts.font_name(style=fonts.Style.ITALIC)
    assert markup.startswith('<font face="MD-NotoSansCJK-Regular">王</font>'
                             f'<font face="{bold}"> bold</font>')
    assert f'<font face="{italic}">it</font>' in markup
    # A value's own asterisk is not emphasis, and markup characters are escaped.
    assert "R*D &lt;Lab&gt; &amp; ‘quotes’" in markup
