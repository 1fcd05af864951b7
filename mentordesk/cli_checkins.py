"""``mentordesk checkins ...`` and ``mentordesk invites ...``: rhythms, the log, invitations.

A PAIR is a pairing id (``mentordesk pair list``) or the email of someone in exactly one
active pairing. Times are local wall-clock times in the pair's time zone.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from mentordesk.errors import UserError, ValidationError
from mentordesk.models import CheckinOutcome, Pairing, PairingMember, PairingStatus
from mentordesk.services import checkins, participants
from mentordesk.services.checkins import Schedule


def _cli() -> Any:
    from mentordesk import cli

    return cli


def _programme_id(session: Session, args: argparse.Namespace) -> int:
    from mentordesk.cli_pair import _programme_id as programme_id

    return programme_id(session, args)


def _pair(session: Session, programme_id: int, key: str) -> int:
    """A pairing id, or the one active pairing of the person with this email."""
    if key.strip().isdigit():
        found = session.get(Pairing, int(key))
        if found is None:
            raise UserError(f"There is no pairing with id {key}.")
        return found.id
    person = participants.find_participant(session, key)
    ids = sorted(set(session.scalars(
        select(Pairing.id).outerjoin(PairingMember, PairingMember.pairing_id == Pairing.id)
        .where(Pairing.programme_id == programme_id, Pairing.status == PairingStatus.ACTIVE,
               (Pairing.mentor_id == person.id) | (PairingMember.mentee_id == person.id)))))
    if not ids:
        raise UserError(f"{person.display_name} is in no active pairing.")
    if len(ids) > 1:
        raise UserError(f"{person.display_name} is in {len(ids)} active pairings "
                        f"({', '.join(map(str, ids))}); give the pairing id.")
    return ids[0]


def _local(errors: dict[str, str], field: str, text: str) -> datetime | None:
    try:
        return datetime.fromisoformat(text.strip().replace("T", " "))
    except ValueError:
        errors[field] = f"'{text}' is not a date and time like 2027-01-12 10:00"
        return None


def _day(errors: dict[str, str], field: str, text: str | None) -> date | None:
    if text is None or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        errors[field] = f"'{text}' is not a date like 2027-03-01"
        return None


def _row_json(row: checkins.CheckinRow) -> dict[str, Any]:
    return {"id": row.id, "pairing_id": row.pairing_id, "mentor": row.mentor_name,
            "mentees": row.mentee_names, "start": row.start.isoformat(),
            "timezone": row.timezone, "duration_minutes": row.duration_minutes,
            "outcome": row.outcome.value, "topic": row.topic, "notes": row.notes,
            "moved": row.moved}


def cmd_schedule(args: argparse.Namespace) -> int:
    """``checkins schedule PAIR --every 2w --at ... --tz ...``."""
    cli = _cli()
    errors: dict[str, str] = {}
    frequency, interval = checkins.parse_every(args.every)
    first = _local(errors, "at", args.at)
    until = _day(errors, "until", args.until)
    count = cli._whole_number(errors, "count", args.count)
    duration = cli._whole_number(errors, "duration", args.duration)
    if errors:
        raise ValidationError(errors)
    assert first is not None
    with cli._opened(args) as db, db.Session.begin() as session:
        programme_id = _programme_id(session, args)
        pairing_id = _pair(session, programme_id, args.pair)
        series = checkins.schedule_checkins(session, pairing_id, Schedule(
            frequency, interval, first, args.tz,
            duration if duration is not None else 45, count, until,
            args.location or "", args.link or ""))
    if args.json:
        cli._print_json(series)
    else:
        print(f"Pairing {pairing_id}: {series.meetings} meetings, {series.rhythm} at "
              f"{series.first_start:%H:%M} ({series.timezone}), from "
              f"{series.first_start:%d %b %Y}; invitation version {series.sequence}.")
    return 0


def cmd_schedule_all(args: argparse.Namespace) -> int:
    """``checkins schedule-all --at ... --tz ...``: the programme's rhythm for every active
    pair that has none yet."""
    cli = _cli()
    errors: dict[str, str] = {}
    first = _local(errors, "at", args.at)
    spacing = cli._whole_number(errors, "spacing", args.spacing)
    if errors:
        raise ValidationError(errors)
    assert first is not None
    with cli._opened(args) as db, db.Session.begin() as session:
        done = checkins.schedule_all(session, _programme_id(session, args), first, args.tz,
                                     spacing_minutes=spacing or 0)
    print(f"Scheduled check-ins for {len(done)} pair{'s' if len(done) != 1 else ''}.")
    return 0


def _range(args: argparse.Namespace) -> tuple[date, date]:
    errors: dict[str, str] = {}
    today = date.today()
    start = _day(errors, "from", args.start)
    end = _day(errors, "to", args.end)
    if errors:
        raise ValidationError(errors)
    if args.month:
        first = (start or today).replace(day=1)
        following = (first + timedelta(days=32)).replace(day=1)
        return first, following - timedelta(days=1)
    monday = (start or today) - timedelta(days=(start or today).weekday())
    if start is None and end is None:
        return monday, monday + timedelta(days=6)
    begin = start or today
    return begin, end or begin + timedelta(days=6)


def cmd_list(args: argparse.Namespace) -> int:
    """``checkins list``: this week's meetings (or --month, --from/--to)."""
    cli = _cli()
    start, end = _range(args)
    with cli._opened(args) as db, db.Session() as session:
        programme_id = _programme_id(session, args)
        pairing_id = _pair(session, programme_id, args.pair) if args.pair else None
        rows = checkins.list_checkins(session, programme_id, start, end, pairing_id)
    if args.json:
        cli._print_json([_row_json(r) for r in rows])
        return 0
    print(f"Check-ins {start:%a %d %b %Y} – {end:%a %d %b %Y}:")
    if not rows:
        print("none.")
        return 0
    cli._print_table(["ID", "When", "Pair", "Topic", "Outcome", "Notes"], [
        (r.id, f"{r.start:%a %d %b %H:%M} {r.timezone}" + (" (moved)" if r.moved else ""),
         f"{r.mentor_name} & {r.mentee_names}", r.topic, r.outcome.value, r.notes)
        for r in rows], right=(0,))
    return 0


def cmd_log(args: argparse.Namespace) -> int:
    """``checkins log PAIR DATE held|missed|cancelled [--note TEXT]``."""
    cli = _cli()
    errors: dict[str, str] = {}
    day = _day(errors, "date", args.date)
    if errors:
        raise ValidationError(errors)
    assert day is not None
    with cli._opened(args) as db, db.Session.begin() as session:
        programme_id = _programme_id(session, args)
        row = checkins.log_checkin(session, _pair(session, programme_id, args.pair), day,
                                   CheckinOutcome(args.outcome), note=args.note)
    if args.json:
        cli._print_json(_row_json(row))
    else:
        print(f"Logged the {row.start:%a %d %b %Y %H:%M} check-in of {row.mentor_name} & "
              f"{row.mentee_names} as {row.outcome.value}.")
    return 0


def cmd_move(args: argparse.Namespace) -> int:
    """``checkins move ID --to "YYYY-MM-DD HH:MM"``."""
    cli = _cli()
    errors: dict[str, str] = {}
    to = _local(errors, "to", args.to)
    if errors:
        raise ValidationError(errors)
    assert to is not None
    with cli._opened(args) as db, db.Session.begin() as session:
        checkins.move_checkin(session, args.id, to)
    print(f"Moved check-in {args.id} to {to:%a %d %b %Y %H:%M}; export the invitations "
          "again to update calendars.")
    return 0


def cmd_skip(args: argparse.Namespace) -> int:
    """``checkins skip ID``."""
    with _cli()._opened(args) as db, db.Session.begin() as session:
        checkins.skip_checkin(session, args.id)
    print(f"Skipped check-in {args.id}; export the invitations again to update calendars.")
    return 0


def cmd_overdue(args: argparse.Namespace) -> int:
    """``checkins overdue``: active pairs with no meeting held in twice their rhythm."""
    cli = _cli()
    with cli._opened(args) as db, db.Session() as session:
        programme_id = _programme_id(session, args)
        rows = checkins.overdue_pairs(session, programme_id)
        without = checkins.pairings_without_series(session, programme_id)
    if args.json:
        cli._print_json({"overdue": rows, "without_rhythm": without})
        return 0
    if rows:
        cli._print_table(["Pairing", "Pair", "Last held", "Days since", "Rhythm (days)"], [
            (r.pairing_id, f"{r.mentor_name} & {r.mentee_names}",
             r.last_held or "never", r.days_since, r.rhythm_days) for r in rows],
            right=(0, 3, 4))
    else:
        print("Every active pair has met within twice its rhythm.")
    if without:
        print(f"\nNo rhythm yet: pairing{'s' if len(without) != 1 else ''} "
              f"{', '.join(map(str, without))}.")
    return 0


def cmd_invites_export(args: argparse.Namespace) -> int:
    """``invites export DIR [--pair PAIR] [--eml]``."""
    cli = _cli()
    with cli._opened(args) as db, db.Session() as session:
        programme_id = _programme_id(session, args)
        pairs = [_pair(session, programme_id, p) for p in args.pair] if args.pair else None
        result = checkins.export_invitations(session, programme_id, Path(args.folder),
                                             pairing_ids=pairs, eml=args.eml)
    if args.json:
        cli._print_json(result)
        return 0
    print(f"Wrote {len(result.files)} invitation{'s' if len(result.files) != 1 else ''}"
          + (f" ({result.cancelled} cancelling ended pairs)" if result.cancelled else "")
          + (f", {len(result.drafts)} email drafts" if result.drafts else "")
          + (f" and the calendar {result.calendar.name}" if result.calendar else "")
          + f" to {result.folder}.")
    for line in result.skipped:
        print(f"Left out: {line}")
    return 0


def register(leaf: Callable[..., argparse.ArgumentParser],
             group_parser: Callable[[str, str], Any]) -> None:
    """Add ``checkins`` and ``invites`` to the ``mentordesk`` parser."""
    from mentordesk.cli_pair import _with_programme as with_programme

    group = group_parser("checkins", "schedule check-ins, log meetings and find pairs to nudge")
    p = with_programme(leaf(group, "schedule", cmd_schedule,
                            "set (or change) an active pair's rhythm of check-ins",
                            json_output=True))
    p.add_argument("pair", metavar="PAIR", help="pairing id, or the email of someone in it")
    p.add_argument("--every", required=True,
                   help="1w, 2w, 3w, 1m (monthly on the first meeting's weekday, e.g. the "
                        "2nd Tuesday), 10d, weekly, fortnightly or monthly")
    p.add_argument("--at", required=True, metavar="'YYYY-MM-DD HH:MM'",
                   help="the first meeting, local time")
    p.add_argument("--tz", required=True, metavar="ZONE", help="e.g. Europe/London")
    p.add_argument("--duration", metavar="MIN", help="minutes (default 45)")
    p.add_argument("--count", metavar="N", help="how many meetings")
    p.add_argument("--until", metavar="YYYY-MM-DD",
                   help="the last day (default: the programme's end)")
    p.add_argument("--link", metavar="URL", help="the video call link")
    p.add_argument("--location", help="a room or place")
    p = with_programme(leaf(group, "schedule-all", cmd_schedule_all,
                            "give every active pair without a rhythm the programme's",
                            json_output=False))
    p.add_argument("--at", required=True, metavar="'YYYY-MM-DD HH:MM'",
                   help="the first pair's first meeting, local time")
    p.add_argument("--tz", required=True, metavar="ZONE")
    p.add_argument("--spacing", metavar="MIN", help="each next pair this much later")
    p = with_programme(leaf(group, "list", cmd_list, "meetings this week (or --month, "
                                                     "--from/--to)", json_output=True))
    p.add_argument("--from", dest="start", metavar="YYYY-MM-DD")
    p.add_argument("--to", dest="end", metavar="YYYY-MM-DD")
    p.add_argument("--month", action="store_true", help="the whole month")
    p.add_argument("--pair", metavar="PAIR", help="one pair only")
    p = with_programme(leaf(group, "log", cmd_log,
                            "record a meeting as held, missed or cancelled",
                            json_output=True))
    p.add_argument("pair", metavar="PAIR")
    p.add_argument("date", metavar="DATE", help="its local date, YYYY-MM-DD")
    p.add_argument("outcome", choices=["held", "missed", "cancelled"])
    p.add_argument("--note", help="what was discussed, or why not")
    p = leaf(group, "move", cmd_move, "move one meeting still to come", json_output=False)
    p.add_argument("id", metavar="CHECKIN_ID", type=int)
    p.add_argument("--to", required=True, metavar="'YYYY-MM-DD HH:MM'",
                   help="the new local time")
    p = leaf(group, "skip", cmd_skip, "cancel one meeting still to come", json_output=False)
    p.add_argument("id", metavar="CHECKIN_ID", type=int)
    with_programme(leaf(group, "overdue", cmd_overdue,
                        "active pairs with no meeting held in twice their rhythm",
                        json_output=True))

    invites = group_parser("invites", "export calendar invitations (.ics) and email drafts")
    p = with_programme(leaf(invites, "export", cmd_invites_export,
                            "write each pair's invitation, the combined calendar and "
                            "optionally .eml drafts into DIR", json_output=True))
    p.add_argument("folder", metavar="DIR")
    p.add_argument("--pair", action="append", metavar="PAIR", help="only this pair "
                                                                  "(repeatable)")
    p.add_argument("--eml", action="store_true",
                   help="also write an email draft per pair with the invitation attached")
