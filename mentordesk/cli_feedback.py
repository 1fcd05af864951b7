"""``mentordesk feedback ...``: forms and templates, survey imports, summaries and exports.

``feedback forms list|show|create|templates``, ``feedback import FILE --form FORM``,
``feedback summary FORM`` and ``feedback export FORM OUT.csv``. A FORM is a form's id or
its title (``feedback forms list``); a question is named by its id (``feedback forms
show``) or as ``q3`` for the form's third question.

Confidential responses are only ever shown inside aggregates (see
:mod:`mentordesk.services.feedback`): no command prints or writes their answers one by one,
nor their free text.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from mentordesk.errors import UserError
from mentordesk.services import feedback
from mentordesk.services.feedback import (
    EMAIL,
    IGNORE,
    RESPONSE_ID,
    SUBMITTED,
    FormRecord,
    QuestionRecord,
    Target,
)
from mentordesk.services.importing import SourceOptions

_TARGET_LABELS = {EMAIL: "respondent's email", SUBMITTED: "time submitted",
                  RESPONSE_ID: "response id (tells anonymous rows apart)",
                  IGNORE: "(not imported)"}
_KIND_LABELS = {"rating": "rating", "score": "0-10 score", "choice": "one choice",
                "multi_choice": "tick boxes", "yes_no": "yes/no", "text": "free text"}


def _cli() -> Any:
    from mentordesk import cli

    return cli


def _programme_id(session: Session, args: argparse.Namespace) -> int:
    from mentordesk.cli_pair import _programme_id as programme_id

    return programme_id(session, args)


def _form_id(session: Session, args: argparse.Namespace) -> int:
    from mentordesk.services.documents import forms

    return forms.find_form(session, _programme_id(session, args), args.form).id


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _short(text: str, limit: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _shape(question: QuestionRecord) -> str:
    kind = question.kind.value
    if kind == "rating":
        return f"rating 1-{question.scale_max}"
    if kind in ("choice", "multi_choice"):
        return f"{_KIND_LABELS[kind]} ({len(question.choices)})"
    return _KIND_LABELS[kind]


# --------------------------------------------------------------------------- forms


def cmd_forms_list(args: argparse.Namespace) -> int:
    """``feedback forms list``: the programme's forms with their template and counts."""
    with _cli()._opened(args) as db, db.Session() as session:
        records = feedback.list_form_records(session, _programme_id(session, args))
    if args.json:
        _cli()._print_json([{"id": r.id, "title": r.title, "template": r.template,
                             "purpose": r.purpose, "audience": r.audience,
                             "questions": len(r.questions), "responses": r.responses,
                             "confidential_responses": r.confidential_responses}
                            for r in records])
        return 0
    if not records:
        print("No forms yet; make one with 'mentordesk feedback forms create --template KEY' "
              "('feedback forms templates' lists them).")
        return 0
    _cli()._print_table(["Id", "Title", "Template", "Questions", "Responses"],
                        [[r.id, r.title, r.template or "—", len(r.questions), r.responses]
                         for r in records], right=(0, 3, 4))
    return 0


def _print_form(record: FormRecord) -> None:
    cli = _cli()
    cli._print_details([
        ("Form", f"{record.id}  {record.title}"),
        ("Purpose", record.purpose), ("Audience", record.audience),
        ("Template", record.template or "—"),
        ("Responses", f"{record.responses} ({record.confidential_responses} confidential)"),
        ("Introduction", record.introduction or "—")])
    print()
    cli._print_table(["#", "Id", "Question", "Answer", "Required", "Measure", "Answers"],
                     [[q.position, q.id, _short(q.text), _shape(q), q.required,
                       q.measure or "", q.answers] for q in record.questions],
                     right=(0, 1, 6))
    choosing = [q for q in record.questions if q.choices]
    if choosing:
        print()
        for q in choosing:
            print(f"Q{q.position} choices: {' | '.join(q.choices)}")


def _print_of_form(args: argparse.Namespace, read: Callable[[Session, int], Any],
                   show: Callable[[Any], None]) -> int:
    """Print what ``read`` gives for the form ``args.form``: as JSON, or by ``show``."""
    with _cli()._opened(args) as db, db.Session() as session:
        value = read(session, _form_id(session, args))
    if args.json:
        _cli()._print_json(value)
    else:
        show(value)
    return 0


def cmd_forms_show(args: argparse.Namespace) -> int:
    """``feedback forms show FORM``: a form's details and its questions with their ids."""
    return _print_of_form(args, feedback.get_form, _print_form)


def cmd_forms_create(args: argparse.Namespace) -> int:
    """``feedback forms create --template KEY [--title TITLE]``."""
    with _cli()._opened(args) as db, db.Session.begin() as session:
        record = feedback.create_from_template(session, _programme_id(session, args),
                                               args.template, title=args.title)
    if args.json:
        _cli()._print_json(record)
    else:
        print(f"Created form {record.id} '{record.title}' from the template {record.template} "
              f"({_plural(len(record.questions), 'question')}).")
    return 0


def cmd_forms_templates(args: argparse.Namespace) -> int:
    """``feedback forms templates``: the ready-made forms."""
    templates = list(feedback.TEMPLATES.values())
    if args.json:
        _cli()._print_json([{"key": t.key, "name": t.name, "description": t.description,
                             "title": t.data.title, "purpose": t.data.purpose,
                             "audience": t.data.audience,
                             "questions": len(t.data.questions)} for t in templates])
        return 0
    _cli()._print_table(["Key", "Name", "For", "Questions"],
                        [[t.key, t.name, t.data.audience, len(t.data.questions)]
                         for t in templates], right=(3,))
    print()
    for t in templates:
        print(f"{t.key}: {t.description}")
    return 0


# --------------------------------------------------------------------------- import


def _target(text: str, record: FormRecord) -> Target:
    """What ``--map 'Header=WHAT'`` names: a question id, ``q3``, or a respondent field."""
    wanted = " ".join(text.replace("_", " ").split()).casefold()
    if wanted in ("", "ignore", "skip", "none", "-"):
        return IGNORE
    if wanted in ("email", "e-mail", "email address"):
        return EMAIL
    if wanted in ("submitted", "time", "timestamp", "submitted at"):
        return SUBMITTED
    if wanted in ("response id", "id", "respondent id"):
        return RESPONSE_ID
    if wanted.startswith("q") and wanted[1:].strip().isdigit():
        number = int(wanted[1:])
        if not 1 <= number <= len(record.questions):
            raise UserError(f"map: the form has no question {number} (it has "
                            f"{len(record.questions)})")
        return record.questions[number - 1].id
    if wanted.isdigit():
        return int(wanted)
    raise UserError(f"map: '{text}' is not a question id, q1-q{len(record.questions)}, "
                    "email, submitted, response_id or ignore")


def _overrides(items: Sequence[str] | None, record: FormRecord) -> dict[str, Target]:
    overrides: dict[str, Target] = {}
    for item in items or ():
        header, sep, what = item.rpartition("=")
        if not sep or not header.strip():
            raise UserError(f"map: '{item}' should look like \"Header=question id\", "
                            "\"Header=email\" or \"Header=ignore\"")
        overrides[header.strip()] = _target(what, record)
    return overrides


def _mapped_as(target: Target, record: FormRecord) -> str:
    if isinstance(target, int):
        question = next(q for q in record.questions if q.id == target)
        return f"Q{question.position} (id {question.id}): {_short(question.text, 50)}"
    return _TARGET_LABELS.get(target, target)


_SHAPES = {"microsoft_forms": "a Microsoft Forms export", "google_forms":
           "a Google Forms export", "surveymonkey": "a SurveyMonkey export",
           "table": "a table"}


def _print_import_report(preview: feedback.SurveyPreview, record: FormRecord,
                         result: feedback.SurveyImportResult | None, dry_run: bool,
                         confidential: bool, backup: Path | None) -> None:
    cli = _cli()
    table = preview.table
    headers = "header on rows 1 and 2" if preview.header_rows == 2 else \
        f"header on row {table.header_row}"
    print(f"File: {table.path} ({table.kind.upper()}, {_SHAPES[preview.shape]}, {headers}, "
          f"{_plural(len(preview.rows), 'response row')})")
    print(f"Form: {record.id} '{record.title}'")
    print()
    cli._print_table(["Column in the file", "Imported as"],
                     [[c.header, _mapped_as(c.target, record)] for c in preview.columns])
    print()
    print(f"Preview: {preview.importable} to import, {preview.duplicates} already imported "
          f"or repeated, {len(preview.refused_rows)} refused")
    if preview.problems:
        cli._print_problems(preview.problems, lambda column: _short(column, 40))
    for warning in preview.warnings:
        print(f"Note: {warning}")
    print()
    if dry_run:
        print("Dry run: nothing was written.")
    elif result is None or not result.imported:
        print("Nothing to import.")
    else:
        kept = " as confidential responses" if confidential else ""
        print(f"Imported {_plural(result.imported, 'response')}{kept}.")
        if backup is not None:
            print(f"Backed up first to {backup}")


def cmd_import(args: argparse.Namespace) -> int:
    """``feedback import FILE --form FORM``: a survey tool's CSV or XLSX export.

    Shows the mapping, the preview and every problem; then stores the rows without a
    problem in one transaction (after a backup) unless --dry-run. Exit status 1 when any
    row was refused.
    """
    from mentordesk.cli import _delimiter
    from mentordesk.db import backup_database

    path = Path(args.file).expanduser()
    options = SourceOptions(encoding=args.encoding, delimiter=_delimiter(args.delimiter),
                            sheet=args.sheet)
    result = None
    backup = None
    with _cli()._opened(args) as db:
        with db.Session() as session:
            form_id = _form_id(session, args)
            record = feedback.get_form(session, form_id)
            mapping = _overrides(args.map, record)
            preview = feedback.preview_survey(session, form_id, path, mapping=mapping,
                                              options=options,
                                              day_first=not args.month_first)
        if not args.dry_run and preview.importable:
            if db.read_only:
                raise UserError("The database is open read-only; nothing was imported.")
            backup = backup_database(db.path, "pre-import").path
            with db.Session.begin() as session:
                result = feedback.import_survey(session, form_id, path, mapping=mapping,
                                                confidential=args.confidential,
                                                options=options,
                                                day_first=not args.month_first)
    if args.json:
        table = preview.table
        _cli()._print_json({
            "file": table.path, "kind": table.kind, "shape": preview.shape,
            "header_rows": preview.header_rows, "form": record.id,
            "mapping": preview.mapping, "columns": preview.columns, "rows": preview.rows,
            "importable": preview.importable, "duplicates": preview.duplicates,
            "refused": len(preview.refused_rows), "problems": preview.problems,
            "warnings": preview.warnings, "dry_run": args.dry_run,
            "confidential": args.confidential, "result": result, "backup": backup})
    else:
        _print_import_report(preview, record, result, args.dry_run, args.confidential,
                             backup)
    return 1 if preview.refused_rows else 0


# --------------------------------------------------------------------------- results


def _print_summary(summary: feedback.FormSummaryData) -> None:
    print(f"{summary.title}: {_plural(summary.responses, 'response')}"
          + (f" ({summary.confidential_responses} confidential)"
             if summary.confidential_responses else ""))
    for q in summary.questions:
        print()
        measure = f", {q.measure}" if q.measure else ""
        print(f"{q.position}. {q.text}  ({_KIND_LABELS[q.kind.value]}{measure})")
        line = f"   {_plural(q.answers, 'answer')}"
        if q.hidden:
            line += f"; hidden: {q.reason}"
        else:
            if q.average is not None:
                line += f"; average {q.average:.2f}"
            if q.nps is not None:
                line += f"; NPS {q.nps:+.0f}"
            if q.reason:
                line += f" ({q.reason})"
        print(line)
        if q.distribution is not None:
            print("   " + " · ".join(f"{label}: {n}" for label, n in q.distribution))
        for comment in q.comments:
            print(f"   - {_short(comment, 200)}")


def cmd_summary(args: argparse.Namespace) -> int:
    """``feedback summary FORM``: per-question aggregates (confidentiality honoured)."""
    return _print_of_form(args, feedback.summarise_form, _print_summary)


def cmd_export(args: argparse.Namespace) -> int:
    """``feedback export FORM OUT.csv``: non-confidential responses and the summary."""
    with _cli()._opened(args) as db, db.Session() as session:
        written = feedback.export_responses(session, _form_id(session, args),
                                            Path(args.out).expanduser())
    print(f"Wrote {_plural(written.rows, 'response')} and the summary to {written.path}.")
    if written.confidential_left_out:
        print(f"{_plural(written.confidential_left_out, 'confidential response')} "
              "count only in the summary's aggregates.")
    return 0


# --------------------------------------------------------------------------- parser


def register(leaf: Callable[..., argparse.ArgumentParser],
             group_parser: Callable[[str, str], Any]) -> None:
    """Add ``feedback`` and its actions to the ``mentordesk`` parser."""
    from mentordesk.cli_pair import _with_programme as with_programme

    group = group_parser("feedback", "feedback forms and templates, survey imports, summaries "
                                     "and exports")
    forms_parser = group.add_parser("forms", help="list, show and create forms",
                                    description="List, show and create feedback forms.")
    forms = forms_parser.add_subparsers(dest="forms_action", metavar="ACTION", required=True)
    with_programme(leaf(forms, "list", cmd_forms_list, "list the programme's forms",
                        json_output=True))
    p = with_programme(leaf(forms, "show", cmd_forms_show,
                            "show a form and its questions (with their ids)",
                            json_output=True))
    p.add_argument("form", metavar="FORM", help="the form's id or title")
    p = with_programme(leaf(forms, "create", cmd_forms_create,
                            "make a form from a ready-made template", json_output=True))
    p.add_argument("--template", required=True, choices=list(feedback.TEMPLATES),
                   help="the template ('feedback forms templates')")
    p.add_argument("--title", help="default: the template's title")
    leaf(forms, "templates", cmd_forms_templates, "list the ready-made templates",
         json_output=True)

    p = with_programme(leaf(
        group, "import", cmd_import,
        "import responses from a survey tool's CSV or XLSX export (Microsoft Forms, Google "
        "Forms, SurveyMonkey, ...): shows the mapping, the preview and every problem, then "
        "stores the valid rows in one transaction after a backup; exit status 1 if any row "
        "was refused", json_output=True))
    p.add_argument("file", metavar="FILE")
    p.add_argument("--form", required=True, metavar="FORM", help="the form's id or title")
    p.add_argument("--map", action="append", metavar="'HEADER=WHAT'",
                   help="map a column: WHAT is a question id, q3 (the form's third "
                        "question), email, submitted, response_id or ignore (repeatable; "
                        "overrides the automatic mapping)")
    p.add_argument("--confidential", action="store_true",
                   help="the responses are confidential: counted in aggregates only in "
                        "whole blocks of 5 confidential answers to a question, their free "
                        "text never shown")
    _cli()._add_source_options(p)
    p.add_argument("--month-first", action="store_true",
                   help="submission times written with numbers only are month first "
                        "(03/31/2026 14:31); the default is day first (31/03/2026 14:31)")
    p.add_argument("--dry-run", action="store_true", help="show the preview; write nothing")

    p = with_programme(leaf(group, "summary", cmd_summary,
                            "per-question results (confidential answers counted in blocks of 5)",
                            json_output=True))
    p.add_argument("form", metavar="FORM", help="the form's id or title")
    p = with_programme(leaf(group, "export", cmd_export,
                            "write the responses and the summary as CSV (confidential "
                            "responses only in the summary)", json_output=False))
    p.add_argument("form", metavar="FORM", help="the form's id or title")
    p.add_argument("out", metavar="OUT.csv")
