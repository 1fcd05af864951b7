"""``mentordesk pair ...``: propose, review, lock, forbid, publish and explain pairings.

The same services as the pairing board, from the command line; never imports PySide6.
People are named by email (or id), pairings by their id from ``pair list``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from mentordesk.errors import UserError, ValidationError
from mentordesk.models import PairingStatus
from mentordesk.services import pairing, participants, programmes
from mentordesk.services.scoring import CRITERIA, DESCRIPTIONS

Handler = Callable[[argparse.Namespace], int]


def _cli() -> Any:
    from mentordesk import cli

    return cli


def _programme_id(session: Session, args: argparse.Namespace) -> int:
    if getattr(args, "programme", None):
        return programmes.find_programme(session, args.programme).id
    current = programmes.current_programme(session)
    if current is None:
        raise UserError("There is no programme yet; create one with "
                        "'mentordesk programme create NAME'.")
    return current.id


def _person_id(session: Session, key: str) -> int:
    return participants.find_participant(session, key).id


def _settings(session: Session, programme_id: int, args: argparse.Namespace
              ) -> pairing.PairingSettings | None:
    """The programme's settings changed by --weight/--preferred-gap/..., or None if no
    option was given."""
    changes: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for item in getattr(args, "weight", None) or ():
        name, sep, value = item.partition("=")
        name = name.strip().replace("-", "_")
        if not sep or name not in CRITERIA:
            errors[name or item] = (f"'{item}' is not NAME=WEIGHT with NAME one of "
                                    f"{', '.join(CRITERIA)}")
            continue
        try:
            changes[name] = float(value)
        except ValueError:
            errors[name] = f"'{value}' is not a number from 0 to 10"
    if getattr(args, "preferred_gap", None) is not None:
        changes["preferred_gap"] = args.preferred_gap
    for flag in ("avoid_previous", "max_matched"):
        if getattr(args, flag, None) is not None:
            changes[flag] = getattr(args, flag)
    if errors:
        raise ValidationError(errors)
    if not changes:
        return None
    current = pairing.get_settings(session, programme_id).to_json()
    current.update({k: (int(v) if isinstance(v, float) and v.is_integer() else v)
                    for k, v in changes.items()})
    return pairing.PairingSettings.from_json(current)


def _add_settings_options(p: argparse.ArgumentParser) -> None:
    p.add_argument("--weight", action="append", metavar="NAME=N",
                   help="a criterion's weight 0-10 (repeatable): "
                        + ", ".join(CRITERIA))
    p.add_argument("--preferred-gap", type=int, metavar="N",
                   help="levels the mentor should be ahead (1-10)")
    p.add_argument("--avoid-previous", action=argparse.BooleanOptionalAction, default=None,
                   help="never pair people who were partners before")
    p.add_argument("--max-matched", action=argparse.BooleanOptionalAction, default=None,
                   help="match as many mentees as possible first (default), then score")


def _row_json(row: pairing.PairingRow) -> dict[str, Any]:
    return {
        "id": row.id, "status": row.status.value, "locked": row.locked,
        "mentor": {"id": row.mentor_id, "name": row.mentor_name, "email": row.mentor_email,
                   "department": row.mentor_department},
        "circle_name": row.circle_name, "score": row.score,
        "start_date": row.start_date.isoformat() if row.start_date else None,
        "mentees": [{"id": m.participant_id, "name": m.name, "email": m.email,
                     "department": m.department, "score": m.score,
                     "explanation": m.explanation.splitlines()} for m in row.members],
    }


def cmd_pair_propose(args: argparse.Namespace) -> int:
    """``pair propose``: the optimal pairs for everyone not in a kept pairing."""
    cli = _cli()
    with cli._opened(args) as db:
        with db.Session.begin() as session:
            programme_id = _programme_id(session, args)
            settings = _settings(session, programme_id, args)
            if args.export_scores:
                pool = pairing.load_pool(session, programme_id)
                count = pairing.export_scores(
                    pool, settings or pairing.get_settings(session, programme_id),
                    Path(args.export_scores))
                print(f"Wrote {count} feasible pair scores to {args.export_scores}.",
                      file=sys.stderr)
            result = pairing.propose_pairings(session, programme_id, settings)
        with db.Session() as session:
            rows = [r for r in pairing.list_pairings(session, programme_id)
                    if r.id in set(result.created)]
    proposal = result.proposal
    if args.json:
        cli._print_json({
            "run_id": result.run_id, "certified": proposal.certified,
            "optimal": "optimal (certified)" if proposal.certified else "not certified",
            "proposed": len(result.created), "replaced": result.replaced,
            "kept": result.kept, "total_score": proposal.total,
            "feasible_pairs": proposal.feasible_pairs, "seconds": round(proposal.seconds, 3),
            "settings": proposal.settings.to_json(), "notes": list(proposal.notes),
            "pairings": [_row_json(r) for r in rows],
            "unmatched": [{"id": u.participant_id, "name": u.name, "email": u.email,
                           "reason": u.reason} for u in proposal.unmatched],
        })
        return 0
    verdict = "optimal (certified)" if proposal.certified else "NOT certified optimal"
    print(f"Proposed {len(result.created)} pairing{'s' if len(result.created) != 1 else ''}, "
          f"{verdict}; kept {result.kept}; replaced {result.replaced} earlier proposals; "
          f"total score {proposal.total:g} in {proposal.seconds:.2f} s.")
    for note in proposal.notes:
        print(note)
    if rows:
        print()
        _print_rows(rows)
    if proposal.unmatched:
        print(f"\n{len(proposal.unmatched)} mentee(s) left unmatched:")
        cli._print_table(["Mentee", "Email", "Why"],
                         [(u.name, u.email, u.reason) for u in proposal.unmatched])
    return 0


def _print_rows(rows: list[pairing.PairingRow]) -> None:
    _cli()._print_table(
        ["ID", "Status", "Lock", "Mentor", "Mentee(s)", "Score", "Top reason"],
        [(r.id, r.status.value, "locked" if r.locked else "", r.mentor_name, r.mentee_names,
          f"{r.score:.1f}" if r.score is not None else "",
          (r.members[0].explanation.splitlines() or [""])[0] if len(r.members) == 1 else
          r.circle_name) for r in rows],
        right=(0, 5))


def cmd_pair_list(args: argparse.Namespace) -> int:
    """``pair list``: the programme's open pairings (or those with --status)."""
    cli = _cli()
    with cli._opened(args) as db, db.Session() as session:
        programme_id = _programme_id(session, args)
        statuses = [PairingStatus(s) for s in args.status] if args.status else None
        rows = pairing.list_pairings(session, programme_id, statuses)
        run = pairing.last_run(session, programme_id)
    if args.json:
        cli._print_json({"pairings": [_row_json(r) for r in rows],
                         "last_run": run})
        return 0
    if not rows:
        print("No pairings yet: run 'mentordesk pair propose'.")
        return 0
    _print_rows(rows)
    if run is not None:
        print(f"\nLast run {cli._text(run.created_at)}: "
              f"{'optimal (certified)' if run.certified else 'not certified'}, "
              f"{run.proposed} proposed, {run.unmatched} unmatched.")
    return 0


def cmd_pair_accept(args: argparse.Namespace) -> int:
    """``pair accept ID... | --all``: re-runs keep accepted pairs."""
    cli = _cli()
    with cli._opened(args) as db, db.Session.begin() as session:
        programme_id = _programme_id(session, args)
        ids = args.ids
        if args.all:
            ids = [r.id for r in pairing.list_pairings(session, programme_id,
                                                      [PairingStatus.PROPOSED])]
        if not ids:
            raise UserError("Name the pairings to accept (ids from 'pair list') or --all.")
        changed = pairing.accept_pairings(session, ids)
    print(f"Accepted {len(changed)} pairing{'s' if len(changed) != 1 else ''}.")
    return 0


def cmd_pair_reject(args: argparse.Namespace) -> int:
    """``pair reject ID``: remove a proposal; its people are not proposed together again."""
    with _cli()._opened(args) as db, db.Session.begin() as session:
        pairing.reject_pairing(session, args.id)
    print(f"Rejected pairing {args.id}; its mentor and mentee(s) will not be proposed "
          "together again ('pair allow' lifts that).")
    return 0


def _two_people(session: Session, args: argparse.Namespace) -> tuple[int, int, int]:
    return (_programme_id(session, args), _person_id(session, args.mentor),
            _person_id(session, args.mentee))


def cmd_pair_lock(args: argparse.Namespace) -> int:
    """``pair lock MENTOR MENTEE``: keep them together in every re-run."""
    with _cli()._opened(args) as db, db.Session.begin() as session:
        programme_id, mentor, mentee = _two_people(session, args)
        pairing_id = pairing.lock_pair(session, programme_id, mentor, mentee)
    print(f"Locked: pairing {pairing_id} stays in every re-run.")
    return 0


def cmd_pair_unlock(args: argparse.Namespace) -> int:
    """``pair unlock MENTOR MENTEE``."""
    with _cli()._opened(args) as db, db.Session.begin() as session:
        programme_id, mentor, mentee = _two_people(session, args)
        pairing.unlock_pair(session, programme_id, mentor, mentee)
    print("Unlocked: the next run may change this pair.")
    return 0


def cmd_pair_forbid(args: argparse.Namespace) -> int:
    """``pair forbid MENTOR MENTEE``: never pair them."""
    with _cli()._opened(args) as db, db.Session.begin() as session:
        programme_id, mentor, mentee = _two_people(session, args)
        pairing.forbid_pair(session, programme_id, mentor, mentee, args.reason or "")
    print("Forbidden: they will never be proposed together.")
    return 0


def cmd_pair_allow(args: argparse.Namespace) -> int:
    """``pair allow MENTOR MENTEE``: lift a ban."""
    with _cli()._opened(args) as db, db.Session.begin() as session:
        programme_id, mentor, mentee = _two_people(session, args)
        pairing.allow_pair(session, programme_id, mentor, mentee)
    print("Allowed: they may be proposed together again.")
    return 0


def cmd_pair_swap(args: argparse.Namespace) -> int:
    """``pair swap MENTEE MENTOR``: give the mentee this mentor (locked)."""
    with _cli()._opened(args) as db, db.Session.begin() as session:
        programme_id = _programme_id(session, args)
        pairing_id = pairing.reassign_mentee(session, programme_id,
                                             _person_id(session, args.mentee),
                                             _person_id(session, args.mentor))
    print(f"Done: pairing {pairing_id}, locked.")
    return 0


def cmd_pair_publish(args: argparse.Namespace) -> int:
    """``pair publish``: proposals (and accepted pairs) become active."""
    cli = _cli()
    with cli._opened(args) as db, db.Session.begin() as session:
        programme_id = _programme_id(session, args)
        result = pairing.publish_pairings(session, programme_id,
                                          accepted_only=args.accepted_only)
    if args.json:
        cli._print_json(result)
    elif result.published:
        print(f"Published {len(result.published)} pairing"
              f"{'s' if len(result.published) != 1 else ''}, starting "
              f"{cli._text(result.start_date)}.")
    else:
        print("Nothing to publish: every pairing is already active.")
    return 0


def cmd_pair_explain(args: argparse.Namespace) -> int:
    """``pair explain EMAIL``: why a person is paired as they are, or why not."""
    cli = _cli()
    with cli._opened(args) as db, db.Session() as session:
        programme_id = _programme_id(session, args)
        found = pairing.explain_person(session, programme_id,
                                       _person_id(session, args.participant))
    if args.json:
        cli._print_json({"id": found.participant_id, "name": found.name,
                         "pairings": [_row_json(r) for r in found.pairings],
                         "unmatched_reason": found.unmatched_reason})
        return 0
    if not found.pairings:
        print(f"{found.name} is not paired: {found.unmatched_reason}.")
        return 0
    for row in found.pairings:
        lock = ", locked" if row.locked else ""
        print(f"Pairing {row.id} ({row.status.value}{lock}): mentor {row.mentor_name}"
              + (f", {row.circle_name}" if row.circle_name else ""))
        for member in row.members:
            if row.mentor_id != found.participant_id and \
                    member.participant_id != found.participant_id:
                continue
            score = f"{member.score:g}" if member.score is not None else "?"
            print(f"  {member.name}: score {score} of 100")
            for line in member.explanation.splitlines():
                print(f"    {line}")
    return 0


def cmd_pair_unmatched(args: argparse.Namespace) -> int:
    """``pair unmatched``: mentees with no pairing, and why."""
    cli = _cli()
    with cli._opened(args) as db, db.Session() as session:
        found = pairing.current_unmatched(session, _programme_id(session, args))
    if args.json:
        cli._print_json(list(found))
    elif not found:
        print("Every mentee has a pairing.")
    else:
        cli._print_table(["Mentee", "Email", "Why"], [(u.name, u.email, u.reason)
                                                       for u in found])
    return 0


def cmd_pair_criteria(args: argparse.Namespace) -> int:
    """``pair criteria [--weight NAME=N ...]``: show (or change) the pairing criteria."""
    cli = _cli()
    with cli._opened(args) as db, db.Session.begin() as session:
        programme_id = _programme_id(session, args)
        changed = _settings(session, programme_id, args)
        if changed is not None:
            pairing.save_settings(session, programme_id, changed)
        settings = changed or pairing.get_settings(session, programme_id)
    if args.json:
        cli._print_json({**settings.to_json(), "descriptions": DESCRIPTIONS})
        return 0
    weights = settings.criteria.weights()
    cli._print_table(["Criterion", "Weight", "What it rewards"],
                     [(name, f"{weights[name]:g}", DESCRIPTIONS[name]) for name in CRITERIA],
                     right=(1,))
    print(f"\nPreferred gap: {settings.criteria.preferred_gap} levels; avoid previous "
          f"partners: {cli._text(settings.avoid_previous)}; match as many as possible "
          f"first: {cli._text(settings.max_matched)}.")
    return 0


def cmd_pair_supply(args: argparse.Namespace) -> int:
    """``pair supply``: mentor places against mentees, skills wanted against offered."""
    cli = _cli()
    with cli._opened(args) as db, db.Session() as session:
        report = pairing.supply_and_demand(session, _programme_id(session, args))
    if args.json:
        cli._print_json({**cli._to_json(report), "shortfall": report.shortfall,
                         "gaps": [{"skill": g.skill, "gap": g.gap} for g in report.gaps()]})
        return 0
    print(f"{report.mentees} mentees, {report.mentors} mentors offering {report.places} "
          f"places" + (f": {report.shortfall} places short." if report.shortfall else "."))
    if report.skills:
        print()
        cli._print_table(["Skill", "Mentees want", "Strong mentors", "Their places", "Gap"],
                         [(x.skill, x.wanted, x.mentors, x.places, x.gap or "")
                          for x in report.skills], right=(1, 2, 3, 4))
    gaps = report.gaps()
    if gaps:
        print("\nRecruit mentors for: " + ", ".join(f"{g.skill} ({g.gap})" for g in gaps[:8]))
    return 0


def _with_programme(p: argparse.ArgumentParser) -> argparse.ArgumentParser:
    p.add_argument("--programme", metavar="ID_OR_NAME",
                   help="the programme (default: the one that starts last)")
    return p


def cmd_pair_end(args: argparse.Namespace) -> int:
    """``pair end ID [--early]``: the pair is over; its check-ins are cancelled."""
    from mentordesk.services import checkins

    with _cli()._opened(args) as db, db.Session.begin() as session:
        checkins.end_pairing(session, args.id, early=args.early)
    print(f"Ended pairing {args.id}; export the invitations to cancel its check-ins in "
          "calendars.")
    return 0


def register(leaf: Callable[..., argparse.ArgumentParser],
             group_parser: Callable[[str, str], Any]) -> None:
    """Add ``pair`` and its actions to the ``mentordesk`` parser."""
    pair = group_parser("pair", "propose, review, lock, forbid, publish and explain pairings")
    with_programme = _with_programme

    p = with_programme(leaf(pair, "propose", cmd_pair_propose,
                            "propose the optimal pairs for everyone not in a locked, "
                            "accepted or active pairing (replaces earlier proposals)",
                            json_output=True))
    p.add_argument("--export-scores", metavar="FILE.csv",
                   help="also write every feasible mentor-mentee score, to check the "
                        "optimum independently")
    _add_settings_options(p)
    p = with_programme(leaf(pair, "list", cmd_pair_list, "list the pairings",
                            json_output=True))
    p.add_argument("--status", action="append", choices=[s.value for s in PairingStatus],
                   help="only these statuses (repeatable; default: all open ones)")
    p = with_programme(leaf(pair, "accept", cmd_pair_accept,
                            "accept proposals (re-runs keep them)", json_output=False))
    p.add_argument("ids", metavar="ID", nargs="*", type=int)
    p.add_argument("--all", action="store_true", help="every proposal")
    p = leaf(pair, "reject", cmd_pair_reject,
             "reject a proposal (they are not proposed together again)", json_output=False)
    p.add_argument("id", metavar="ID", type=int)
    for name, handler, text in (
            ("lock", cmd_pair_lock, "keep this mentor with this mentee in every re-run"),
            ("unlock", cmd_pair_unlock, "let re-runs change this pair again"),
            ("forbid", cmd_pair_forbid, "never pair this mentor with this mentee"),
            ("allow", cmd_pair_allow, "lift a ban on this mentor with this mentee")):
        p = with_programme(leaf(pair, name, handler, text, json_output=False))
        p.add_argument("mentor", metavar="MENTOR_EMAIL")
        p.add_argument("mentee", metavar="MENTEE_EMAIL")
        if name == "forbid":
            p.add_argument("--reason", help="why (kept with the rule)")
    p = with_programme(leaf(pair, "swap", cmd_pair_swap,
                            "give a mentee another mentor (locked)", json_output=False))
    p.add_argument("mentee", metavar="MENTEE_EMAIL")
    p.add_argument("mentor", metavar="MENTOR_EMAIL")
    p = with_programme(leaf(pair, "publish", cmd_pair_publish,
                            "make proposals and accepted pairs active (publishing again "
                            "changes nothing)", json_output=True))
    p.add_argument("--accepted-only", action="store_true",
                   help="publish accepted pairs only, not plain proposals")
    p = leaf(pair, "end", cmd_pair_end,
             "end an active pairing (completed, or --early) and cancel its check-ins",
             json_output=False)
    p.add_argument("id", metavar="ID", type=int)
    p.add_argument("--early", action="store_true", help="it ended before its time")
    p = with_programme(leaf(pair, "explain", cmd_pair_explain,
                            "why a person is paired as they are, or why not",
                            json_output=True))
    p.add_argument("participant", metavar="EMAIL")
    with_programme(leaf(pair, "unmatched", cmd_pair_unmatched,
                        "mentees without a pairing, and why", json_output=True))
    p = with_programme(leaf(pair, "criteria", cmd_pair_criteria,
                            "show or change the pairing criteria", json_output=True))
    _add_settings_options(p)
    with_programme(leaf(pair, "supply", cmd_pair_supply,
                        "mentor places against mentees; skills wanted against offered",
                        json_output=True))

