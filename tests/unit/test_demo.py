"""The demo programme is realistic enough for every screen."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select

from mentordesk.errors import UserError
from mentordesk.models import (
    Checkin,
    FeedbackResponse,
    Pairing,
    Participant,
    ParticipantSkill,
)
from mentordesk.services.demo import database_is_empty, load_demo
from mentordesk.services.participants import list_participants


def test_demo_has_people_managers_skills_and_activity(db) -> None:
    with db.Session.begin() as s:
        assert database_is_empty(s)
        load_demo(s, today=date(2026, 11, 25))
    with db.Session() as s:
        rows = list_participants(s)
        people = s.scalars(select(Participant)).all()
        assert 75 <= len(rows) <= 85
        assert len({r.department for r in rows}) == 6
        assert sum(1 for p in people if p.manager_id) >= 70
        assert {r.role.value for r in rows} == {"mentor", "mentee", "both"}
        assert len({r.timezone for r in rows}) >= 5
        assert any(not r.full_name.isascii() for r in rows)  # accents, as real names have
        levels = s.scalars(select(ParticipantSkill.level)).all()
        assert min(levels) >= 1 and max(levels) == 5
        assert s.scalar(select(func.count(Pairing.id))) >= 5
        assert s.scalar(select(func.count(Checkin.id))) >= 20
        assert s.scalar(select(func.count(FeedbackResponse.id))) >= 6
        mentor_ids = {p.mentor_id for p in s.scalars(select(Pairing))}
        assert all(s.get(Participant, m).mentor_capacity >= 1 for m in mentor_ids)
        assert not database_is_empty(s)


def test_demo_is_refused_on_a_database_in_use(db) -> None:
    with db.Session.begin() as s:
        load_demo(s)
    with pytest.raises(UserError, match="empty database"), db.Session.begin() as s:
        load_demo(s)


def test_demo_is_the_same_every_time(tmp_path) -> None:
    from mentordesk.db import Database

    names = []
    for n in range(2):
        database = Database.open(tmp_path / f"d{n}.sqlite3")
        with database.Session.begin() as s:
            load_demo(s, today=date(2026, 11, 25))
        with database.Session() as s:
            names.append([r.email for r in list_participants(s)])
        database.close(backup=False)
    assert names[0] == names[1]
