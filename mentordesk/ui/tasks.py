"""Background work: one helper over a QThreadPool (Orange3's TaskState, Anki's 600 ms delay).

A piece of work is a plain function ``work(progress, cancelled) -> result``:
``progress(done, total)`` reports how far it got and ``cancelled()`` says whether the user
asked it to stop. It runs on a worker thread, never touches a widget, and opens its own
database session (see :func:`in_transaction`). Its result, error or cancellation comes back
through the :class:`Task`'s signals, delivered on the main thread.

A progress dialog with a Cancel button appears only if the work takes longer than
:data:`PROGRESS_DELAY_MS`, so quick operations do not flash a window.
"""

from __future__ import annotations

import gc
import logging
import threading
from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, QTimer, Signal, Slot
from PySide6.QtWidgets import QProgressDialog, QWidget

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mentordesk.db import Database

log = logging.getLogger(__name__)

PROGRESS_DELAY_MS = 600

T = TypeVar("T")
Progress = Callable[[int, int], None]
Cancelled = Callable[[], bool]
Work = Callable[[Progress, Cancelled], Any]


class _MainThreadGc:
    """Keeps Python's cyclic garbage collector on the main thread while work runs.

    A collection runs in whichever thread happens to allocate; if it ran on a worker it
    could free Qt objects (a closed window kept alive by a reference cycle) there, and Qt
    objects must only be deleted on the thread they live in (the crash this prevents was
    seen in the tests). So while any work runs, automatic collection is off and the main
    thread collects on a timer instead.
    """

    def __init__(self) -> None:
        self._holders = 0
        self._was_enabled = True

    def hold(self) -> None:
        if self._holders == 0:
            self._was_enabled = gc.isenabled()
            gc.collect()
            gc.disable()
        self._holders += 1

    def release(self) -> None:
        self._holders -= 1
        if self._holders == 0:
            if self._was_enabled:
                gc.enable()
            gc.collect()


_gc = _MainThreadGc()
GC_INTERVAL_MS = 2000


class TaskCancelled(Exception):  # noqa: N818 - it is a signal to stop, not an error
    """Raised inside work that noticed ``cancelled()``; the task ends as cancelled."""


def in_transaction(db: Database, fn: Callable[[Session, Progress, Cancelled], T],
                   ) -> Callable[[Progress, Cancelled], T]:
    """Work that runs ``fn`` in one transaction of a session opened on the worker thread.

    The transaction commits if ``fn`` returns and rolls back if it raises (including
    :class:`TaskCancelled`), so a cancelled operation leaves nothing half-written.
    """

    def work(progress: Progress, cancelled: Cancelled) -> T:
        with db.Session.begin() as session:
            return fn(session, progress, cancelled)

    return work


def stopping_progress(progress: Progress, cancelled: Cancelled) -> Progress:
    """A ``progress`` callback that raises :class:`TaskCancelled` once the user cancels.

    For service functions that report progress but do not take a ``cancelled`` callable.
    """

    def report(done: int, total: int) -> None:
        if cancelled():
            raise TaskCancelled
        progress(done, total)

    return report


class _WorkerSignals(QObject):
    """What the worker thread emits; lives on the main thread, so delivery is queued."""

    progressed = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()


class Task(QObject):
    """One piece of background work, as seen from the main thread.

    Exactly one of ``done``, ``failed`` or ``cancelled`` is emitted, then ``ended``. All of
    them are emitted on the main thread: the worker reports to ``_WorkerSignals``, whose
    queued signals reach this object's slots, which re-emit them. (Connecting arbitrary
    callables straight to a signal emitted on a worker thread lost deliveries now and
    then with PySide 6.11; a QObject slot as the receiver did not.)
    """

    progressed = Signal(int, int)
    done = Signal(object)
    failed = Signal(object)
    cancelled = Signal()
    ended = Signal()

    def __init__(self, label: str, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self._stop = threading.Event()
        self.finished = False
        self.cancellable = True
        self.last_progress = (0, 0)
        self.progress_dialog: QProgressDialog | None = None
        self.worker_signals = _WorkerSignals(self)
        self.worker_signals.progressed.connect(self._on_worker_progressed)
        self.worker_signals.done.connect(self._on_worker_done)
        self.worker_signals.failed.connect(self._on_worker_failed)
        self.worker_signals.cancelled.connect(self._on_worker_cancelled)

    @Slot(int, int)
    def _on_worker_progressed(self, done: int, total: int) -> None:
        self.progressed.emit(done, total)

    @Slot(object)
    def _on_worker_done(self, result: object) -> None:
        self.done.emit(result)

    @Slot(object)
    def _on_worker_failed(self, error: object) -> None:
        self.failed.emit(error)

    @Slot()
    def _on_worker_cancelled(self) -> None:
        self.cancelled.emit()

    def cancel(self) -> None:
        """Ask the work to stop at its next ``cancelled()`` check."""
        if not self.finished:
            self._stop.set()

    def is_cancel_requested(self) -> bool:
        """Whether :meth:`cancel` was called (safe from any thread)."""
        return self._stop.is_set()


def delete_when_done(obj: QObject, running: Iterable[Task]) -> None:
    """Delete ``obj`` (a dialog, a wizard) once every task in ``running`` has ended, so
    that what the tasks come back with still finds it."""
    remaining = set(running)
    if not remaining:
        obj.deleteLater()
        return

    def ended(task: Task) -> None:
        remaining.discard(task)
        if not remaining:
            obj.deleteLater()

    for task in list(remaining):
        task.ended.connect(lambda t=task: ended(t))


class _Runnable(QRunnable):
    """Runs the work on a pool thread and reports through the task's signals (queued)."""

    def __init__(self, task: Task, work: Work) -> None:
        super().__init__()
        self._task = task
        self._work = work

    def run(self) -> None:
        task = self._task
        signals = task.worker_signals
        try:
            result = self._work(signals.progressed.emit, task.is_cancel_requested)
        except TaskCancelled:
            signals.cancelled.emit()
        except BaseException as exc:  # handed to the main thread, which decides
            if task.is_cancel_requested():
                signals.cancelled.emit()
            else:
                signals.failed.emit(exc)
        else:
            signals.done.emit(result)


class TaskRunner(QObject):
    """Starts background work for one window and shows its delayed progress dialog.

    Work runs one at a time (a single worker thread), which suits one SQLite file.
    """

    busy_changed = Signal(bool)

    def __init__(self, window: QWidget) -> None:
        super().__init__(window)
        self._window = window
        self._pool = QThreadPool(self)
        self._pool.setMaxThreadCount(1)
        self._tasks: set[Task] = set()
        self._gc_timer = QTimer(self)
        self._gc_timer.setInterval(GC_INTERVAL_MS)
        self._gc_timer.timeout.connect(gc.collect)

    @property
    def busy(self) -> bool:
        """Whether any work is queued or running."""
        return bool(self._tasks)

    def run(self, label: str, work: Work, *, cancellable: bool = True,
            on_done: Callable[[Any], None] | None = None,
            on_failed: Callable[[BaseException], None] | None = None,
            on_cancelled: Callable[[], None] | None = None,
            progress_dialog: bool = True) -> Task:
        """Start ``work`` on the worker thread; the callbacks run on the main thread.

        The work starts once the event loop runs again, so the caller can still connect
        to the returned task's signals. With ``progress_dialog=False`` no dialog appears:
        the caller shows the task's progress itself (e.g. on a wizard page, which a
        window-modal dialog would block) and offers :meth:`Task.cancel`.
        """
        task = Task(label, self)
        task.cancellable = cancellable
        if on_done:
            task.done.connect(on_done)
        if on_failed:
            task.failed.connect(on_failed)
        if on_cancelled:
            task.cancelled.connect(on_cancelled)
        for signal in (task.done, task.failed, task.cancelled):
            signal.connect(lambda *_args, t=task: self._finish(t))
        task.progressed.connect(lambda done, total, t=task: self._on_progress(t, done, total))
        if progress_dialog:
            timer = QTimer(task)
            timer.setSingleShot(True)
            timer.timeout.connect(lambda t=task: self._show_progress(t))
            timer.start(PROGRESS_DELAY_MS)
        was_busy = self.busy
        self._tasks.add(task)
        if not was_busy:
            _gc.hold()
            self._gc_timer.start()
            self.busy_changed.emit(True)
        # Labels can name a person or a file ("Erasing Ana…"): never log them (HR data).
        log.info("background task started (%d running)", len(self._tasks))
        # Start from the event loop, so that whoever called run() has connected to the
        # task's signals before the worker can emit them (queued signals reach only the
        # slots connected at the time of the emit).
        runnable = _Runnable(task, work)
        QTimer.singleShot(0, task, lambda: task.finished or self._pool.start(runnable))
        return task

    def cancel_all_and_wait(self) -> None:
        """Cancel every task and wait for the worker to stop (when the window closes)."""
        for task in list(self._tasks):
            task.cancel()
        self._pool.waitForDone()
        for task in list(self._tasks):  # their outcome is queued but no longer wanted
            self._finish(task)

    # ------------------------------------------------------------------ main thread

    def _show_progress(self, task: Task) -> None:
        if task.finished:
            return
        dialog = QProgressDialog(task.label, "Cancel", 0, 0, self._window)
        dialog.setWindowTitle("MentorDesk")
        dialog.setWindowModality(Qt.WindowModality.WindowModal)
        dialog.setAutoClose(False)
        dialog.setAutoReset(False)
        dialog.setMinimumDuration(0)
        if task.cancellable:
            dialog.canceled.connect(task.cancel)
            dialog.canceled.connect(lambda d=dialog: d.setLabelText("Cancelling…"))
        else:
            dialog.setCancelButton(None)
        task.progress_dialog = dialog
        self._on_progress(task, *task.last_progress)
        dialog.show()

    def _on_progress(self, task: Task, done: int, total: int) -> None:
        task.last_progress = (done, total)
        dialog = task.progress_dialog
        if dialog is not None and not task.finished:
            dialog.setMaximum(max(total, 0))
            dialog.setValue(min(done, total) if total > 0 else 0)

    def _finish(self, task: Task) -> None:
        if task.finished:
            return
        task.finished = True
        dialog = task.progress_dialog
        if dialog is not None:
            task.progress_dialog = None
            dialog.canceled.disconnect()  # closing a progress dialog emits canceled
            dialog.hide()
            dialog.deleteLater()
        self._tasks.discard(task)
        log.info("background task ended (%d running)", len(self._tasks))
        task.ended.emit()
        task.deleteLater()
        if not self.busy:
            self._gc_timer.stop()
            _gc.release()
            self.busy_changed.emit(False)
