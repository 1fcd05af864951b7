"""``mentordesk kpis ...``, ``goals reached`` and ``outcomes import``: the programme's KPIs.

``mentordesk kpis`` shows each KPI against its target and every computed figure, and keeps
today's figures (a snapshot) so ``kpis history METRIC`` shows the trend; ``kpis drill
METRIC`` lists the pairs or people behind a number; ``kpis set-metric`` ties a KPI to a
computed metric; ``kpis report OUT.pdf`` prints the KPI report. ``outcomes import FILE``
reads the HR system's export of hire, leaving and promotion dates (the same options as
``participants import``; ``--replace`` deletes the rows of everyone not in the file) and
``outcomes clear --yes`` deletes them all; ``goals reached`` records a development goal
reached.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from mentordesk.errors import UserError
from mentordesk.models import Programme
from mentordesk.services import kpis, participants


def _cli() -> Any:
    from mentordesk import cli

    return cli


def _programme_id(session: Session, args: argparse.Namespace) -> int:
    from mentordesk.cli_pair import _programme_id as programme_id

    return programme_id(session, args)


def _day(text: str | None, option: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise UserError(f"{option}: '{text}' is not a date like 2027-03-01") from None


def _metric(text: str) -> str:
    """A metric key as typed, or its label: case, spaces and punctuation do not matter."""
    def norm(name: str) -> str:
        return "".join(ch for ch in name.casefold() if ch.isalnum())

    wanted = norm(text)
    for key, info in kpis.METRICS.items():
        if wanted in (norm(key), norm(info.label)):
            return key
    raise UserError(f"'{text}' is not a metric; use one of: {', '.join(kpis.METRICS)} "
                    "(mentordesk kpis metrics describes them).")


def _metric_json(value: kpis.MetricValue) -> dict[str, Any]:
    info = kpis.METRICS[value.key]
    return {"key": value.key, "label": info.label, "unit": info.unit,
            "direction": info.direction.value, "value": value.value,
            "numerator": value.numerator, "denominator": value.denominator,
            "detail": value.detail, "shown": kpis.format_metric(value.value, info.unit)}


def cmd_kpis(args: argparse.Namespace) -> int:
    """``kpis [--as-of DATE] [--no-snapshot]``: the KPIs against their targets and every
    figure; keeps today's figures for ``kpis history``."""
    cli = _cli()
    as_of = _day(args.as_of, "as-of")
    today = date.today()
    with cli._opened(args) as db, db.Session.begin() as session:
        programme_id = _programme_id(session, args)
        programme = session.get(Programme, programme_id)
        assert programme is not None
        name = programme.name
        dashboard = kpis.compute_dashboard(session, programme_id, today=as_of or today)
        # A snapshot is of today's data: figures for another day are only shown.
        kept = (kpis.take_snapshot(session, programme_id, dashboard)
                if not args.no_snapshot and dashboard.as_of == today else None)
    if args.json:
        cli._print_json({
            "programme_id": programme_id, "programme": name, "as_of": dashboard.as_of,
            "kpis": dashboard.kpis,
            "metrics": {k: _metric_json(v) for k, v in dashboard.metrics.items()},
            "checkins_by_month": dashboard.checkins_by_month,
            "satisfaction_by_month": [{"month": m, "average": v, "responses": n}
                                      for m, v, n in dashboard.satisfaction_by_month],
            "funnel": [{"stage": s, "people": n} for s, n in dashboard.funnel],
            "training_by_topic": [{"topic": t, "sessions": s, "attendances": a}
                                  for t, s, a in dashboard.training_by_topic],
            "snapshot": kept})
        return 0
    print(f"{name}: KPIs as of {dashboard.as_of.isoformat()}")
    print()
    if dashboard.kpis:
        cli._print_table(["KPI", "Value", "Target", "Status"], [
            (k.name, kpis.format_metric(k.value, k.unit),
             ("≤ " if k.direction.value == "decrease" else "")
             + kpis.format_metric(k.target, k.unit),
             kpis.STATUS_LABELS[k.status]) for k in dashboard.kpis])
        print()
        for k in dashboard.kpis:
            source = (f" [{kpis.METRICS[k.metric].label}]" if k.metric in kpis.METRICS
                      else " [measured by hand]")
            print(f"  {k.name}{source}: {k.explanation}")
    else:
        print("No KPIs set: add them with 'mentordesk programme edit --kpi ...'.")
    print()
    cli._print_table(["Figure", "Value", "What it counts"], [
        (kpis.METRICS[k].label, kpis.format_metric(v.value, kpis.METRICS[k].unit), v.detail)
        for k, v in dashboard.metrics.items()], right=(1,))
    if dashboard.checkins_by_month:
        print()
        cli._print_table(["Month", "Planned", "Held", "Missed", "Cancelled"], [
            (f"{m.month:%Y-%m}", m.planned, m.held, m.missed, m.cancelled)
            for m in dashboard.checkins_by_month], right=(1, 2, 3, 4))
    print()
    if kept is not None:
        print(f"Kept today's {kept} figure{'s' if kept != 1 else ''} for "
              "'mentordesk kpis history'.")
    return 0


def cmd_metrics(args: argparse.Namespace) -> int:
    """``kpis metrics``: the figures MentorDesk computes, for ``kpis set-metric``."""
    _refuse_unused(args, "metrics", "json")
    cli = _cli()
    if args.json:
        cli._print_json(list(kpis.METRICS.values()))
        return 0
    for info in kpis.METRICS.values():
        print(f"{info.key}  ({info.label}, {info.unit}, "
              f"{'higher' if info.direction.value == 'increase' else 'lower'} is better)")
        print(f"    {info.description}")
    return 0


def cmd_history(args: argparse.Namespace) -> int:
    """``kpis history METRIC``: the figure on each day a snapshot was kept."""
    _refuse_unused(args, "history", "programme", "json")
    cli = _cli()
    key = _metric(args.metric)
    with cli._opened(args) as db, db.Session() as session:
        rows = kpis.metric_history(session, _programme_id(session, args), key)
    if args.json:
        cli._print_json([{"date": d, "value": v} for d, v in rows])
        return 0
    if not rows:
        print(f"No {kpis.METRICS[key].label.lower()} kept yet: 'mentordesk kpis' keeps "
              "today's figures.")
        return 0
    cli._print_table(["Date", kpis.METRICS[key].label], [
        (d, kpis.format_metric(v, kpis.METRICS[key].unit)) for d, v in rows], right=(1,))
    return 0


def cmd_drill(args: argparse.Namespace) -> int:
    """``kpis drill METRIC``: the pairs, people, check-ins or sessions behind a figure."""
    _refuse_unused(args, "drill", "programme", "json", "as_of")
    cli = _cli()
    key = _metric(args.metric)
    as_of = _day(args.as_of, "as-of")
    with cli._opened(args) as db, db.Session() as session:
        rows = kpis.drill_down(session, _programme_id(session, args), key, today=as_of)
    if args.json:
        cli._print_json(rows)
        return 0
    if rows:
        cli._print_table(["Kind", "ID", "Who or what", "Detail"],
                         [(r.kind, r.id, r.label, r.detail) for r in rows], right=(1,))
    elif key in ("satisfaction_avg", "recommendation_score"):
        print("Nobody to list: there are no answers, or some are confidential (respondents "
              "of confidential feedback are never listed).")
    elif key.endswith("_others_pct"):
        print("Nobody to list: other employees are kept only as a one-way code, never by "
              "name.")
    else:
        print("Nobody to list.")
    return 0


def cmd_set_metric(args: argparse.Namespace) -> int:
    """``kpis set-metric KPI METRIC|none``."""
    _refuse_unused(args, "set-metric", "programme")
    cli = _cli()
    metric = None if args.metric.strip().lower() in ("none", "-", "") else _metric(args.metric)
    with cli._opened(args) as db, db.Session.begin() as session:
        kpi_id = kpis.find_kpi(session, _programme_id(session, args), args.kpi)
        kpis.set_kpi_metric(session, kpi_id, metric)
    if metric is None:
        print(f"KPI {args.kpi} is now measured by hand.")
    else:
        print(f"KPI {args.kpi} now follows {kpis.METRICS[metric].label.lower()} ({metric}).")
    return 0


def cmd_report(args: argparse.Namespace) -> int:
    """``kpis report OUT.pdf [--as-of DATE]``: the KPI report for stakeholders."""
    from mentordesk.services.documents import save_pdf

    _refuse_unused(args, "report", "programme", "as_of")
    as_of = _day(args.as_of, "as-of")
    try:
        from mentordesk.services.documents.kpi_report import render_kpi_report
    except ModuleNotFoundError as exc:
        if exc.name != "mentordesk.services.documents.kpi_report":
            raise
        raise UserError("This version of MentorDesk cannot print the KPI report yet.") from None
    with _cli()._opened(args) as db, db.Session() as session:
        data = render_kpi_report(session, _programme_id(session, args), today=as_of)
    save_pdf(Path(args.out), data)
    print(f"Wrote the KPI report to {args.out}.")
    return 0


def cmd_goal_reached(args: argparse.Namespace) -> int:
    """``goals reached EMAIL SKILL [--on DATE] [--undo]``."""
    on = _day(args.on, "on")
    with _cli()._opened(args) as db, db.Session.begin() as session:
        person = participants.find_participant(session, args.participant)
        kpis.mark_goal_reached(session, person.id, args.skill, on, reached=not args.undo)
    if args.undo:
        print(f"{person.display_name}'s goal '{args.skill}' is no longer marked reached.")
    else:
        print(f"{person.display_name} reached their goal '{args.skill}' on "
              f"{(on or date.today()).isoformat()}.")
    return 0


# --------------------------------------------------------------------------- HR outcomes


def _field_key(text: str) -> str:
    """An outcomes field given on the command line: its key or label, any case."""
    from mentordesk.services.outcomes import FIELDS

    wanted = " ".join(text.replace("_", " ").split()).casefold()
    if wanted in ("", "ignore", "skip", "none", "-"):
        return ""
    for key, label in FIELDS.items():
        if wanted in (key.replace("_", " ").casefold(), label.casefold()):
            return key
    raise UserError(f"map: '{text}' is not a field; use one of {', '.join(FIELDS)}, or "
                    "'ignore'")


def cmd_outcomes_import(args: argparse.Namespace) -> int:
    """``outcomes import FILE``: preview, problems, then the import unless --dry-run.

    Exit status 1 when any row was refused (the valid rows are still imported, in one
    transaction after a backup, unless --dry-run).
    """
    from mentordesk.services import importing, outcomes

    cli = _cli()
    path = Path(args.file).expanduser()
    options = importing.SourceOptions(encoding=args.encoding,
                                      delimiter=cli._delimiter(args.delimiter),
                                      sheet=args.sheet)
    day_first = not args.month_first
    table = importing.read_source(path, options)
    mapping: dict[str, str] = {}
    for item in args.map or ():
        header, sep, field = item.partition("=")
        if not sep or not header.strip():
            raise UserError(f"map: '{item}' should look like \"Work Email=email\"")
        mapping[cli._resolve_header(table.headers, header.strip())] = _field_key(field)
    with cli._opened(args) as db:
        with db.Session() as session:
            preview = outcomes.preview_outcomes(table, session=session, mapping=mapping,
                                                day_first=day_first, replace=args.replace)
        result = None
        backup = None
        if not args.dry_run and (preview.adds or preview.updates or preview.deletes):
            backup = db.backup("pre-import").path
            with db.Session.begin() as session:
                result = outcomes.import_outcomes(session, table, mapping=mapping,
                                                  day_first=day_first, replace=args.replace)
    if args.json:
        cli._print_json({"file": table.path, "kind": table.kind, "encoding": table.encoding,
                         "delimiter": table.delimiter, "sheet": table.sheet,
                         "header_row": table.header_row, "mapping": preview.mapping,
                         "day_first": day_first, "linked": preview.linked,
                         "others": preview.others, "adds": preview.adds,
                         "updates": preview.updates, "unchanged": preview.unchanged,
                         "refused": len(preview.refused_rows), "left_out": preview.left_out,
                         "replace": preview.replace, "deletes": preview.deletes,
                         "problems": preview.problems,
                         "dry_run": args.dry_run, "result": result, "backup": backup})
    else:
        _print_outcomes_report(preview, result, backup, args.dry_run)
    return 1 if preview.refused_rows else 0


def _print_outcomes_report(preview: Any, result: Any, backup: Path | None,
                           dry_run: bool) -> None:
    from mentordesk.services.outcomes import FIELDS

    cli = _cli()
    table = preview.table
    cli._print_source(table, f"; dates read {'day' if preview.day_first else 'month'} first")
    print()
    cli._print_mapping(table.headers, preview.mapping, FIELDS)
    print()
    print(f"Preview: {preview.linked} participants, {preview.others} other employees (kept "
          f"as a one-way code only); {preview.adds} to add, {preview.updates} to update, "
          f"{preview.unchanged} unchanged, {len(preview.refused_rows)} refused")
    if preview.left_out:
        print(f"Left out: {preview.left_out} row{'s' * (preview.left_out != 1)} of people "
              "erased from MentorDesk.")
    if preview.replace:
        print(f"Replacing: {preview.deletes} stored record{'s' * (preview.deletes != 1)} of "
              "people not in the file would be deleted.")
    if preview.problems:
        cli._print_problems(preview.problems)
    print()
    cli._print_import_end(dry_run, result, backup)
    if result is not None and result.deleted:
        print(f"Deleted {result.deleted} record{'s' * (result.deleted != 1)} of people not "
              "in the file.")


def cmd_outcomes_clear(args: argparse.Namespace) -> int:
    """``outcomes clear [--yes]``: how many HR outcome rows there are; with --yes, delete
    them all in one transaction after a backup."""
    from mentordesk.services import outcomes

    cli = _cli()
    deleted = 0
    backup = None
    with cli._opened(args) as db:
        with db.Session() as session:
            summary = outcomes.outcome_summary(session)
        total = summary.linked + summary.others
        if args.yes and total:
            backup = db.backup("pre-clear").path
            with db.Session.begin() as session:
                deleted = outcomes.clear_outcomes(session)
    if args.json:
        cli._print_json({"rows": total, "linked": summary.linked, "others": summary.others,
                         "deleted": deleted, "backup": backup})
        return 0
    rows = f"{total} HR outcome record{'s' * (total != 1)}"
    detail = f"{summary.linked} of participants, {summary.others} of other employees"
    if not total:
        print("There are no HR outcomes to delete.")
    elif not args.yes:
        print(f"{rows} would be deleted ({detail}). Nothing was deleted: run again with "
              "--yes to delete them (a backup is taken first).")
    else:
        print(f"Deleted {deleted} HR outcome record{'s' * (deleted != 1)} ({detail}).")
        print(f"Backed up first to {backup}")
    return 0


_AS_OF_HELP = ("the figures as of another day (shown only, not kept); pair statuses are "
               "today's: only dated events follow the date")


def _kpi_options(parser: argparse.ArgumentParser, *, programme: bool = False,
                 json_output: bool = False, as_of: bool = False,
                 suppress: bool = False) -> None:
    """--programme, --json and --as-of, on ``kpis`` and again on its actions.

    An action's copies default to SUPPRESS: the action's namespace is copied over the one of
    ``kpis``, so a default there would overwrite an option given before the action.
    """
    default: dict[str, Any] = {"default": argparse.SUPPRESS} if suppress else {}
    if programme:
        parser.add_argument("--programme", metavar="ID_OR_NAME",
                            help="the programme (default: the one that starts last)",
                            **default)
    if json_output:
        parser.add_argument("--json", action="store_true", help="print JSON for scripts",
                            **default)
    if as_of:
        parser.add_argument("--as-of", metavar="YYYY-MM-DD", help=_AS_OF_HELP, **default)


def _refuse_unused(args: argparse.Namespace, action: str, *used: str) -> None:
    """An option given to ``kpis`` that ``action`` does not take is an error, not ignored."""
    given = {"programme": args.programme is not None, "json": args.json,
             "as_of": args.as_of is not None, "no_snapshot": args.no_snapshot}
    unused = [name for name, on in given.items() if on and name not in used]
    if unused:
        options = ", ".join("--" + name.replace("_", "-") for name in unused)
        raise UserError(f"kpis {action} does not take {options}.")


def register(leaf: Callable[..., argparse.ArgumentParser],
             group_parser: Callable[[str, str], Any], commands: Any) -> None:
    """Add ``kpis``, ``goals`` and ``outcomes`` to the ``mentordesk`` parser."""
    metric_help = "a metric key, e.g. matched_pct (mentordesk kpis metrics lists them)"
    p = leaf(commands, "kpis", cmd_kpis,
             "the KPIs against their targets and every computed figure (keeps today's "
             "figures for 'kpis history'); --programme, --json and --as-of may also come "
             "before an action", json_output=False)
    _kpi_options(p, programme=True, json_output=True, as_of=True)
    p.add_argument("--no-snapshot", action="store_true", help="do not keep today's figures")
    actions = p.add_subparsers(dest="kpis_action", metavar="ACTION")
    q = leaf(actions, "metrics", cmd_metrics, "the figures MentorDesk computes, with their "
                                              "definitions", json_output=False)
    _kpi_options(q, json_output=True, suppress=True)
    q = leaf(actions, "history", cmd_history, "a figure on each day it was kept",
             json_output=False)
    _kpi_options(q, programme=True, json_output=True, suppress=True)
    q.add_argument("metric", metavar="METRIC", help=metric_help)
    q = leaf(actions, "drill", cmd_drill,
             "the pairs, people, check-ins or sessions behind a figure", json_output=False)
    _kpi_options(q, programme=True, json_output=True, as_of=True, suppress=True)
    q.add_argument("metric", metavar="METRIC", help=metric_help)
    q = leaf(actions, "set-metric", cmd_set_metric,
             "tie a KPI to a computed figure (or 'none': measured by hand)", json_output=False)
    _kpi_options(q, programme=True, suppress=True)
    q.add_argument("kpi", metavar="KPI", help="the KPI's name or id")
    q.add_argument("metric", metavar="METRIC", help=metric_help + ", or none")
    q = leaf(actions, "report", cmd_report, "print the KPI report for stakeholders",
             json_output=False)
    _kpi_options(q, programme=True, as_of=True, suppress=True)
    q.add_argument("out", metavar="OUT.pdf")

    goals = group_parser("goals", "development goals reached")
    q = leaf(goals, "reached", cmd_goal_reached,
             "record that a participant reached a development goal (--undo takes it back)",
             json_output=False)
    q.add_argument("participant", metavar="EMAIL")
    q.add_argument("skill", metavar="SKILL", help="one of their development goals")
    q.add_argument("--on", metavar="YYYY-MM-DD", help="when (default: today)")
    q.add_argument("--undo", action="store_true", help="no longer reached")

    hr = group_parser("outcomes", "HR outcomes (hire, leaving and promotion dates) for "
                                  "retention and promotion rates")
    q = leaf(hr, "import", cmd_outcomes_import,
             "import the HR system's export (CSV or XLSX: email and any of hire date, "
             "leaving date, promotion date, department); participants are linked, everyone "
             "else is kept only as a one-way code of their email. Shows the preview and "
             "every problem, then imports the valid rows in one transaction after a backup; "
             "exit status 1 if any row was refused", json_output=True)
    q.add_argument("file", metavar="FILE")
    q.add_argument("--map", action="append", metavar="'HEADER=field'",
                   help="map a column to a field (email, hired_on, left_on, promoted_on, "
                        "department) or 'ignore' (repeatable; overrides the automatic "
                        "mapping)")
    _cli()._add_source_options(q)
    q.add_argument("--month-first", action="store_true",
                   help="dates like 01/31/2026 are month first (default: day first, "
                        "31/01/2026)")
    q.add_argument("--replace", action="store_true",
                   help="the file is the truth: delete the records of everyone not in it "
                        "(someone on a refused row is kept as stored)")
    q.add_argument("--dry-run", action="store_true", help="show the preview; write nothing")
    q = leaf(hr, "clear", cmd_outcomes_clear,
             "delete every HR outcome record (without --yes: only say how many would go); "
             "deletes in one transaction after a backup", json_output=True)
    q.add_argument("--yes", action="store_true", help="really delete them")
