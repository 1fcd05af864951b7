"""Migrations: from empty, from an older schema holding data, and the safety nets."""

from __future__ import annotations

import shutil
import sqlite3
import textwrap
import warnings
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from mentordesk import db as dbmod
from mentordesk.db import Database, known_revisions, list_backups
from mentordesk.errors import MigrationError
from mentordesk.models import Base
from mentordesk.services.demo import load_demo

MIGRATIONS = Path(dbmod.__file__).parent / "migrations"


def _counts(path: Path) -> dict[str, int]:
    con = sqlite3.connect(path)
    try:
        names = [r[0] for r in con.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name NOT LIKE 'sqlite_%'")]
        return {n: con.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names
                if n != "alembic_version"}
    finally:
        con.close()


def _revision(path: Path) -> str:
    con = sqlite3.connect(path)
    try:
        return str(con.execute("SELECT version_num FROM alembic_version").fetchone()[0])
    finally:
        con.close()


def test_fresh_database_matches_the_models_exactly(db: Database) -> None:
    head, _ = known_revisions()
    assert _revision(db.path) == head
    with db.engine.connect() as conn, warnings.catch_warnings():
        # SQLite cannot reflect expression indexes; they are checked separately below.
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diffs == []
    con = sqlite3.connect(db.path)
    indexes = {r[0] for r in con.execute("SELECT name FROM sqlite_master WHERE type='index'")}
    con.close()
    assert {"uq_participant_email_ci", "uq_skill_name_ci"} <= indexes


@pytest.fixture
def extra_migration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    """Install a further revision after head, written by the test."""
    scripts = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS, scripts, ignore=shutil.ignore_patterns("__pycache__"))
    head, _ = known_revisions()
    original = dbmod._alembic_config

    def config(connection=None):
        cfg = original(connection)
        cfg.set_main_option("script_location", str(scripts))
        return cfg

    monkeypatch.setattr(dbmod, "_alembic_config", config)
    monkeypatch.setattr(dbmod, "HEAD_REVISION", "9000_test")

    def write(body: str) -> None:
        lines = [
            "import sqlalchemy as sa",
            "from alembic import op",
            'revision = "9000_test"',
            f"down_revision = {head!r}",
            "branch_labels = None",
            "depends_on = None",
            "",
            "def upgrade():",
            textwrap.indent(textwrap.dedent(body).strip(), "    "),
            "",
            "def downgrade():",
            "    pass",
        ]
        (scripts / "versions" / "9000_test.py").write_text("\n".join(lines) + "\n")
    return write


def _demo_database(path: Path) -> None:
    database = Database.open(path)
    with database.Session.begin() as s:
        load_demo(s)
    database.close()


def test_table_rebuilding_migration_keeps_every_child_row(db_path: Path,
                                                          extra_migration) -> None:
    _demo_database(db_path)
    before = _counts(db_path)
    assert before["feedback_answer"] > 0 and before["checkin"] > 0
    # Rebuild the parents of nearly every table, as a batch migration on SQLite does. With
    # foreign keys on, each DROP TABLE would cascade and delete the children.
    extra_migration("""
        from mentordesk.migrations.helpers import recreate_expression_indexes
        for table in ("participant", "programme", "pairing", "feedback_form", "skill"):
            with op.batch_alter_table(table, recreate="always") as batch:
                batch.add_column(sa.Column("extra", sa.Integer(), nullable=True))
        recreate_expression_indexes()
    """)
    Database.open(db_path).close(backup=False)
    assert _revision(db_path) == "9000_test"
    assert _counts(db_path) == before
    assert "pre-migration" in [b.reason for b in list_backups(db_path)]
    con = sqlite3.connect(db_path)
    assert con.execute("PRAGMA foreign_key_check").fetchall() == []
    con.close()


def test_migration_that_loses_rows_is_rolled_back(db_path: Path, extra_migration) -> None:
    _demo_database(db_path)
    before = _counts(db_path)
    head = _revision(db_path)
    extra_migration("""
        op.execute("DELETE FROM checkin WHERE outcome = 'missed'")
        op.add_column("checkin", sa.Column("extra", sa.Integer(), nullable=True))
    """)
    with pytest.raises(MigrationError, match=r"row counts.*checkin"):
        Database.open(db_path)
    assert _counts(db_path) == before
    assert _revision(db_path) == head
    con = sqlite3.connect(db_path)
    assert "extra" not in [r[1] for r in con.execute("PRAGMA table_info(checkin)")]
    con.close()
    with pytest.raises(MigrationError):  # the lock was released despite the failure
        Database.open(db_path)


def test_failing_migration_leaves_database_unchanged_and_backed_up(
        db_path: Path, extra_migration) -> None:
    _demo_database(db_path)
    before = _counts(db_path)
    extra_migration("""
        op.add_column("participant", sa.Column("extra", sa.Integer(), nullable=True))
        raise RuntimeError("bug in a migration")
    """)
    with pytest.raises(MigrationError, match="rolled back"):
        Database.open(db_path)
    assert _counts(db_path) == before
    con = sqlite3.connect(db_path)
    assert "extra" not in [r[1] for r in con.execute("PRAGMA table_info(participant)")]
    con.close()
    backup = next(b for b in list_backups(db_path) if b.reason == "pre-migration")
    assert _counts(backup.path) == before


def test_rebuild_that_drops_the_case_insensitive_email_index_is_refused(
        db_path: Path, extra_migration) -> None:
    _demo_database(db_path)
    before = _counts(db_path)
    extra_migration("""
        with op.batch_alter_table("participant", recreate="always") as batch:
            batch.add_column(sa.Column("extra", sa.Integer(), nullable=True))
    """)
    with pytest.raises(MigrationError, match="uq_participant_email_ci"):
        Database.open(db_path)
    assert _counts(db_path) == before


def _demo_at(db_path: Path, revision: str) -> None:
    """A database at an old ``revision`` holding the demo programme.

    The demo is written by today's models into a scratch database, then each table's rows
    are copied, for the columns the old schema has, into a database migrated to
    ``revision`` (in dependency order, foreign keys off for the self-referencing manager).
    """
    from sqlalchemy import MetaData, insert, select
    from sqlalchemy.orm import Session

    from mentordesk.db import make_engine, upgrade_schema

    scratch = make_engine(db_path.with_name("scratch.sqlite3"))
    upgrade_schema(scratch)
    with Session(scratch) as s, s.begin():
        load_demo(s)
    old = make_engine(db_path)
    upgrade_schema(old, revision)
    source, target = MetaData(), MetaData()
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message=".*expression-based index.*")
        source.reflect(scratch)
        target.reflect(old)
    # Question kinds the old schema does not know (0006 added them) are left out, with
    # their answers: the old app could not have had them.
    kind_length = getattr(target.tables["feedback_question"].c.kind.type, "length", None)
    new_kinds = {"multi_choice", "score"} if kind_length == 6 else set()
    left_out: set[int] = set()
    with scratch.connect() as src, old.begin() as dst:
        dst.exec_driver_sql("PRAGMA defer_foreign_keys=ON")
        for table in target.sorted_tables:
            if table.name == "alembic_version" or table.name not in source.tables:
                continue
            columns = [c.name for c in table.columns]
            rows = [dict(r._mapping) for r in src.execute(
                select(*(source.tables[table.name].c[c] for c in columns
                         if c in source.tables[table.name].c)))]
            if table.name == "feedback_question":
                left_out |= {r["id"] for r in rows if r["kind"] in new_kinds}
                rows = [r for r in rows if r["id"] not in left_out]
            elif table.name == "feedback_answer":
                rows = [r for r in rows if r["question_id"] not in left_out]
            # A value today's schema may leave empty that the old one required (a meeting
            # in a series has no UID of its own): made up, unique.
            for n, row in enumerate(rows):
                for column in table.columns:
                    if not column.nullable and row.get(column.name) is None \
                            and column.name in row:
                        row[column.name] = f"old-{table.name}-{column.name}-{n}"
            if rows:
                dst.execute(insert(table), rows)
    scratch.dispose()
    old.dispose()


def test_head_constant_matches_the_migration_scripts() -> None:
    from mentordesk.migrations import HEAD_REVISION

    head, known = known_revisions()
    assert head == HEAD_REVISION and head in known


def test_upgrade_from_the_first_revision_keeps_every_row(db_path: Path) -> None:
    from sqlalchemy import select

    from mentordesk.models import Checkin, Pairing, PairingStatus, Participant

    _demo_at(db_path, "0001_initial")
    assert _revision(db_path) == "0001_initial"
    before = _counts(db_path)

    database = Database.open(db_path)
    head, _ = known_revisions()
    assert _revision(db_path) == head
    after = _counts(db_path)
    assert {t: n for t, n in after.items() if t in before} == before
    assert "pre-migration" in [b.reason for b in list_backups(db_path)]
    # The point of 0002: erasing a mentor keeps their pairing (for the counts).
    with database.Session.begin() as s:
        pairing = s.scalars(select(Pairing)).first()
        assert pairing is not None
        s.delete(s.get(Participant, pairing.mentor_id))
        pairing_id = pairing.id
    with database.Session() as s:
        kept = s.get(Pairing, pairing_id)
        assert kept is not None and kept.mentor_id is None
    # The point of 0003: a proposal can be accepted, and each mentee has an explanation.
    with database.Session.begin() as s:
        kept = s.get(Pairing, pairing_id)
        assert kept is not None
        kept.status = PairingStatus.ACCEPTED
        assert all(m.explanation == "" and m.score is None for m in kept.members)
    with database.Session() as s:
        assert s.scalars(select(Pairing.status).where(Pairing.id == pairing_id)).one() \
            == PairingStatus.ACCEPTED
    # The point of 0004: meetings from before keep their own calendar UID, belong to no
    # series and have no topic; a meeting in a series needs none.
    with database.Session.begin() as s:
        old = s.scalars(select(Checkin)).all()
        assert old and all(c.ical_uid and c.series_id is None and c.topic == ""
                           and c.original_start is None for c in old)
        s.add(Checkin(pairing_id=old[0].pairing_id, scheduled_start=old[0].scheduled_start,
                      ical_uid=None))
    database.close(backup=False)
