"""Importing participants from an HR export (CSV or XLSX), in four steps.

1. choose the file;
2. check how it is read (encoding, delimiter, sheet, header row) and which MentorDesk
   field each column fills; a saved import profile whose columns match is applied;
3. preview: how many people are added, updated, unchanged or refused, and why;
4. import, with a progress bar and Cancel, then the result.

Reading, previewing and importing run on the window's :class:`TaskRunner`, so the window
stays responsive on a file of many thousand rows. Each step's work is a plain service
function; the wizard only starts it and shows what comes back.
"""

from __future__ import annotations

import codecs
import sys
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QProgressBar,
    QPushButton,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
    QWizard,
    QWizardPage,
)

from mentordesk.db import Database
from mentordesk.errors import UserError
from mentordesk.services.importing import (
    IGNORE,
    ImportPreview,
    ImportProfileData,
    ImportResult,
    SourceOptions,
    SourceTable,
    commit_import,
    find_profile_for,
    guess_mapping,
    preview_import,
    read_source,
    save_profile,
)
from mentordesk.ui import prompts
from mentordesk.ui.qtmodels.importing import (
    ADD,
    REFUSED,
    UNCHANGED,
    UPDATE,
    ChangeColumn,
    ChangeRow,
    ChangesProxyModel,
    ChangesTableModel,
    MappingColumn,
    MappingTableModel,
    ProblemsTableModel,
    change_rows,
    field_label,
)
from mentordesk.ui.tasks import Cancelled, Progress, Task, TaskRunner, delete_when_done
from mentordesk.ui.widgets import ERROR_STYLE, BusyBar, PersistentChoiceDelegate, table_view

ENCODINGS = (
    ("utf-8", "UTF-8"),
    ("utf-8-sig", "UTF-8 with BOM (Excel)"),
    ("utf-16", "UTF-16 (Excel Unicode text)"),
    ("cp1252", "Windows-1252 (Western European)"),
    ("latin-1", "Latin-1 (ISO-8859-1)"),
    ("iso-8859-15", "Latin-9 (ISO-8859-15)"),
    ("cp1250", "Windows-1250 (Central European)"),
    ("cp850", "DOS Western (CP850)"),
    ("mac-roman", "Mac Roman"),
)
DELIMITERS = ((",", "Comma ( , )"), (";", "Semicolon ( ; )"), ("\t", "Tab"),
              ("|", "Vertical bar ( | )"))
SHOW_CHOICES = (
    ("Every row", None),
    ("Adds and updates", frozenset({ADD, UPDATE})),
    ("Refused rows", frozenset({REFUSED})),
    ("Unchanged rows", frozenset({UNCHANGED})),
)
NAME_FIELDS = ("full_name", "first_name", "last_name")


def _same_header(text: str) -> str:
    """Headers match whatever their case, spaces or punctuation (as profiles do)."""
    return "".join(ch for ch in text.casefold() if ch.isalnum())


def profile_mapping(profile: ImportProfileData, headers: tuple[str, ...]) -> dict[str, str]:
    """``profile``'s mapping applied to this file's headers."""
    by_header = {_same_header(h): key for h, key in profile.mapping.items()}
    return {h: by_header.get(_same_header(h), IGNORE) for h in headers}


def codec_name(encoding: str) -> str:
    """A codec's canonical name, so "latin-1" and "iso8859-1" compare equal."""
    try:
        return codecs.lookup(encoding).name
    except LookupError:
        return encoding


def _plural(count: int, noun: str, plural: str | None = None) -> str:
    return f"{count} {noun if count == 1 else plural or noun + 's'}"


# --------------------------------------------------------------------------- pages


class FilePage(QWizardPage):
    """Step 1: the file to import."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Choose the file to import")
        self.setSubTitle("A CSV or Excel (.xlsx) export from your HR system, one person per "
                         "row. Nothing changes in MentorDesk until the last step.")
        self.path_edit = QLineEdit()
        self.path_edit.setPlaceholderText("Path of a .csv or .xlsx file")
        self.path_edit.textChanged.connect(self.completeChanged)
        self.browse_button = QPushButton("Browse…")
        self.browse_button.clicked.connect(self._on_browse_clicked)
        row = QHBoxLayout()
        row.addWidget(self.path_edit, 1)
        row.addWidget(self.browse_button)
        hint = QLabel(
            "Tips: a title or notes above the column names are skipped. People are matched "
            "to those already in MentorDesk by email address, so importing the same file "
            "again changes nothing, and a newer export updates what changed.")
        hint.setWordWrap(True)
        hint.setStyleSheet("color: palette(placeholder-text);")
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addSpacing(12)
        layout.addWidget(hint)
        layout.addStretch(1)

    def path(self) -> Path | None:
        """The file chosen, if the text names one."""
        text = self.path_edit.text().strip()
        return Path(text).expanduser() if text else None

    def _on_browse_clicked(self) -> None:
        current = self.path()
        start = current.parent if current is not None else self._wizard.start_dir
        path = prompts.choose_import_file(self, start)
        if path is not None:
            self.path_edit.setText(str(path))

    def isComplete(self) -> bool:
        path = self.path()
        return path is not None and path.is_file()


class MappingPage(QWizardPage):
    """Step 2: how the file is read and where each column goes."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Check the columns")
        self.setSubTitle("Make sure the sample values read correctly (change the encoding if "
                         "accents look wrong), then choose the MentorDesk field each column "
                         "fills.")
        self.table: SourceTable | None = None
        self.profile: ImportProfileData | None = None
        self._options = SourceOptions()
        self._read_path: Path | None = None
        self._profile_options_tried = False
        self._task: Task | None = None

        self.file_label = QLabel()
        self.file_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.encoding_combo = QComboBox()
        for value, label in ENCODINGS:
            self.encoding_combo.addItem(label, value)
        self.encoding_combo.activated.connect(self._on_encoding_combo_activated)
        self.encoding_note = QLabel()
        self.delimiter_combo = QComboBox()
        for value, label in DELIMITERS:
            self.delimiter_combo.addItem(label, value)
        self.delimiter_combo.activated.connect(self._on_delimiter_combo_activated)
        self.sheet_combo = QComboBox()
        self.sheet_combo.activated.connect(self._on_sheet_combo_activated)
        self.header_label = QLabel()

        encoding_row = QWidget()
        encoding_layout = QHBoxLayout(encoding_row)
        encoding_layout.setContentsMargins(0, 0, 0, 0)
        encoding_layout.addWidget(self.encoding_combo)
        encoding_layout.addWidget(self.encoding_note)
        encoding_layout.addStretch(1)
        self.options_form = QFormLayout()
        self.options_form.setFieldGrowthPolicy(
            QFormLayout.FieldGrowthPolicy.FieldsStayAtSizeHint)
        self.options_form.addRow("File", self.file_label)
        self.options_form.addRow("Encoding", encoding_row)
        self.options_form.addRow("Columns separated by", self.delimiter_combo)
        self.options_form.addRow("Sheet", self.sheet_combo)
        self.options_form.addRow("Column names", self.header_label)
        self._encoding_row = encoding_row

        self.model = MappingTableModel(self)
        self.model.mapping_changed.connect(self._on_mapping_changed)
        self.view = QTableView()
        self.view.setModel(self.model)
        self.view.setItemDelegateForColumn(MappingColumn.FIELD, PersistentChoiceDelegate(self.view))
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.AllEditTriggers)
        self.view.verticalHeader().hide()
        self.view.verticalHeader().setDefaultSectionSize(self.view.fontMetrics().height() + 16)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(MappingColumn.HEADER, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(MappingColumn.FIELD, QHeaderView.ResizeMode.Fixed)
        header.setStretchLastSection(True)
        self.view.setColumnWidth(MappingColumn.HEADER, 220)
        self.view.setColumnWidth(MappingColumn.FIELD, 230)
        self.view.setWordWrap(False)

        self.busy = BusyBar()
        self.profile_label = QLabel()
        self.profile_label.setWordWrap(True)
        self.save_profile_button = QPushButton("Save as profile…")
        self.save_profile_button.setToolTip(
            "Remember this mapping; it is applied by itself to files with the same columns")
        self.save_profile_button.clicked.connect(self._on_save_profile_clicked)
        self.message = QLabel()
        self.message.setObjectName("mapping_message")
        self.message.setWordWrap(True)
        self.message.setStyleSheet(ERROR_STYLE)

        profile_row = QHBoxLayout()
        profile_row.addWidget(self.profile_label, 1)
        profile_row.addWidget(self.save_profile_button)
        layout = QVBoxLayout(self)
        layout.addLayout(self.options_form)
        layout.addWidget(self.busy)
        layout.addLayout(profile_row)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.message)

    # ------------------------------------------------------------------ reading

    def initializePage(self) -> None:
        path = self._wizard.file_page.path()
        if path != self._read_path or self.table is None:
            self._read_path = path
            self._options = SourceOptions()
            self._profile_options_tried = False
            self.profile = None
            self.table = None
            self.model.set_table(None, {})
            self.read()

    def cleanupPage(self) -> None:
        """Going back to the file: stop reading it."""
        if self._task is not None:
            self._task.cancel()

    def read(self) -> Task | None:
        """(Re-)read the file with the options chosen, in the background."""
        path = self._read_path
        if path is None:
            return None
        if self._task is not None:
            self._task.cancel()
        db = self._wizard.db
        options = self._options

        def work(progress: Progress, cancelled: Cancelled,
                 ) -> tuple[SourceTable, ImportProfileData | None]:
            table = read_source(path, options, progress, cancelled)
            with db.Session() as session:
                return table, find_profile_for(session, table.headers)

        self.busy.start(f"Reading {path.name}…")
        self.message.clear()
        self._set_controls_enabled(False)
        task = self._wizard.run(f"Reading {path.name}…", work, self._on_read_done,
                                self._on_read_failed)
        task.progressed.connect(self.busy.progress)
        self._task = task
        self.completeChanged.emit()
        return task

    def _on_read_done(self, task: Task,
                      result: tuple[SourceTable, ImportProfileData | None]) -> None:
        if task is not self._task:
            return  # superseded by a newer read
        self._task = None
        table, profile = result
        previous = self.model.mapping() if self.table is not None else {}
        if profile is not None and self.profile is None and not self._profile_options_tried:
            self._profile_options_tried = True
            wanted = _merge_options(self._options, profile.options)
            if wanted != self._options:
                self._options = wanted  # read again the way the profile's file was read
                self.profile = profile
                self.read()
                return
        if profile is not None and (self.profile is None or self.profile.name != profile.name
                                    or not previous):
            self.profile = profile
            mapping = profile_mapping(profile, table.headers)
        elif self.profile is not None and profile is not None:
            mapping = {**profile_mapping(profile, table.headers), **previous}
        else:
            mapping = {**guess_mapping(table.headers), **previous}
        self.table = table
        self.model.set_table(table, {h: mapping.get(h, IGNORE) for h in table.headers})
        self._show_options(table)
        self._open_editors()
        self.busy.hide()
        self._set_controls_enabled(True)
        self.completeChanged.emit()

    def _on_read_failed(self, task: Task, exc: BaseException) -> None:
        if task is not self._task:
            return
        self._task = None
        self.busy.hide()
        self._set_controls_enabled(True)
        self.table = None
        self.model.set_table(None, {})
        if not isinstance(exc, UserError):
            sys.excepthook(type(exc), exc, exc.__traceback__)
        self.message.setText(f"The file could not be read: {exc}" if isinstance(exc, UserError)
                             else "The file could not be read (the error is in the log).")
        self.completeChanged.emit()

    def _show_options(self, table: SourceTable) -> None:
        csv = table.kind == "csv"
        self.file_label.setText(
            f"{table.path.name} — {'CSV' if csv else 'Excel workbook'}, "
            f"{_plural(len(table.rows), 'row')} of people, {_plural(len(table.headers), 'column')}")
        self.options_form.setRowVisible(self._encoding_row, csv)
        self.options_form.setRowVisible(self.delimiter_combo, csv)
        self.options_form.setRowVisible(self.sheet_combo, not csv)
        if csv and table.encoding:
            index = next((i for i in range(self.encoding_combo.count())
                          if codec_name(self.encoding_combo.itemData(i))
                          == codec_name(table.encoding)), -1)
            if index < 0:
                self.encoding_combo.addItem(table.encoding, table.encoding)
                index = self.encoding_combo.count() - 1
            self.encoding_combo.setCurrentIndex(index)
            self.encoding_note.setText("detected" if self._options.encoding is None
                                       else "chosen by you")
        if csv and table.delimiter:
            index = self.delimiter_combo.findData(table.delimiter)
            if index < 0:
                self.delimiter_combo.addItem(repr(table.delimiter), table.delimiter)
                index = self.delimiter_combo.count() - 1
            self.delimiter_combo.setCurrentIndex(index)
        if not csv:
            self.sheet_combo.clear()
            self.sheet_combo.addItems(list(table.sheets))
            self.sheet_combo.setCurrentText(table.sheet or "")
            self.sheet_combo.setEnabled(len(table.sheets) > 1)
        skipped = table.header_row - 1
        self.header_label.setText(
            f"found on row {table.header_row}" + (
                f" (the {_plural(skipped, 'row')} above {'is' if skipped == 1 else 'are'} "
                "skipped)" if skipped else ""))
        if self.profile is not None:
            self.profile_label.setText(
                f"Columns mapped with the saved profile “{self.profile.name}”.")
        else:
            self.profile_label.setText("Columns mapped by their names; check the guesses.")

    def _open_editors(self) -> None:
        for row in range(self.model.rowCount()):
            self.view.openPersistentEditor(self.model.index(row, MappingColumn.FIELD))

    def _set_controls_enabled(self, enabled: bool) -> None:
        for widget in (self.encoding_combo, self.delimiter_combo, self.save_profile_button):
            widget.setEnabled(enabled)
        self.sheet_combo.setEnabled(enabled and self.sheet_combo.count() > 1)

    def _reread_with(self, **changes: Any) -> None:
        self._options = replace(self._options, **changes)
        self.read()

    def _on_encoding_combo_activated(self, index: int) -> None:
        encoding = self.encoding_combo.itemData(index)
        if self.table is None or codec_name(encoding) != codec_name(self.table.encoding or ""):
            self._reread_with(encoding=encoding)

    def _on_delimiter_combo_activated(self, index: int) -> None:
        delimiter = self.delimiter_combo.itemData(index)
        if self.table is None or delimiter != self.table.delimiter:
            self._reread_with(delimiter=delimiter)

    def _on_sheet_combo_activated(self, index: int) -> None:
        sheet = self.sheet_combo.itemText(index)
        if self.table is None or sheet != self.table.sheet:
            self._reread_with(sheet=sheet)

    # ------------------------------------------------------------------ mapping

    def mapping(self) -> dict[str, str]:
        """Header -> field key, as shown."""
        return self.model.mapping()

    def mapping_problem(self) -> str | None:
        """Why the mapping cannot be used yet, in plain words."""
        if self.table is None:
            return None
        fields = set(self.model.mapping().values())
        if "email" not in fields:
            return ("Choose the column that holds the email address: people are matched by "
                    "email.")
        if not fields & set(NAME_FIELDS):
            return "Choose the column that holds the name (or the first and last names)."
        duplicates = self.model.duplicates()
        if duplicates:
            key, headers = next(iter(duplicates.items()))
            names = " and ".join(f"“{h}”" for h in headers)
            return f"{field_label(key)} is chosen for more than one column: {names}."
        return None

    def _on_mapping_changed(self) -> None:
        problem = self.mapping_problem()
        if problem:
            self.message.setText(problem)
        elif self.table is not None:
            self.message.clear()
        self.completeChanged.emit()

    def _on_save_profile_clicked(self) -> None:
        if self.table is None or self._wizard.db.read_only:
            return
        suggestion = self.profile.name if self.profile is not None else self.table.path.stem
        name = prompts.ask_text(self, "Save import profile",
                                "Name this mapping (for example, the system the file comes "
                                "from):", suggestion)
        if name is None:
            return
        profile = ImportProfileData(name=name, mapping=self.model.mapping(),
                                    options=self._options)
        try:
            with self._wizard.db.Session.begin() as session:
                save_profile(session, profile)
        except UserError as exc:
            prompts.show_error(self, "Save import profile", exc.message)
            return
        self.profile = profile
        self.profile_label.setText(f"Mapping saved as the profile “{name}”; it is applied "
                                   "by itself to files with these columns.")

    def isComplete(self) -> bool:
        return self._task is None and self.table is not None and self.mapping_problem() is None


def _merge_options(current: SourceOptions, saved: SourceOptions) -> SourceOptions:
    """The user's explicit choices win; the profile fills in the rest."""
    return SourceOptions(
        encoding=current.encoding or saved.encoding,
        delimiter=current.delimiter or saved.delimiter,
        sheet=current.sheet or saved.sheet,
    )


class PreviewPage(QWizardPage):
    """Step 3: what the import will do, row by row, before anything is written."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Check what will change")
        self.setSubTitle("Nothing has been changed yet. Rows with a problem are not imported; "
                         "fix them in the file and import it again later.")
        self.setCommitPage(True)
        self.setButtonText(QWizard.WizardButton.CommitButton, "Import")
        self.preview: ImportPreview | None = None
        self._task: Task | None = None

        self.counts = QLabel()
        self.counts.setObjectName("preview_counts")
        font = self.counts.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        self.counts.setFont(font)
        self.busy = BusyBar()

        self.problems_model = ProblemsTableModel(self)
        self.problems_view = table_view(self.problems_model)
        self.problems_view.setColumnWidth(0, 60)
        self.problems_view.setColumnWidth(1, 160)
        self.problems_box = QGroupBox("Problems")
        problems_layout = QVBoxLayout(self.problems_box)
        problems_layout.addWidget(self.problems_view)

        self.changes_model = ChangesTableModel(self)
        self.changes_proxy = ChangesProxyModel(self)
        self.changes_proxy.setSourceModel(self.changes_model)
        self.changes_view = table_view(self.changes_proxy)
        for column, width in ((ChangeColumn.ROW, 60), (ChangeColumn.EMAIL, 270),
                              (ChangeColumn.NAME, 180), (ChangeColumn.ACTION, 100)):
            self.changes_view.setColumnWidth(column, width)
        self.show_combo = QComboBox()
        for label, actions in SHOW_CHOICES:
            self.show_combo.addItem(label, actions)
        self.show_combo.currentIndexChanged.connect(self._on_show_combo_changed)
        changes_box = QGroupBox("Rows of the file")
        changes_layout = QVBoxLayout(changes_box)
        show_row = QHBoxLayout()
        show_row.addWidget(QLabel("Show"))
        show_row.addWidget(self.show_combo)
        show_row.addStretch(1)
        changes_layout.addLayout(show_row)
        changes_layout.addWidget(self.changes_view)

        splitter = QSplitter(Qt.Orientation.Vertical)
        splitter.addWidget(self.problems_box)
        splitter.addWidget(changes_box)
        splitter.setStretchFactor(0, 1)
        splitter.setStretchFactor(1, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(self.counts)
        layout.addWidget(self.busy)
        layout.addWidget(splitter, 1)

    def initializePage(self) -> None:
        self.preview = None
        self.problems_model.set_problems(())
        self.changes_model.set_rows(())
        self.counts.setText("")
        table = self._wizard.mapping_page.table
        if table is None:
            return
        mapping = self._wizard.mapping_page.mapping()

        def work(progress: Progress, cancelled: Cancelled,
                 ) -> tuple[ImportPreview, list[ChangeRow]]:
            with self._wizard.db.Session() as session:
                preview = preview_import(session, table, mapping, progress, cancelled)
            return preview, change_rows(preview)

        self.busy.start(f"Checking {_plural(len(table.rows), 'row')} against MentorDesk…")
        self._task = self._wizard.run("Checking the file…", work, self._on_preview_done,
                                      self._on_preview_failed)
        self._task.progressed.connect(self.busy.progress)
        self.completeChanged.emit()

    def cleanupPage(self) -> None:
        if self._task is not None:
            self._task.cancel()
            self._task = None

    def _on_preview_done(self, task: Task, result: tuple[ImportPreview, list[ChangeRow]],
                         ) -> None:
        if task is not self._task:
            return
        self._task = None
        self.busy.hide()
        preview, rows = result
        self.preview = preview
        self.problems_model.set_problems(preview.problems)
        self.changes_model.set_rows(rows)
        refused = len(preview.refused_rows)
        self.counts.setText(
            f"<b>{preview.adds}</b> to add &nbsp;·&nbsp; <b>{preview.updates}</b> to update "
            f"&nbsp;·&nbsp; <b>{preview.unchanged}</b> unchanged &nbsp;·&nbsp; "
            + (f"<b style='color:#B00020'>{refused}</b> refused" if refused
               else "<b>0</b> refused")
            + ("" if preview.adds + preview.updates
               else "<br>Nothing to import: everyone in the file is already up to date."))
        self.problems_box.setTitle(f"Problems ({len(preview.problems)})" if preview.problems
                                   else "Problems: none")
        self.problems_box.setVisible(bool(preview.problems))
        self.completeChanged.emit()

    def _on_preview_failed(self, task: Task, exc: BaseException) -> None:
        if task is not self._task:
            return
        self._task = None
        self.busy.hide()
        if not isinstance(exc, UserError):
            sys.excepthook(type(exc), exc, exc.__traceback__)
        self.counts.setText(f"<span style='color:#B00020'>The file could not be checked: "
                            f"{exc}</span>")
        self.completeChanged.emit()

    def _on_show_combo_changed(self, _index: int) -> None:
        self.changes_proxy.set_actions(self.show_combo.currentData())

    def isComplete(self) -> bool:
        preview = self.preview
        return (self._task is None and preview is not None and not self._wizard.db.read_only
                and preview.adds + preview.updates > 0)


class ImportPage(QWizardPage):
    """Step 4: the import itself, then its result."""

    def __init__(self, wizard: ImportWizard) -> None:
        super().__init__()
        self._wizard = wizard
        self.setTitle("Importing")
        self.result: ImportResult | None = None
        self.task: Task | None = None
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.cancel_button = QPushButton("Cancel import")
        self.cancel_button.clicked.connect(self.cancel)
        self.outcome = QLabel()
        self.outcome.setObjectName("import_outcome")
        self.outcome.setWordWrap(True)
        self.outcome.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        progress_row = QHBoxLayout()
        progress_row.addWidget(self.progress, 1)
        progress_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(progress_row)
        layout.addWidget(self.outcome)
        layout.addStretch(1)

    def initializePage(self) -> None:
        table = self._wizard.mapping_page.table
        preview = self._wizard.preview_page.preview
        assert table is not None and preview is not None
        mapping = preview.mapping
        db = self._wizard.db
        writes = preview.adds + preview.updates
        self.setSubTitle(f"Adding {preview.adds} and updating {preview.updates} "
                         f"{'person' if writes == 1 else 'people'}. A backup is taken first; "
                         "if you cancel, nothing is changed.")

        def work(progress: Progress, cancelled: Cancelled) -> ImportResult:
            return commit_import(db, table, mapping, progress, cancelled)

        self.outcome.clear()
        self.progress.show()
        self.cancel_button.show()
        self.cancel_button.setEnabled(True)
        self.task = self._wizard.run("Importing participants…", work, self._on_import_done,
                                     self._on_import_failed, self._on_import_cancelled)
        self.task.progressed.connect(self._on_progress)
        self._wizard.button(QWizard.WizardButton.CancelButton).setEnabled(False)
        self.completeChanged.emit()

    def cancel(self) -> None:
        """Stop the import; nothing is written."""
        if self.task is not None:
            self.task.cancel()
            self.cancel_button.setEnabled(False)
            self.outcome.setText("Cancelling…")

    def _on_progress(self, done: int, total: int) -> None:
        if total > 0:
            self.progress.setRange(0, total)
            self.progress.setValue(min(done, total))

    def _ended(self, title: str, text: str) -> None:
        self.task = None
        self.setTitle(title)
        self.setSubTitle("")
        self.progress.hide()
        self.cancel_button.hide()
        self.outcome.setText(text)
        self._wizard.button(QWizard.WizardButton.CancelButton).setEnabled(True)
        self.completeChanged.emit()

    def _on_import_done(self, _task: Task, result: ImportResult) -> None:
        self.result = result
        lines = [f"<p><b>{result.added}</b> added, <b>{result.updated}</b> updated, "
                 f"<b>{result.unchanged}</b> unchanged, <b>{result.refused}</b> refused.</p>"]
        if result.refused:
            lines.append("<p>The refused rows are listed on the previous page; fix them in "
                         "the file and import it again — the rows already imported will "
                         "show as unchanged.</p>")
        if result.backup is not None:
            lines.append(f"<p>The database was backed up first, to {result.backup}.</p>")
        self._ended("Import finished", "".join(lines))
        self._wizard.imported.emit(result)

    def _on_import_failed(self, _task: Task, exc: BaseException) -> None:
        if not isinstance(exc, UserError):
            sys.excepthook(type(exc), exc, exc.__traceback__)
        self._ended("Import failed", f"<p>{exc}</p><p>Nothing was changed.</p>")

    def _on_import_cancelled(self, _task: Task) -> None:
        self._ended("Import cancelled", "<p>The import was cancelled; nothing was changed.</p>")

    def isComplete(self) -> bool:
        return self.task is None


# --------------------------------------------------------------------------- wizard


class ImportWizard(QWizard):
    """The import wizard; emits ``imported`` with the :class:`ImportResult` once written.

    ``tasks`` is the window's runner: the wizard's reading, preview and import run there,
    one at a time, without its delayed progress dialog (a window-modal dialog would block
    the wizard; each page shows its own progress).
    """

    imported = Signal(object)  # ImportResult

    def __init__(self, db: Database, tasks: TaskRunner, start_dir: Path,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.db = db
        self.tasks = tasks
        self.start_dir = start_dir
        self._running: set[Task] = set()
        self.setWindowTitle("Import participants")
        self.setWizardStyle(QWizard.WizardStyle.ClassicStyle)
        self.setOption(QWizard.WizardOption.NoBackButtonOnLastPage, True)
        self.setOption(QWizard.WizardOption.NoCancelButtonOnLastPage, False)
        self.file_page = FilePage(self)
        self.mapping_page = MappingPage(self)
        self.preview_page = PreviewPage(self)
        self.import_page = ImportPage(self)
        for page in (self.file_page, self.mapping_page, self.preview_page, self.import_page):
            self.addPage(page)
        self.resize(960, 680)

    def run(self, label: str, work: Callable[[Progress, Cancelled], Any],
            on_done: Callable[[Task, Any], None],
            on_failed: Callable[[Task, BaseException], None],
            on_cancelled: Callable[[Task], None] | None = None) -> Task:
        """Run ``work`` on the window's runner; the callbacks get the task, so a page can
        ignore the outcome of work it has since replaced."""
        holder: list[Task] = []
        task = self.tasks.run(
            label, work, progress_dialog=False,
            on_done=lambda result: on_done(holder[0], result),
            on_failed=lambda exc: on_failed(holder[0], exc),
            on_cancelled=(lambda: on_cancelled(holder[0])) if on_cancelled else None)
        holder.append(task)
        self._running.add(task)
        task.ended.connect(lambda t=task: self._running.discard(t))
        return task

    @property
    def busy(self) -> bool:
        """Whether any of the wizard's work is still running."""
        return bool(self._running)

    def reject(self) -> None:
        """Cancel, Escape or closing: stop the reading or preview and close. An import
        under way cannot be walked away from: it is cancelled, and the page says so."""
        if self.import_page.task is not None:
            self.import_page.cancel()
            return
        for task in list(self._running):
            task.cancel()
        super().reject()

    def dispose(self) -> None:
        """Delete the wizard once its work has ended (its pages receive the outcome)."""
        delete_when_done(self, self._running)
