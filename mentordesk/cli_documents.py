"""Printed documents from the command line: certificates, handbooks, forms, the proposal.

``mentordesk certificates OUT.pdf``, ``handbook mentor|mentee OUT.pdf``, ``handbook-text``,
``proposal OUT.pdf``, ``forms list|pdf|import``, ``branding show|set`` and ``awards list``.
Every PDF is written atomically and readable by its owner only.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from mentordesk.errors import UserError
from mentordesk.services import participants
from mentordesk.services.documents import branding as branding_service
from mentordesk.services.documents import certificates, save_pdf, save_pdfs


def _cli() -> Any:
    from mentordesk import cli

    return cli


def _programme_id(session: Session, args: argparse.Namespace) -> int:
    from mentordesk.cli_pair import _programme_id as programme_id

    return programme_id(session, args)


def _participant_id(session: Session, email: str | None) -> int | None:
    return participants.find_participant(session, email).id if email else None


def _day(text: str | None) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"'{text}' is not a date like 2027-06-30.") from None


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def cmd_certificates(args: argparse.Namespace) -> int:
    """``certificates OUT.pdf [--award ID | --participants EMAIL ... | --pairs ID ...]``."""
    out = Path(args.out)
    with _cli()._opened(args) as db, db.Session.begin() as session:
        programme_id = _programme_id(session, args)
        request = certificates.CertificateRequest(
            programme_id,
            participant_ids=certificates.find_participants(session, args.participants or ()),
            pairing_ids=tuple(args.pairs or ()), award_id=args.award, template=args.template,
            paper=args.paper, achievement=args.achievement or "", issued_on=_day(args.date))
        recipients = certificates.certificate_recipients(session, request)
        written = [out]
        if args.split:
            written = save_pdfs(out, certificates.render_certificate_files(session, request))
            where = f"{_plural(len(written), 'file')} in {out}"
        else:
            save_pdf(out, certificates.render_certificates(session, request))
            where = str(out)
        certificates.mark_printed(session, recipients)
        template = args.template or branding_service.load_branding(
            session, programme_id).certificate_template
    unprintable = len(certificates.unprintable(recipients, template))
    if unprintable:
        verb = "has" if unprintable == 1 else "have"
        print(f"Warning: {_plural(unprintable, 'name')} {verb} characters no bundled font "
              "can print; they show as \ufffd.", file=sys.stderr)
    if args.json:
        _cli()._print_json({"files": [str(p) for p in written],
                            "certificates": [r.name for r in recipients]})
    else:
        print(f"Wrote {_plural(len(recipients), 'certificate')} to {where}.")
    return 0


def _print_list(args: argparse.Namespace, items: Sequence[Any], empty: str,
                line: Callable[[Any], str]) -> int:
    """Print ``items`` as JSON, or a ``line`` each (``empty`` when there are none)."""
    if args.json:
        _cli()._print_json(items)
        return 0
    if not items:
        print(empty)
    for item in items:
        print(line(item))
    return 0


def cmd_awards_list(args: argparse.Namespace) -> int:
    """``awards list``: the awards whose certificates can be printed with ``--award ID``."""
    with _cli()._opened(args) as db, db.Session() as session:
        awards = certificates.list_awards(session, _programme_id(session, args))

    def line(a: Any) -> str:
        printed = " (certificate printed)" if a.printed else ""
        return f"{a.id:>5}  {a.awarded_on}  {a.title} — {a.recipient or '(erased)'}{printed}"

    return _print_list(args, awards, "No awards yet.", line)


def cmd_handbook(args: argparse.Namespace) -> int:
    """``handbook mentor|mentee OUT.pdf [--for EMAIL]``."""
    from mentordesk.services.documents import handbooks

    with _cli()._opened(args) as db, db.Session() as session:
        data = handbooks.render_handbook(session, _programme_id(session, args), args.role,
                                         participant_id=_participant_id(session, args.reader))
    save_pdf(Path(args.out), data)
    print(f"Wrote the {args.role} handbook to {args.out}.")
    return 0


def cmd_handbook_text(args: argparse.Namespace) -> int:
    """``handbook-text ROLE [KEY] [--set FILE | --reset]``: see or change a section's wording."""
    from mentordesk.services.documents import handbooks

    with _cli()._opened(args) as db, db.Session.begin() as session:
        programme_id = _programme_id(session, args)
        if args.key and (args.set or args.reset):
            text = _read_text(args.set) if args.set else ""
            handbooks.save_handbook_section(session, programme_id, args.role, args.key, text)
        sections = handbooks.handbook_sections(session, programme_id, args.role)
    if args.key:
        section = next((s for s in sections if s.key == args.key), None)
        if section is None:
            raise UserError(f"The {args.role} handbook has no section '{args.key}'; the "
                            f"sections are {', '.join(s.key for s in sections)}.")
        if args.json:
            _cli()._print_json(section)
        elif args.set or args.reset:
            state = "your wording" if section.customised else "the default wording"
            print(f"Saved: '{section.title}' now uses {state}.")
        else:
            print(section.text)
        return 0
    if args.json:
        _cli()._print_json(sections)
        return 0
    for s in sections:
        print(f"{s.key:<24} {s.title}{'  (changed)' if s.customised else ''}")
    return 0


def cmd_proposal(args: argparse.Namespace) -> int:
    """``proposal OUT.pdf``: the programme proposal for stakeholders."""
    from mentordesk.services.documents import proposal

    with _cli()._opened(args) as db, db.Session() as session:
        data = proposal.render_proposal(session, _programme_id(session, args))
    save_pdf(Path(args.out), data)
    print(f"Wrote the programme proposal to {args.out}.")
    return 0


def cmd_forms_list(args: argparse.Namespace) -> int:
    """``forms list``: the programme's feedback forms and surveys."""
    from mentordesk.services.documents import forms

    with _cli()._opened(args) as db, db.Session() as session:
        found = forms.list_forms(session, _programme_id(session, args))
    return _print_list(args, found, "No forms yet.",
                       lambda f: f"{f.id:>5}  {f.title}  ({_plural(f.questions, 'question')}, "
                                 f"{_plural(f.responses, 'response')})")


def cmd_forms_pdf(args: argparse.Namespace) -> int:
    """``forms pdf FORM OUT.pdf [--paper] [--for EMAIL]``."""
    from mentordesk.services.documents import forms

    with _cli()._opened(args) as db, db.Session() as session:
        form = forms.find_form(session, _programme_id(session, args), args.form)
        data = forms.render_form(session, form.id, fillable=not args.paper,
                                 participant_id=_participant_id(session, args.reader))
    save_pdf(Path(args.out), data)
    kind = "printable" if args.paper else "fillable"
    print(f"Wrote the {kind} form '{form.title}' to {args.out}.")
    return 0


def cmd_forms_import(args: argparse.Namespace) -> int:
    """``forms import FILLED.pdf ...``: store the answers of filled-in PDF forms."""
    from mentordesk.services.documents import forms

    with _cli()._opened(args) as db, db.Session.begin() as session:
        results = forms.import_filled_forms(session, [Path(p) for p in args.files])
    if args.json:
        _cli()._print_json(results)
    else:
        for r in results:
            print(f"{r.file}: {r.status}" + (f" — {r.message}" if r.message else ""))
        imported = sum(r.status == "imported" for r in results)
        print(f"Imported {_plural(imported, 'response')} from {_plural(len(results), 'file')}.")
    return 0 if all(r.status in ("imported", "duplicate") for r in results) else 1


def cmd_branding_show(args: argparse.Namespace) -> int:
    """``branding show``: the programme's look on paper."""
    with _cli()._opened(args) as db, db.Session() as session:
        b = branding_service.load_branding(session, _programme_id(session, args))
    values = {"organisation": b.organisation, "primary": b.primary, "accent": b.accent,
              "logo": b.logo_png is not None, "signature": b.signature_png is not None,
              "signer_name": b.signer_name, "signer_title": b.signer_title,
              "template": b.certificate_template, "paper": b.paper}
    if args.json:
        _cli()._print_json(values)
        return 0
    for key, value in values.items():
        shown = ("set" if value else "none") if isinstance(value, bool) else value or "—"
        print(f"{key.replace('_', ' '):<14} {shown}")
    return 0


def _read_text(path: str) -> str:
    """The UTF-8 text of ``path`` (``-``: standard input)."""
    if path == "-":
        return sys.stdin.read()
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror or exc}.") from exc
    except UnicodeDecodeError:
        raise UserError(f"{path} is not UTF-8 text; save it as UTF-8 and try again.") from None


def _image(path: str | None) -> bytes | None:
    if path is None:
        return None
    if path == "none":
        return b""
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise UserError(f"Cannot read {path}: {exc.strerror or exc}.") from exc


def cmd_branding_set(args: argparse.Namespace) -> int:
    """``branding set [--organisation ...] [--logo FILE|none] ...``: only what is given."""
    changes = branding_service.BrandingChanges(
        organisation=args.organisation, primary=args.primary, accent=args.accent,
        logo_png=_image(args.logo), signature_png=_image(args.signature),
        signer_name=args.signer_name, signer_title=args.signer_title,
        certificate_template=args.template, paper=args.paper)
    with _cli()._opened(args) as db, db.Session.begin() as session:
        branding_service.save_branding(session, _programme_id(session, args), changes)
    print("Saved the branding.")
    return 0


def register(leaf: Callable[..., argparse.ArgumentParser],
             group_parser: Callable[[str, str], Any], commands: Any) -> None:
    """Add the documents' commands to the ``mentordesk`` parser."""
    from mentordesk.cli_pair import _with_programme as with_programme

    templates = list(branding_service.TEMPLATES)
    papers = ["A4", "Letter"]
    p = with_programme(leaf(commands, "certificates", cmd_certificates,
                            "print certificates: everyone in the programme's current and "
                            "completed pairs, or an award, pairs or people", json_output=True))
    p.add_argument("out", metavar="OUT.pdf", help="the PDF (with --split: a folder)")
    who = p.add_mutually_exclusive_group()
    who.add_argument("--award", type=int, metavar="ID", help="the award's recipient "
                                                             "(mentordesk awards list)")
    who.add_argument("--participants", nargs="+", metavar="EMAIL", help="these people")
    who.add_argument("--pairs", nargs="+", type=int, metavar="ID",
                     help="the mentor and mentees of these pairings")
    p.add_argument("--template", choices=templates, help="default: the programme's")
    p.add_argument("--paper", choices=papers, help="default: the programme's")
    p.add_argument("--achievement", help="the wording under the name (default: from the "
                                         "person's role or the award)")
    p.add_argument("--date", metavar="YYYY-MM-DD", help="default: today, or the award's date")
    p.add_argument("--split", action="store_true",
                   help="one PDF per person, named after them, in the folder OUT")

    awards = group_parser("awards", "awards that can be printed as certificates")
    with_programme(leaf(awards, "list", cmd_awards_list, "list the programme's awards",
                        json_output=True))

    p = with_programme(leaf(commands, "handbook", cmd_handbook,
                            "print the mentor or mentee handbook", json_output=False))
    p.add_argument("role", choices=["mentor", "mentee"])
    p.add_argument("out", metavar="OUT.pdf")
    p.add_argument("--for", dest="reader", metavar="EMAIL",
                   help="personalise it: the reader's partner and check-ins")
    p = with_programme(leaf(commands, "handbook-text", cmd_handbook_text,
                            "list a handbook's sections, show one, or change its wording "
                            "(--set FILE, - for standard input; --reset for the default)",
                            json_output=True))
    p.add_argument("role", choices=["mentor", "mentee"])
    p.add_argument("key", metavar="SECTION", nargs="?", help="a section key from the list")
    change = p.add_mutually_exclusive_group()
    change.add_argument("--set", metavar="FILE", help="the new wording (UTF-8 text)")
    change.add_argument("--reset", action="store_true", help="back to the default wording")

    p = with_programme(leaf(commands, "proposal", cmd_proposal,
                            "print the programme proposal for stakeholders", json_output=False))
    p.add_argument("out", metavar="OUT.pdf")

    forms = group_parser("forms", "feedback forms as fillable or paper PDFs, and filled ones "
                                  "read back")
    with_programme(leaf(forms, "list", cmd_forms_list, "list the programme's forms",
                        json_output=True))
    p = with_programme(leaf(forms, "pdf", cmd_forms_pdf, "write a form as a fillable PDF "
                                                         "(or --paper to print)",
                            json_output=False))
    p.add_argument("form", metavar="FORM", help="the form's id or title")
    p.add_argument("out", metavar="OUT.pdf")
    p.add_argument("--paper", action="store_true", help="for pen and paper: no form fields")
    p.add_argument("--for", dest="reader", metavar="EMAIL", help="fill in who answers")
    p = leaf(forms, "import", cmd_forms_import, "read filled-in PDF forms into responses; "
                                                "exit status 1 if any was not imported",
             json_output=True)
    p.add_argument("files", metavar="FILLED.pdf", nargs="+")

    brand = group_parser("branding", "the organisation, colours, logo, signature, certificate "
                                     "template and paper of printed documents")
    with_programme(leaf(brand, "show", cmd_branding_show, "show the branding",
                        json_output=True))
    p = with_programme(leaf(brand, "set", cmd_branding_set, "change the branding (only what "
                                                            "is given)", json_output=False))
    p.add_argument("--organisation")
    p.add_argument("--primary", metavar="#RRGGBB")
    p.add_argument("--accent", metavar="#RRGGBB")
    p.add_argument("--logo", metavar="FILE", help="a PNG or JPEG, or 'none' to remove it")
    p.add_argument("--signature", metavar="FILE", help="a PNG or JPEG, or 'none'")
    p.add_argument("--signer-name")
    p.add_argument("--signer-title")
    p.add_argument("--template", choices=templates)
    p.add_argument("--paper", choices=papers)
