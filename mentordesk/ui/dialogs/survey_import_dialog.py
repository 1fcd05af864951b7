"""Importing a survey tool's export (Microsoft Forms, Google Forms, SurveyMonkey, any CSV
or XLSX with one row per respondent and one column per question) as responses to a form.

The steps, all in one dialog: choose the file (a prompt); the file is read and previewed
in the background (:func:`~mentordesk.services.feedback.preview_survey`, nothing written);
the mapping table shows what each column is imported as -- the question whose wording it
matches, the respondent's email, the time submitted, the response id, or nothing -- and
every change there previews again; the problems and each row's fate are listed; then
"Import N responses" (optionally confidential) stores them in the background in one
transaction (:func:`~mentordesk.services.feedback.import_survey`) and the dialog shows
what was stored. What the service refuses (a file it cannot read, two columns on one
question, no column on a question) is shown in red and nothing can be imported until it
is resolved.

The work runs on the window's :class:`~mentordesk.ui.tasks.TaskRunner` without its
progress dialog (a window-modal dialog would block this one): the dialog shows its own
progress bar and Cancel button.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QSortFilterProxyModel, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSplitter,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import UserError
from mentordesk.models import QuestionKind
from mentordesk.services.feedback import (
    IGNORE,
    MIN_GROUP,
    FormRecord,
    SurveyColumn,
    SurveyImportResult,
    SurveyPreview,
    Target,
    get_form,
    import_survey,
    preview_survey,
)
from mentordesk.services.importing import read_source
from mentordesk.ui import prompts
from mentordesk.ui.qtmodels.feedback import (
    MappingColumn,
    Role,
    SurveyMappingTableModel,
    SurveyRowColumn,
    SurveyRowsTableModel,
)
from mentordesk.ui.qtmodels.importing import ProblemsTableModel
from mentordesk.ui.tasks import (
    Cancelled,
    Progress,
    Task,
    TaskRunner,
    delete_when_done,
    in_transaction,
)
from mentordesk.ui.widgets import (
    ERROR_STYLE,
    MUTED_STYLE,
    BusyBar,
    PersistentChoiceDelegate,
    plural,
    table_view,
)

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mentordesk.db import Database

SHAPES = {"microsoft_forms": "A Microsoft Forms export", "google_forms": "A Google Forms export",
          "surveymonkey": "A SurveyMonkey export", "table": "A table"}
WARNING_STYLE = "color: #8A6D00;"


NO_QUESTION_MATCHED = ("No column's heading is close enough to the wording of a question of "
                       "this form. Choose below which question each column answers.")
NO_QUESTION_CHOSEN = "Choose which question at least one column answers."


@dataclass(frozen=True)
class Unmatched:
    """A survey export none of whose columns matched a question: its columns (each with
    what MentorDesk recognised it as), for the questions to be chosen by hand."""

    columns: tuple[SurveyColumn, ...]


def preview_or_columns(session: Session, form_id: int, path: Path,
                       overrides: Mapping[str, Target], progress: Progress,
                       cancelled: Cancelled) -> SurveyPreview | Unmatched:
    """What importing ``path`` with ``overrides`` would do; or, when the file can be read
    but no column matched a question by its wording (the service then refuses a
    preview), the file's columns, so the coordinator can map them by hand.

    Those columns are found by previewing with the file's first column on the form's
    first question: the service then names every column as it will expect them back.
    """
    try:
        return preview_survey(session, form_id, path, mapping=overrides or None,
                              progress=progress, cancelled=cancelled)
    except UserError as first_error:
        if overrides:
            raise
        questions = get_form(session, form_id).questions
        try:
            table = read_source(path, progress=progress, cancelled=cancelled)
            if not table.headers or not questions:
                raise first_error from None
            probe = preview_survey(session, form_id, path,
                                   mapping={table.headers[0]: questions[0].id},
                                   progress=progress, cancelled=cancelled)
        except UserError:
            raise first_error from None
        return Unmatched(tuple(replace(c, target=c.suggested) for c in probe.columns))


class SurveyImportDialog(QDialog):
    """Import a survey export into ``form``; emits ``imported`` with the
    :class:`~mentordesk.services.feedback.SurveyImportResult` once stored."""

    imported = Signal(object)  # SurveyImportResult

    def __init__(self, db: Database, tasks: TaskRunner, form: FormRecord, start_dir: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = tasks
        self.form = form
        self.start_dir = start_dir
        self.path: Path | None = None
        self.preview: SurveyPreview | None = None
        self.import_result: SurveyImportResult | None = None
        self.overrides: dict[str, Target] = {}
        self.preview_task: Task | None = None
        self.import_task: Task | None = None
        self._running: set[Task] = set()
        self._kinds = {q.id: q.kind for q in form.questions}
        self.setWindowTitle(f"Import survey results — {form.title}")

        intro = QLabel("A CSV or Excel export from Microsoft Forms, Google Forms, SurveyMonkey "
                       "or any survey tool: one row per respondent, one column per question. "
                       "Nothing is stored until you press Import.")
        intro.setWordWrap(True)
        intro.setStyleSheet(MUTED_STYLE)
        self.file_label = QLabel("No file chosen yet.")
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.choose_button = QPushButton("&Choose file…")
        self.choose_button.clicked.connect(self.choose_file)
        file_row = QHBoxLayout()
        file_row.addWidget(QLabel("File:"))
        file_row.addWidget(self.file_label, 1)
        file_row.addWidget(self.choose_button)

        self.busy = BusyBar(width=260, cancellable=True)
        self.busy.cancel_requested.connect(self._on_busy_cancel_requested)

        self.message = QLabel()
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)
        self.message.hide()
        self.counts = QLabel()
        self.counts.setObjectName("counts")
        self.counts.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setObjectName("warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setStyleSheet(WARNING_STYLE)
        self.warnings.hide()

        # What each column is imported as.
        self.mapping_model = SurveyMappingTableModel(self)
        self.mapping_model.set_questions([(q.id, q.position, q.text) for q in form.questions])
        self.mapping_model.target_chosen.connect(self._on_mapping_model_target_chosen)
        self.mapping_view = table_view(self.mapping_model, alternating_rows=True,
                                       highlight_sections=False)
        self.mapping_view.setAccessibleName("Columns of the file")
        self.mapping_view.setItemDelegateForColumn(
            MappingColumn.TARGET, PersistentChoiceDelegate(self.mapping_view, max_visible=20))
        self.mapping_view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.mapping_view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.mapping_view.verticalHeader().setDefaultSectionSize(
            self.mapping_view.fontMetrics().height() + 16)
        header = self.mapping_view.horizontalHeader()
        header.setSectionResizeMode(MappingColumn.HEADER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MappingColumn.TARGET, QHeaderView.ResizeMode.Interactive)
        self.mapping_view.setColumnWidth(MappingColumn.HEADER, 250)
        self.mapping_view.setColumnWidth(MappingColumn.TARGET, 330)
        self.mapping_view.setColumnWidth(MappingColumn.SAMPLE, 200)

        # What happens to each row, and why some are refused.
        self.problems_model = ProblemsTableModel(self)
        self.problems_view = table_view(self.problems_model, alternating_rows=True,
                                        highlight_sections=False)
        self.problems_view.setAccessibleName("Problems")
        self.problems_view.setColumnWidth(0, 60)
        self.problems_view.setColumnWidth(1, 220)
        self.rows_model = SurveyRowsTableModel(self)
        self.rows_proxy = QSortFilterProxyModel(self)
        self.rows_proxy.setSourceModel(self.rows_model)
        self.rows_proxy.setSortRole(Role.SORT)
        self.rows_view = table_view(self.rows_proxy, alternating_rows=True,
                                    highlight_sections=False)
        self.rows_view.setAccessibleName("Rows of the file")
        self.rows_view.setSortingEnabled(True)
        self.rows_view.sortByColumn(SurveyRowColumn.ROW, Qt.SortOrder.AscendingOrder)
        for column, width in ((SurveyRowColumn.ROW, 60), (SurveyRowColumn.EMAIL, 240),
                              (SurveyRowColumn.STATUS, 100), (SurveyRowColumn.ANSWERS, 70)):
            self.rows_view.setColumnWidth(column, width)
        self.tabs = QTabWidget()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(self.problems_view, "Problems")
        self.tabs.addTab(self.rows_view, "Rows")

        mapping_box = QWidget()
        mapping_layout = QVBoxLayout(mapping_box)
        mapping_layout.setContentsMargins(0, 0, 0, 0)
        mapping_title = QLabel("<b>What each column is imported as</b> — change a choice to "
                               "correct it; the preview follows.")
        mapping_layout.addWidget(mapping_title)
        mapping_layout.addWidget(self.mapping_view, 1)
        self.splitter = QSplitter(Qt.Orientation.Vertical)
        self.splitter.addWidget(mapping_box)
        self.splitter.addWidget(self.tabs)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setStretchFactor(0, 3)
        self.splitter.setStretchFactor(1, 2)
        self.splitter.setSizes([340, 200])
        self.splitter.hide()

        self.outcome = QLabel()
        self.outcome.setObjectName("outcome")
        self.outcome.setWordWrap(True)
        self.outcome.hide()
        self.confidential_check = QCheckBox(
            f"Con&fidential: counted only in whole groups of {MIN_GROUP} confidential "
            "answers; never listed or exported one by one, comments never shown")
        self.confidential_check.setToolTip("Mark every response imported from this file "
                                           "confidential")
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        self.import_button = self.buttons.addButton("Import",
                                                    QDialogButtonBox.ButtonRole.AcceptRole)
        self.import_button.setDefault(True)
        self.buttons.accepted.connect(self.import_responses)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addLayout(file_row)
        layout.addWidget(self.busy)
        layout.addWidget(self.message)
        layout.addWidget(self.counts)
        layout.addWidget(self.warnings)
        layout.addWidget(self.splitter, 1)
        layout.addWidget(self.outcome)
        layout.addWidget(self.confidential_check)
        layout.addWidget(self.buttons)
        self.resize(1000, 700)
        self._update_actions()

    # ------------------------------------------------------------------ state

    @property
    def busy_working(self) -> bool:
        """Whether a preview or the import is running."""
        return bool(self._running)

    def _update_actions(self) -> None:
        preview = self.preview
        count = preview.importable if preview is not None else 0
        self.import_button.setText(f"Import {plural(count, 'response')}" if count
                                   else "Import")
        self.import_button.setEnabled(preview is not None and count > 0 and not self._running
                                      and self.import_result is None and not self.db.read_only)
        self.choose_button.setEnabled(self.import_task is None and self.import_result is None)
        self.confidential_check.setEnabled(self.import_result is None and self.import_task is None)
        self.mapping_view.setEnabled(self.import_task is None and self.import_result is None)

    def _run(self, label: str, work: Callable[[Progress, Cancelled], Any],
             on_done: Callable[[Task, Any], None],
             on_failed: Callable[[Task, BaseException], None],
             on_cancelled: Callable[[Task], None]) -> Task:
        """Run ``work`` on the window's runner; the callbacks get the task, so the dialog
        can ignore what a task it has since replaced comes back with."""
        holder: list[Task] = []
        task = self.tasks.run(label, work, progress_dialog=False,
                              on_done=lambda result: on_done(holder[0], result),
                              on_failed=lambda exc: on_failed(holder[0], exc),
                              on_cancelled=lambda: on_cancelled(holder[0]))
        holder.append(task)
        self._running.add(task)
        task.ended.connect(lambda t=task: self._on_task_ended(t))
        task.progressed.connect(self.busy.progress)
        self.busy.start(label)
        return task

    def _on_task_ended(self, task: Task) -> None:
        self._running.discard(task)
        if not self._running:
            self.busy.hide()
        self._update_actions()

    def _on_busy_cancel_requested(self) -> None:
        for task in list(self._running):
            task.cancel()

    def _show_message(self, text: str) -> None:
        self.message.setText(text)
        self.message.setVisible(bool(text))

    # ------------------------------------------------------------------ the file

    def choose_file(self) -> Task | None:
        """Ask for the file, then preview it."""
        start = self.path.parent if self.path is not None else self.start_dir
        path = prompts.choose_survey_file(self, start)
        if path is None:
            return None
        return self.set_path(path)

    def set_path(self, path: Path) -> Task | None:
        """Preview ``path`` with the mapping MentorDesk suggests."""
        self.path = path
        self.overrides = {}
        self.preview = None
        self.file_label.setText(str(path))
        self.mapping_model.set_columns(())
        self.problems_model.set_problems(())
        self.rows_model.set_rows(())
        self.splitter.hide()
        return self.run_preview()

    # ------------------------------------------------------------------ previewing

    def run_preview(self) -> Task | None:
        """(Re-)preview the file with the mapping chosen, in the background."""
        path = self.path
        if path is None or self.import_result is not None or self.import_task is not None:
            return None
        if self.preview_task is not None:
            self.preview_task.cancel()
        db, form_id, overrides = self.db, self.form.id, dict(self.overrides)

        def work(progress: Progress, cancelled: Cancelled) -> SurveyPreview | Unmatched:
            with db.Session() as session:  # reading only
                return preview_or_columns(session, form_id, path, overrides, progress,
                                          cancelled)

        self._show_message("")
        self.preview_task = self._run(f"Reading {path.name}…", work, self._on_preview_done,
                                      self._on_preview_failed, self._on_preview_cancelled)
        self._update_actions()
        return self.preview_task

    def _on_preview_done(self, task: Task, preview: SurveyPreview | Unmatched) -> None:
        if task is not self.preview_task:
            return  # superseded by a newer preview
        self.preview_task = None
        if isinstance(preview, Unmatched):
            self._show_unmatched(preview)
            return
        self.preview = preview
        self.mapping_model.set_columns(preview.columns, self.overrides)
        self._open_editors()
        self.problems_model.set_problems(preview.problems)
        self.rows_model.set_rows(preview.rows)
        self.tabs.setTabText(0, f"Problems ({len(preview.problems):,})")
        self.tabs.setTabText(1, f"Rows ({len(preview.rows):,})")
        self.tabs.setCurrentIndex(0 if preview.problems else 1)
        self.splitter.show()
        refused = len(preview.refused_rows)
        shape = SHAPES.get(preview.shape, SHAPES["table"])
        parts = [f"<b>{preview.importable:,}</b> to import"]
        if preview.duplicates:
            parts.append(f"<b>{preview.duplicates:,}</b> already imported")
        parts.append(f"<b style='color:#B00020'>{refused:,}</b> refused" if refused
                     else "<b>0</b> refused")
        text = (f"{shape} with {plural(len(preview.rows), 'response')}"
                + (" (two header rows)" if preview.header_rows == 2 else "") + ": "
                + " · ".join(parts) + ".")
        if refused:
            text += " Refused rows are listed under Problems; fix them in the file and " \
                    "import it again later (the rows stored now are recognised)."
        if not preview.importable and preview.rows:
            text += "<br>Nothing to import."
        self.counts.setText(text)
        self.warnings.setText("\n".join(preview.warnings))
        self.warnings.setVisible(bool(preview.warnings))
        self._update_actions()

    def _show_unmatched(self, unmatched: Unmatched) -> None:
        self.preview = None
        self.mapping_model.set_columns(unmatched.columns, self.overrides)
        self._open_editors()
        self.problems_model.set_problems(())
        self.rows_model.set_rows(())
        self.tabs.setTabText(0, "Problems")
        self.tabs.setTabText(1, "Rows")
        self.splitter.show()
        self.counts.clear()
        self.warnings.hide()
        self._show_message(NO_QUESTION_MATCHED)
        self._update_actions()

    def _on_preview_failed(self, task: Task, exc: BaseException) -> None:
        if task is not self.preview_task:
            return
        self.preview_task = None
        self.preview = None
        if not isinstance(exc, UserError):
            sys.excepthook(type(exc), exc, exc.__traceback__)
        self._show_message(exc.message if isinstance(exc, UserError)
                           else "The file could not be read (the error is in the log).")
        self.counts.clear()
        if not self.mapping_model.rowCount():
            self.splitter.hide()
        self._update_actions()

    def _on_preview_cancelled(self, task: Task) -> None:
        if task is not self.preview_task:
            return
        self.preview_task = None
        self.preview = None
        self.counts.setText("Reading the file was cancelled.")
        self._update_actions()

    def _open_editors(self) -> None:
        for row in range(self.mapping_model.rowCount()):
            self.mapping_view.openPersistentEditor(
                self.mapping_model.index(row, MappingColumn.TARGET))

    def set_target(self, header: str, target: Target) -> Task | None:
        """Import the column ``header`` as ``target`` (as choosing it in the table does)."""
        row = next(n for n, c in enumerate(self.mapping_model.columns()) if c.header == header)
        self.mapping_model.set_target(row, target)
        return self.preview_task

    def _on_mapping_model_target_chosen(self, header: str, target: Target) -> None:
        several = isinstance(target, int) and self._kinds.get(target) is QuestionKind.MULTI_CHOICE
        if target != IGNORE and not several:
            # The target moves to this column: earlier choices of it for others give way.
            self.overrides = {h: t for h, t in self.overrides.items() if t != target}
        self.overrides[header] = target
        if not any(isinstance(t, int) for t in self.mapping_model.mapping().values()):
            # Nothing to preview: no column is imported as an answer.
            if self.preview_task is not None:
                self.preview_task.cancel()
                self.preview_task = None
            self.preview = None
            self.problems_model.set_problems(())
            self.rows_model.set_rows(())
            self.counts.clear()
            self._show_message(NO_QUESTION_CHOSEN)
            self._update_actions()
            return
        self.run_preview()

    # ------------------------------------------------------------------ importing

    def import_responses(self) -> Task | None:
        """Store the rows the preview would import, in the background."""
        preview, path = self.preview, self.path
        if (preview is None or path is None or not preview.importable or self._running
                or self.import_result is not None or self.db.read_only):
            return None
        form_id, overrides = self.form.id, dict(self.overrides)
        confidential = self.confidential_check.isChecked()

        def work(session: Session, progress: Progress,
                 cancelled: Cancelled) -> SurveyImportResult:
            return import_survey(session, form_id, path, mapping=overrides or None,
                                 confidential=confidential, progress=progress,
                                 cancelled=cancelled)

        db, store = self.db, in_transaction(self.db, work)

        def backed_up(progress: Progress, cancelled: Cancelled) -> SurveyImportResult:
            db.backup("pre-import")  # as the CLI import does: the file's data is sacred
            return store(progress, cancelled)

        self.import_task = self._run("Importing responses…", backed_up,
                                     self._on_import_done, self._on_import_failed,
                                     self._on_import_cancelled)
        self._update_actions()
        return self.import_task

    def _on_import_done(self, _task: Task, result: SurveyImportResult) -> None:
        self.import_task = None
        self.import_result = result
        refused = len(result.skipped_rows) - result.duplicates
        lines = [f"<b>Imported {plural(result.imported, 'response')}</b>"
                 + (" as confidential" if self.confidential_check.isChecked() else "") + "."]
        if result.duplicates:
            lines.append(f"{plural(result.duplicates, 'row')} already imported "
                         f"{'was' if result.duplicates == 1 else 'were'} skipped.")
        if refused > 0:
            lines.append(f"{plural(refused, 'row')} with a problem "
                         f"{'was' if refused == 1 else 'were'} not imported (see Problems).")
        self.outcome.setText(" ".join(lines))
        self.outcome.setStyleSheet("color: #1E7B34;")
        self.outcome.show()
        self.counts.clear()
        self._update_actions()
        self.imported.emit(result)

    def _on_import_failed(self, _task: Task, exc: BaseException) -> None:
        self.import_task = None
        if not isinstance(exc, UserError):
            sys.excepthook(type(exc), exc, exc.__traceback__)
        self._show_message((exc.message if isinstance(exc, UserError)
                            else "The import failed (the error is in the log).")
                           + " Nothing was imported.")
        self._update_actions()

    def _on_import_cancelled(self, _task: Task) -> None:
        self.import_task = None
        self._show_message("The import was cancelled; nothing was imported.")
        self._update_actions()

    # ------------------------------------------------------------------ closing

    def reject(self) -> None:
        """Close, Escape: stop a preview and close. An import under way is cancelled
        instead (nothing is stored), and the dialog says so."""
        if self.import_task is not None:
            self.import_task.cancel()
            return
        for task in list(self._running):
            task.cancel()
        super().reject()

    def dispose(self) -> None:
        """Delete the dialog once its background work has ended."""
        delete_when_done(self, self._running)
