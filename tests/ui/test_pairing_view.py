"""The Pairing area on the demo programme: proposing, previewing criteria live, reviewing
pairs on the board (accept, lock, reject, swap, forbid), the unmatched, and publishing."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from PySide6.QtCore import Qt
from pytestqt.modeltest import ModelTester
from pytestqt.qtbot import QtBot

from mentordesk.db import Database
from mentordesk.models import PairingStatus
from mentordesk.services.pairing import (
    PairingRow,
    compute_proposal,
    get_settings,
    last_run,
    list_pairings,
    load_pool,
    supply_and_demand,
)
from mentordesk.services.programmes import ProgrammeData, create_programme
from mentordesk.ui.main_window import MainWindow
from mentordesk.ui.qtmodels.pairings import (
    MentorChoicesTableModel,
    PairingColumn,
    PairingsProxyModel,
    PairingsTableModel,
    Role,
    SkillSupplyTableModel,
    UnmatchedTableModel,
    explanation_lines,
    is_draft,
    preview_rows,
)
from mentordesk.ui.views.pairing_view import PairingView
from tests.ui.helpers import click, expect, programme_id, show_area, wait_for


def pairing_view(window: MainWindow) -> PairingView:
    return show_area(window, "pairing", PairingView)


def saved(db: Database) -> list[PairingRow]:
    with db.Session() as session:
        return list_pairings(session, programme_id(db))


def pairs(rows: list[PairingRow]) -> set[tuple[int | None, int | None]]:
    return {(r.mentor_id, m.participant_id) for r in rows for m in r.members}


def propose(qtbot: QtBot, view: PairingView) -> None:
    task = view.propose()
    assert task is not None
    outcome, result = wait_for(qtbot, task)
    assert outcome == "done", result


def select_first(view: PairingView, status: PairingStatus = PairingStatus.PROPOSED,
                 skip: int = 0) -> PairingRow:
    """Select the ``skip``-th shown pairing of ``status``, as a click would."""
    for row in range(view.proxy.rowCount()):
        pairing: PairingRow = view.proxy.index(row, 0).data(Role.ROW)
        if pairing.status == status and not is_draft(pairing):
            if skip == 0:
                view.table.selectRow(row)
                return pairing
            skip -= 1
    raise AssertionError(f"no {status} pairing shown")


# --------------------------------------------------------------------------- models


def test_the_models_pass_the_model_tester(qtmodeltester: ModelTester,
                                          demo_db: Database) -> None:
    with demo_db.Session() as session:
        pid = programme_id(demo_db)
        rows = list_pairings(session, pid)
        pool = load_pool(session, pid)
        report = supply_and_demand(session, pid)
        settings = get_settings(session, pid)
    proposal = compute_proposal(pool, settings)
    board = PairingsTableModel()
    board.set_rows(preview_rows(pool, proposal, rows))
    qtmodeltester.check(board)
    proxy = PairingsProxyModel()
    proxy.setSourceModel(board)
    proxy.set_search("a")
    qtmodeltester.check(proxy)
    unmatched = UnmatchedTableModel()
    unmatched.set_rows(proposal.unmatched)
    qtmodeltester.check(unmatched)
    qtmodeltester.check(SkillSupplyTableModel(report.skills))
    from mentordesk.ui.qtmodels.pairings import MentorChoice

    qtmodeltester.check(MentorChoicesTableModel([
        MentorChoice(1, "Dana", "Sales", 71.5, 2, True),
        MentorChoice(2, "Ravi", "Finance", None, 0, False, "In their reporting line")]))


def test_the_board_sorts_scores_as_numbers_and_keeps_kept_pairs_in_a_preview(
        demo_db: Database) -> None:
    with demo_db.Session() as session:
        pid = programme_id(demo_db)
        rows = list_pairings(session, pid)
        pool = load_pool(session, pid)
        settings = get_settings(session, pid)
    proposal = compute_proposal(pool, settings)
    board = PairingsTableModel()
    board.set_rows(preview_rows(pool, proposal, rows))
    kept = {pairing_id for pairing_id, _, _ in pool.kept}
    shown = board.rows()
    assert {r.id for r in shown if not is_draft(r)} == kept  # unlocked proposals give way
    assert sum(1 for r in shown if is_draft(r)) == len(proposal.matches)
    proxy = PairingsProxyModel()
    proxy.setSourceModel(board)
    proxy.sort(PairingColumn.SCORE, Qt.SortOrder.AscendingOrder)
    scores = [proxy.index(r, PairingColumn.SCORE).data(Role.SORT)
              for r in range(proxy.rowCount())]
    assert scores == sorted(scores) and scores[0] < scores[-1]
    proxy.set_status("active")
    assert {proxy.index(r, 0).data() for r in range(proxy.rowCount())} == {"Active"}


def test_explanation_lines_carry_their_points() -> None:
    text = ("Dana Manager is level 5 in Leadership, which Sam Engineer wants to develop: +32\n"
            "Sales and Engineering: cross-functional, +12\n"
            "New York and London: different locations, +0\n"
            "a line without points")
    assert explanation_lines(text) == [
        ("Dana Manager is level 5 in Leadership, which Sam Engineer wants to develop", 32.0),
        ("Sales and Engineering: cross-functional", 12.0),
        ("New York and London: different locations", 0.0),
        ("a line without points", None)]


# --------------------------------------------------------------------------- the view


def test_the_board_shows_the_programmes_pairings(window: MainWindow,
                                                 demo_db: Database) -> None:
    view = pairing_view(window)
    assert view.model.rowCount() == len(saved(demo_db)) == 10
    assert view.verdict_label.text() == "No proposal run yet"
    assert "Grow Together" in view.programme_label.text()
    assert view.board_stack.currentWidget() is view.table
    view.table.selectRow(0)
    shown = view.current_row()
    assert shown is not None
    text = view.detail.toPlainText()
    assert shown.mentor_name in text and "score, out of 100" in text
    reason, points = explanation_lines(shown.members[0].explanation)[0]
    assert f"+{points:g}\n" in text
    assert reason[:1].upper() + reason[1:] in text.replace("\n", " ")


def test_propose_pairs_fills_the_board_in_the_background(qtbot: QtBot, window: MainWindow,
                                                         demo_db: Database) -> None:
    view = pairing_view(window)
    propose(qtbot, view)
    rows = saved(demo_db)
    assert view.model.rowCount() == len(rows) == 58  # 50 proposed, 8 active kept
    assert view.verdict_label.text().startswith("Optimal (certified) — 50 pairs, total ")
    assert view.verdict_label.text().endswith("4 unmatched")
    with demo_db.Session() as session:
        run = last_run(session, programme_id(demo_db))
    assert run is not None and run.certified and run.proposed == 50
    assert view.tabs.tabText(1) == "Unmatched (4)"
    assert window.statusBar().currentMessage().startswith("Proposed 50 pairs")


def test_sliders_preview_live_without_writing_until_saved(qtbot: QtBot, window: MainWindow,
                                                          demo_db: Database) -> None:
    view = pairing_view(window)
    propose(qtbot, view)
    before = saved(demo_db)
    with demo_db.Session() as session:
        run_before = last_run(session, programme_id(demo_db))
    with qtbot.waitSignal(view.preview_changed):
        view.criteria.set_weight("complementary_skills", 0)
        view.criteria.set_weight("location", 10)
    assert view.preview is not None
    assert view.verdict_label.text().startswith("Draft preview — not saved")
    drafts = [r for r in view.model.rows() if is_draft(r)]
    assert len(drafts) == 50
    assert pairs(drafts) != pairs([r for r in before if r.status == PairingStatus.PROPOSED])
    assert any(r.members[0].explanation.startswith("both in ") for r in drafts)
    assert view.criteria.share_labels["complementary_skills"].text() == "0 pts"
    assert not view.accept_button.isEnabled()  # the board is a draft: nothing to act on
    # Nothing was written.
    assert saved(demo_db) == before
    with demo_db.Session() as session:
        assert last_run(session, programme_id(demo_db)) == run_before
        assert get_settings(session, programme_id(demo_db)).criteria.location == 1

    with qtbot.waitSignal(view.preview_changed):
        click(qtbot, view.criteria.save_button)
    assert view.preview is None
    rows = saved(demo_db)
    assert pairs([r for r in rows if r.status == PairingStatus.PROPOSED]) == pairs(drafts)
    with demo_db.Session() as session:
        criteria = get_settings(session, programme_id(demo_db)).criteria
    assert (criteria.location, criteria.complementary_skills) == (10, 0)
    assert view.verdict_label.text().startswith("Optimal (certified)")


def test_reset_puts_the_preview_away(qtbot: QtBot, window: MainWindow,
                                     demo_db: Database) -> None:
    view = pairing_view(window)
    with qtbot.waitSignal(view.preview_changed):
        view.criteria.max_matched.setChecked(False)
    assert view.preview is not None and view.criteria.reset_button.isEnabled()
    with qtbot.waitSignal(view.preview_changed):
        click(qtbot, view.criteria.reset_button)
    assert view.preview is None
    assert view.criteria.max_matched.isChecked()
    assert view.model.rows() == saved(demo_db)


def test_accept_lock_and_reject_change_the_database(qtbot: QtBot, window: MainWindow,
                                                    demo_db: Database,
                                                    prompts: SimpleNamespace) -> None:
    view = pairing_view(window)
    propose(qtbot, view)
    first = select_first(view)
    assert view.accept_button.isEnabled()
    click(qtbot, view.accept_button)
    assert {r.id: r.status for r in saved(demo_db)}[first.id] == PairingStatus.ACCEPTED
    assert view.current_row() is not None and view.current_row().id == first.id  # type: ignore[union-attr]

    second = select_first(view)
    assert view.lock_button.text() == "Lock"
    click(qtbot, view.lock_button)
    assert {r.id: r.locked for r in saved(demo_db)}[second.id]
    assert view.lock_button.text() == "Unlock"
    click(qtbot, view.lock_button)
    assert not {r.id: r.locked for r in saved(demo_db)}[second.id]

    third = select_first(view, skip=1)
    click(qtbot, view.reject_button)
    assert third.id not in {r.id for r in saved(demo_db)}
    with demo_db.Session() as session:
        pool = load_pool(session, programme_id(demo_db))
    assert (third.mentor_id, third.members[0].participant_id) in pool.forbidden
    prompts.confirm.assert_not_called()  # one at a time needs no confirmation


def test_forbid_from_the_context_menu(qtbot: QtBot, window: MainWindow,
                                      demo_db: Database) -> None:
    view = pairing_view(window)
    propose(qtbot, view)
    pairing = select_first(view)
    menu = view.context_menu()
    assert menu is not None
    texts = [a.text() for a in menu.actions() if a.text()]
    mentee = pairing.members[0]
    assert texts == ["Accept", "Lock", "Reject", f"Swap mentor for {mentee.name}…",
                     f"Never pair {pairing.mentor_name} with {mentee.name}"]
    menu.actions()[-1].trigger()
    assert pairing.id not in {r.id for r in saved(demo_db)}
    with demo_db.Session() as session:
        pool = load_pool(session, programme_id(demo_db))
    assert (pairing.mentor_id, mentee.participant_id) in pool.forbidden
    menu.close()


def test_locks_and_bans_are_listed_and_can_be_lifted(qtbot: QtBot, window: MainWindow,
                                                     demo_db: Database,
                                                     qtmodeltester: ModelTester) -> None:
    view = pairing_view(window)
    propose(qtbot, view)
    first = select_first(view)
    click(qtbot, view.reject_button)  # a rejected proposal becomes a ban
    qtbot.waitUntil(lambda: view.rules_model.rowCount() == 1)
    second = select_first(view)
    click(qtbot, view.lock_button)
    qtbot.waitUntil(lambda: view.rules_model.rowCount() == 2)
    qtmodeltester.check(view.rules_model)
    shown = {(view.rules_model.row_at(r).mentor_id, view.rules_model.row_at(r).mentee_id,
              view.rules_model.index(r, 0).data()) for r in range(2)}
    assert shown == {
        (first.mentor_id, first.members[0].participant_id, "Never together"),
        (second.mentor_id, second.members[0].participant_id, "Locked together")}
    assert view.tabs.tabText(view.tabs.count() - 1) == "Locks and bans (2)"
    assert not view.lift_button.isEnabled()
    view.rules_table.selectAll()
    assert view.lift_button.isEnabled()
    click(qtbot, view.lift_button)
    qtbot.waitUntil(lambda: view.rules_model.rowCount() == 0)
    with demo_db.Session() as session:
        pool = load_pool(session, programme_id(demo_db))
    assert (first.mentor_id, first.members[0].participant_id) not in pool.forbidden
    assert not next(r for r in saved(demo_db) if r.id == second.id).locked


def test_swap_mentor_through_the_dialog(qtbot: QtBot, window: MainWindow,
                                        demo_db: Database) -> None:
    view = pairing_view(window)
    propose(qtbot, view)
    pairing = select_first(view)
    mentee_id = pairing.members[0].participant_id
    dialog = view.swap_mentor()
    assert dialog is not None and dialog.isVisible()
    choices = [dialog.model.row_at(r) for r in range(dialog.model.rowCount())]
    current = next(c for c in choices if c.mentor_id == pairing.mentor_id)
    assert not current.allowed and current.note == "Their mentor now"
    target = next(c for c in choices if c.allowed)
    assert target.score is not None
    assert not dialog.ok_button.isEnabled()
    assert dialog.select_mentor(target.mentor_id)
    click(qtbot, dialog.ok_button)
    qtbot.waitUntil(lambda: view.swap_dialog is None)

    mine = [r for r in saved(demo_db) if any(m.participant_id == mentee_id for m in r.members)]
    assert len(mine) == 1
    assert mine[0].mentor_id == target.mentor_id and mine[0].locked
    assert mine[0].members[0].score == target.score  # the score the dialog promised
    selected = view.current_row()
    assert selected is not None and selected.id == mine[0].id


def test_the_unmatched_show_why_and_can_be_given_a_mentor(qtbot: QtBot, window: MainWindow,
                                                          demo_db: Database) -> None:
    view = pairing_view(window)
    propose(qtbot, view)
    assert view.unmatched_model.rowCount() == 4
    reasons = {view.unmatched_model.row_at(r).reason
               for r in range(view.unmatched_model.rowCount())}
    assert all("at capacity" in reason for reason in reasons)
    assert view.unmatched_proxy.index(0, 2).data().startswith("All ")
    view.tabs.setCurrentIndex(1)
    mentee_id = view.unmatched_proxy.index(0, 0).data(Role.ID)
    cell = view.unmatched_table.visualRect(view.unmatched_proxy.index(0, 0)).center()
    viewport = view.unmatched_table.viewport()
    qtbot.mouseClick(viewport, Qt.MouseButton.LeftButton,
                     pos=cell)  # type: ignore[no-untyped-call]
    assert view.choose_mentor_button.isEnabled()
    qtbot.mouseDClick(viewport, Qt.MouseButton.LeftButton,
                      pos=cell)  # type: ignore[no-untyped-call]
    dialog = view.swap_dialog
    assert dialog is not None and dialog.isVisible()
    target = next(dialog.model.row_at(r) for r in range(dialog.model.rowCount())
                  if dialog.model.row_at(r).allowed)
    assert "would lose this mentor" in target.note  # every mentor is full of drafts
    assert dialog.select_mentor(target.mentor_id)
    dialog.accept()
    qtbot.waitUntil(lambda: view.swap_dialog is None)

    mine = [r for r in saved(demo_db) if any(m.participant_id == mentee_id for m in r.members)]
    assert [(r.mentor_id, r.locked) for r in mine] == [(target.mentor_id, True)]
    assert view.unmatched_model.rowCount() == 4  # the mentor's weakest draft made way
    assert mentee_id not in {view.unmatched_model.row_at(r).participant_id for r in range(4)}


def test_a_refused_change_is_explained(qtbot: QtBot, window: MainWindow, demo_db: Database,
                                       prompts: SimpleNamespace) -> None:
    view = pairing_view(window)
    active = next(r for r in saved(demo_db) if r.status == PairingStatus.ACTIVE)
    mentee_id = active.members[0].participant_id
    assert mentee_id is not None
    mentee = view._mentee_person(mentee_id)
    assert mentee is not None
    other = next(c for c in view.mentor_choices(mentee, active.mentor_id) if c.allowed)
    expect(prompts.show_error)
    assert view.reassign(mentee_id, other.mentor_id) is None
    prompts.show_error.assert_called_once()
    assert "published" in prompts.show_error.call_args.args[2]
    assert saved(demo_db) == view.model.rows()


def test_publish_asks_first_and_makes_the_pairs_active(qtbot: QtBot, window: MainWindow,
                                                       demo_db: Database,
                                                       prompts: SimpleNamespace) -> None:
    view = pairing_view(window)
    propose(qtbot, view)
    select_first(view)
    click(qtbot, view.accept_button)
    expect(prompts.confirm, False)
    click(qtbot, view.publish_button)
    text = prompts.confirm.call_args.args[2]
    assert text.startswith("Publish 50 pairings (1 accepted and 49 still proposed)?")
    assert "4 mentees are still unmatched" in text
    assert {r.status for r in saved(demo_db)} == {PairingStatus.PROPOSED,
                                                  PairingStatus.ACCEPTED, PairingStatus.ACTIVE}

    expect(prompts.confirm, True)
    click(qtbot, view.publish_button)
    rows = saved(demo_db)
    assert len(rows) == 58 and {r.status for r in rows} == {PairingStatus.ACTIVE}
    assert not view.publish_button.isEnabled()  # nothing left to publish
    select_first(view, PairingStatus.ACTIVE)
    assert not view.reject_button.isEnabled() and not view.swap_button.isEnabled()


def test_search_narrows_the_board(window: MainWindow, demo_db: Database) -> None:
    view = pairing_view(window)
    row = saved(demo_db)[0]
    view.search.setText(row.members[0].name)
    assert 1 <= view.proxy.rowCount() < view.model.rowCount()
    assert "of 10 pairings shown" in view.count.text()
    view.status_filter.setCurrentIndex(view.status_filter.findData("active"))
    assert all(view.proxy.index(r, 0).data() == "Active" for r in range(view.proxy.rowCount()))


def test_supply_and_demand_opens_the_report(window: MainWindow) -> None:
    view = pairing_view(window)
    dialog = view.show_supply_and_demand()
    assert dialog is not None and dialog.isVisible()
    assert "62</b> mentees" in dialog.summary.text()
    assert dialog.model.rowCount() > 5
    dialog.reject()


def test_read_only_shows_the_board_but_changes_nothing(qtbot: QtBot,
                                                       read_only_window: MainWindow) -> None:
    view = pairing_view(read_only_window)
    assert view.model.rowCount() == 10
    select_first(view)
    for button in (view.propose_button, view.publish_button, view.accept_button,
                   view.lock_button, view.swap_button, view.reject_button,
                   view.choose_mentor_button):
        assert not button.isEnabled(), button.text()
    assert view.propose() is None and view.publish() is None
    assert view.swap_mentor() is None
    # Trying other weights is only reading: allowed, but the draft cannot be saved.
    with qtbot.waitSignal(view.preview_changed):
        view.criteria.set_weight("location", 10)
    assert not view.criteria.save_button.isEnabled()
    assert view.save_preview() is None


def test_no_programme_and_no_participants_say_what_to_do(empty_window: MainWindow,
                                                         fresh_db: Database) -> None:
    view = pairing_view(empty_window)
    assert view.board_stack.currentWidget() is view.empty_label
    assert view.empty_label.text().startswith("There is no programme yet")
    assert not view.propose_button.isEnabled() and not view.criteria.isEnabled()
    with fresh_db.Session.begin() as session:
        create_programme(session, ProgrammeData(name="Pilot"))
    view.on_data_changed(frozenset({"programme"}))
    assert view.empty_label.text().startswith("Add participants first")
    assert not view.propose_button.isEnabled()


def test_drag_a_mentee_onto_another_pairing(qtbot: QtBot, window: MainWindow,
                                            demo_db: Database) -> None:
    view = pairing_view(window)
    propose(qtbot, view)
    source = select_first(view)
    target = select_first(view, skip=1)
    assert source.mentor_id != target.mentor_id
    mentee_id = source.members[0].participant_id
    source_index = view.proxy.mapFromSource(view.model.index(view.model.row_of(source.id) or 0,
                                                             PairingColumn.MENTEES))
    target_index = view.proxy.mapFromSource(view.model.index(view.model.row_of(target.id) or 0,
                                                             PairingColumn.MENTOR))
    assert source_index.flags() & Qt.ItemFlag.ItemIsDragEnabled
    data = view.proxy.mimeData([source_index])
    drop = Qt.DropAction.CopyAction
    assert not view.proxy.canDropMimeData(data, drop, -1, -1, source_index)  # its own pairing
    assert view.proxy.canDropMimeData(data, drop, -1, -1, target_index)
    view.proxy.dropMimeData(data, drop, -1, -1, target_index)

    def moved() -> bool:
        mine = [r for r in saved(demo_db)
                if any(m.participant_id == mentee_id for m in r.members)]
        return [(r.mentor_id, r.locked) for r in mine] == [(target.mentor_id, True)]

    qtbot.waitUntil(moved)
    assert "locked so re-runs keep it" in window.statusBar().currentMessage()


def test_nothing_can_be_dragged_in_a_draft_preview(qtbot: QtBot, window: MainWindow) -> None:
    view = pairing_view(window)
    with qtbot.waitSignal(view.preview_changed):
        view.criteria.set_weight("diversity", 9)
    assert not any(view.proxy.index(r, 0).flags() & Qt.ItemFlag.ItemIsDragEnabled
                   for r in range(view.proxy.rowCount()))


def test_a_large_programme_previews_in_the_background(
        qtbot: QtBot, window: MainWindow, monkeypatch: pytest.MonkeyPatch) -> None:
    import mentordesk.ui.views.pairing_view as module

    monkeypatch.setattr(module, "LIVE_INLINE_PAIRS", 0)  # every pool counts as large
    view = pairing_view(window)
    view.reload()  # the unmatched are worked out in the background too
    assert view.tabs.tabText(1) == "Unmatched (…)"
    qtbot.waitUntil(lambda: view.tabs.tabText(1) == "Unmatched (52)")
    shown: list[int] = []
    view.preview_changed.connect(lambda: shown.append(1))
    view.criteria.set_weight("location", 10)
    view.run_preview()  # overtaken by the next: its result is dropped
    view.criteria.set_weight("location", 0)
    with qtbot.waitSignal(view.preview_changed):
        view.run_preview()
    qtbot.waitUntil(lambda: view._preview_task is None)
    assert view.preview is not None and view.preview.settings.criteria.location == 0
    assert shown == [1]


def test_circles_say_how_many_mentees_and_why_leaders_are_idle(qtbot: QtBot, window: MainWindow,
                                                               demo_db: Database) -> None:
    from sqlalchemy import delete

    from mentordesk.models import Pairing, Programme, ProgrammeFormat

    with demo_db.Session.begin() as session:
        session.execute(delete(Pairing))
        programme = session.get(Programme, programme_id(demo_db))
        assert programme is not None
        programme.format = ProgrammeFormat.GROUP
        programme.circle_min_size, programme.circle_max_size = 4, 7
    window.data_changed.emit(frozenset({"pairing"}))
    view = pairing_view(window)
    propose(qtbot, view)
    rows = saved(demo_db)
    placed = sum(len(r.members) for r in rows)
    assert all(4 <= len(r.members) <= 7 for r in rows)
    assert view.verdict_label.text().startswith(
        f"Optimal (certified) — {placed} mentees in circles")
    assert "possible circle leaders lead no circle" in view.details_label.text()
