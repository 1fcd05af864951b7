"""The background-task helper: off the UI thread, results by signal, delayed progress."""

from __future__ import annotations

import logging
import threading
import time

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QWidget
from pytestqt.qtbot import QtBot

from mentordesk.db import Database
from mentordesk.services.participants import ParticipantData, add_participant, list_participants
from mentordesk.ui.tasks import (
    PROGRESS_DELAY_MS,
    Cancelled,
    Progress,
    TaskCancelled,
    TaskRunner,
    in_transaction,
    stopping_progress,
)
from tests.ui.helpers import wait_for


@pytest.fixture
def runner(qtbot: QtBot) -> TaskRunner:
    window = QWidget()
    qtbot.addWidget(window)
    window.show()
    runner = TaskRunner(window)
    yield runner
    runner.cancel_all_and_wait()


def test_work_runs_off_the_ui_thread_and_its_result_arrives_on_it(
        qtbot: QtBot, runner: TaskRunner) -> None:
    ui_thread = threading.current_thread()
    delivered_on: list[threading.Thread] = []

    def work(progress: Progress, cancelled: Cancelled) -> bool:
        return threading.current_thread() is not ui_thread

    task = runner.run("Working", work,
                      on_done=lambda _r: delivered_on.append(threading.current_thread()))
    assert wait_for(qtbot, task) == ("done", True)
    assert delivered_on == [ui_thread]
    qtbot.waitUntil(lambda: not runner.busy)


def test_an_error_comes_back_as_the_failed_signal(qtbot: QtBot, runner: TaskRunner) -> None:
    def work(progress: Progress, cancelled: Cancelled) -> None:
        raise ValueError("broken")

    task = runner.run("Failing", work)
    outcome, error = wait_for(qtbot, task)
    assert outcome == "failed" and isinstance(error, ValueError)


def test_quick_work_never_shows_a_progress_dialog(qtbot: QtBot, runner: TaskRunner) -> None:
    task = runner.run("Quick", lambda progress, cancelled: 1)
    assert wait_for(qtbot, task) == ("done", 1)
    qtbot.wait(PROGRESS_DELAY_MS + 100)
    assert task.progress_dialog is None


def test_slow_work_shows_progress_after_the_delay_and_cancel_stops_it(
        qtbot: QtBot, runner: TaskRunner) -> None:
    started = time.monotonic()
    steps: list[int] = []

    def work(progress: Progress, cancelled: Cancelled) -> str:
        for step in range(1000):
            if cancelled():
                raise TaskCancelled
            progress(step, 1000)
            steps.append(step)
            time.sleep(0.01)
        return "finished"

    task = runner.run("Slow", work)
    qtbot.waitUntil(lambda: task.progress_dialog is not None, timeout=3000)
    assert time.monotonic() - started >= 0.9 * PROGRESS_DELAY_MS / 1000  # coarse timer
    dialog = task.progress_dialog
    assert dialog is not None and dialog.isVisible()
    assert dialog.maximum() == 1000
    cancel = dialog.findChild(QPushButton)
    assert cancel.text() == "Cancel"
    qtbot.mouseClick(cancel, Qt.MouseButton.LeftButton)
    assert wait_for(qtbot, task, timeout=3000) == ("cancelled", None)
    assert len(steps) < 1000
    assert task.progress_dialog is None


def test_cancelled_transaction_writes_nothing(qtbot: QtBot, runner: TaskRunner,
                                              fresh_db: Database) -> None:
    def add_two(session, progress: Progress, cancelled: Cancelled) -> None:  # type: ignore[no-untyped-def]
        report = stopping_progress(progress, cancelled)
        add_participant(session, ParticipantData(full_name="Ann Lee", email="ann@example.com"))
        report(1, 2)
        runner_task.cancel()  # the user presses Cancel between the two
        add_participant(session, ParticipantData(full_name="Bo Chen", email="bo@example.com"))
        report(2, 2)

    runner_task = runner.run("Adding", in_transaction(fresh_db, add_two))
    assert wait_for(qtbot, runner_task) == ("cancelled", None)
    with fresh_db.Session() as session:
        assert list_participants(session) == []


def test_task_labels_never_reach_the_log(qtbot: QtBot, runner: TaskRunner,
                                         caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    task = runner.run("Erasing Ana Castaño…", lambda progress, cancelled: 1)
    assert wait_for(qtbot, task) == ("done", 1)
    assert "background task" in caplog.text  # the work is logged...
    assert "Ana" not in caplog.text  # ...but not who it was about
