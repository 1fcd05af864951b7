"""The Feedback area: the programme's feedback and readiness forms, and the results of the
form selected.

Reading: the forms come from :func:`~mentordesk.services.feedback.list_form_records`, the
selected form's results from :func:`~mentordesk.services.feedback.summarise_form` (per
question: the average, the net promoter score of a 0-10 score, how often each answer was
given, and the comments of non-confidential responses). Confidential answers count only in
whole groups of five; a result hidden says why.

Writing: designing a form (:mod:`~mentordesk.ui.dialogs.form_designer_dialog`), duplicating
and deleting one, and typing in a response (:mod:`~mentordesk.ui.dialogs.response_dialog`)
each run one service call in one transaction; importing a survey tool's export
(:mod:`~mentordesk.ui.dialogs.survey_import_dialog`) and exporting the responses as CSV run
in the background. Each reports ``{"feedback", "kpis", "documents"}`` as changed (the KPIs
measure satisfaction and recommendation from the answers; Documents prints the forms). A
read-only database shows and exports everything and changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QRect,
    QSize,
    QSortFilterProxyModel,
    Qt,
)
from PySide6.QtGui import QColor, QKeySequence, QPainter
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentordesk.models import QuestionKind
from mentordesk.services.feedback import (
    MIN_GROUP,
    TEMPLATES,
    FormData,
    FormRecord,
    FormSummaryData,
    ResponsesExport,
    SurveyImportResult,
    create_form,
    delete_form,
    duplicate_form,
    export_responses,
    get_form,
    list_form_records,
    submit_response,
    summarise_form,
    update_form,
)
from mentordesk.services.files import safe_file_name, unique_name
from mentordesk.services.participants import ParticipantFilter, list_participants
from mentordesk.services.programmes import ProgrammeRecord, current_programme
from mentordesk.ui import prompts
from mentordesk.ui.qtmodels.feedback import (
    CommentColumn,
    CommentsTableModel,
    FormColumn,
    FormsTableModel,
    Role,
    SummaryColumn,
    SummaryTableModel,
    audience_label,
    comments_of,
    purpose_label,
)
from mentordesk.ui.tasks import Cancelled, Progress, Task
from mentordesk.ui.views.base import AreaView, add_shortcut, area_header
from mentordesk.ui.widgets import MUTED_STYLE, Banner, plural

if TYPE_CHECKING:
    from mentordesk.services.feedback import QuestionSummary
    from mentordesk.ui.dialogs.form_designer_dialog import FormDesignerDialog, NewFormDialog
    from mentordesk.ui.dialogs.response_dialog import ResponseDialog, ResponseEntry
    from mentordesk.ui.dialogs.survey_import_dialog import SurveyImportDialog

# Forms and answers: the KPIs measure satisfaction and recommendation from the answers, and
# the Documents area prints the forms.
FEEDBACK_CHANGES = frozenset({"feedback", "kpis", "documents"})
EXPORTS_FOLDER = "Feedback exports"
EMPTY_STYLE = "color: #6B6B6B; font-size: 13pt; padding: 24px;"
_BAR = QColor("#4C7BD9")
_BAR_EMPTY = QColor("#E3E7EF")
_TEXT = QColor("#333333")
_NUMERIC = (QuestionKind.RATING, QuestionKind.SCORE)


def _configure_table(table: QTableView) -> None:
    table.setSortingEnabled(True)
    table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setAlternatingRowColors(True)
    table.verticalHeader().hide()
    table.verticalHeader().setDefaultSectionSize(table.fontMetrics().height() + 10)
    header = table.horizontalHeader()
    header.setStretchLastSection(True)
    header.setHighlightSections(False)


class DistributionDelegate(QStyledItemDelegate):
    """Draws how often each answer was given as small bars: a column per point of a
    rating's or score's scale, a row per choice (or yes and no) with its count."""

    BAR_AREA = 34  # the tallest column of a scale, in pixels

    def _lines(self, summary: QuestionSummary) -> int:
        return len(summary.distribution or ())

    def sizeHint(self, option: QStyleOptionViewItem,
                 index: QModelIndex | QPersistentModelIndex) -> QSize:
        summary = index.data(Role.ROW)
        distribution = index.data(Role.DISTRIBUTION)
        if summary is None or not distribution:
            return super().sizeHint(option, index)
        height = option.fontMetrics.height()
        if summary.kind in _NUMERIC:
            return QSize(len(distribution) * 26 + 12, self.BAR_AREA + 2 * height + 12)
        return QSize(260, len(distribution) * (height + 4) + 8)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem,
              index: QModelIndex | QPersistentModelIndex) -> None:
        summary = index.data(Role.ROW)
        distribution = index.data(Role.DISTRIBUTION)
        if summary is None or not distribution:
            super().paint(painter, option, index)
            return
        # The background (and selection) as any cell, without the text.
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget is not None else None
        if style is not None:
            style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        rect = option.rect.adjusted(6, 4, -6, -4)
        top = max((n for _, n in distribution), default=0) or 1
        text_colour = (option.palette.highlightedText().color()
                       if option.state & QStyle.StateFlag.State_Selected else _TEXT)
        metrics = option.fontMetrics
        line = metrics.height()
        if summary.kind in _NUMERIC:
            width = max(12, min(26, rect.width() // max(1, len(distribution))))
            bar_bottom = rect.top() + line + self.BAR_AREA
            for n, (label, count) in enumerate(distribution):
                x = rect.left() + n * width
                height = round(self.BAR_AREA * count / top)
                painter.fillRect(QRect(x + 2, bar_bottom - 2, width - 4, 2), _BAR_EMPTY)
                if count:
                    painter.fillRect(QRect(x + 2, bar_bottom - height, width - 4, height), _BAR)
                    painter.setPen(text_colour)
                    painter.drawText(QRect(x, bar_bottom - height - line, width, line),
                                     Qt.AlignmentFlag.AlignCenter, f"{count}")
                painter.setPen(QColor("#6B6B6B"))
                painter.drawText(QRect(x, bar_bottom + 2, width, line),
                                 Qt.AlignmentFlag.AlignCenter, label)
        else:
            count_width = metrics.horizontalAdvance(f"{top:,}") + 8
            # Labels get what the bars and counts do not need (bars at least 60 px).
            label_width = max(40, min(rect.width() - count_width - 60, max(
                metrics.horizontalAdvance(label) for label, _ in distribution) + 8))
            bar_width = max(10, rect.width() - label_width - count_width)
            for n, (label, count) in enumerate(distribution):
                y = rect.top() + n * (line + 4)
                painter.setPen(text_colour)
                shown = metrics.elidedText(label.capitalize() if label in ("yes", "no")
                                           else label, Qt.TextElideMode.ElideRight,
                                           label_width - 8)
                painter.drawText(QRect(rect.left(), y, label_width - 8, line),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignRight,
                                 shown)
                length = round(bar_width * count / top)
                bar = QRect(rect.left() + label_width, y + 3, max(length, 1), line - 6)
                painter.fillRect(bar, _BAR if count else _BAR_EMPTY)
                painter.drawText(QRect(bar.right() + 4, y, count_width, line),
                                 Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
                                 f"{count:,}")
        painter.restore()


class FeedbackView(AreaView):
    """The current programme's forms, their design and responses, and their results."""

    area = "feedback"
    title = "Feedback"
    # Erasing or withdrawing people removes their responses; another programme, other forms.
    depends_on = frozenset({"feedback", "programme", "participants"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.programme: ProgrammeRecord | None = None
        self.summary: FormSummaryData | None = None
        self._select_after_load: int | None = None
        self._last_dir: Path | None = None
        self._sized = False
        self._reloading = False
        self.new_dialog: NewFormDialog | None = None
        self.designer_dialog: FormDesignerDialog | None = None
        self.response_dialog: ResponseDialog | None = None
        self.import_dialog: SurveyImportDialog | None = None
        self.export_task: Task | None = None

        top, self.programme_label = area_header(self.title)

        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet(EMPTY_STYLE)
        self.work = QSplitter(Qt.Orientation.Vertical)
        self.work.addWidget(self._build_forms())
        self.work.addWidget(self._build_results())
        self.work.setChildrenCollapsible(False)
        self.work.setStretchFactor(0, 2)
        self.work.setStretchFactor(1, 5)
        self.work.setSizes([200, 500])
        self.body = QStackedWidget()
        self.body.addWidget(self.work)
        self.body.addWidget(self.empty_label)
        self.body.addWidget(self._build_no_forms())

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)
        self._update_actions()

    # ------------------------------------------------------------------ building

    def _build_forms(self) -> QWidget:
        self.new_button = QPushButton("&New form…")
        self.new_button.setToolTip("A blank form, or one of the ready-made templates")
        self.new_button.clicked.connect(self.new_form)
        self.edit_button = QPushButton("&Edit…")
        self.edit_button.setToolTip("Change the form's details and questions (double-click)")
        self.edit_button.clicked.connect(self.edit_form)
        self.duplicate_button = QPushButton("D&uplicate")
        self.duplicate_button.setToolTip("A copy of the form's questions, without responses")
        self.duplicate_button.clicked.connect(self.duplicate_selected)
        self.delete_button = QPushButton("&Delete…")
        self.delete_button.setToolTip("Delete the form and every response to it")
        self.delete_button.clicked.connect(self.delete_selected)
        self.count_label = QLabel()
        self.count_label.setStyleSheet(MUTED_STYLE)
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for button in (self.new_button, self.edit_button, self.duplicate_button,
                       self.delete_button):
            buttons.addWidget(button)
        buttons.addStretch(1)
        buttons.addWidget(self.count_label)

        self.forms_model = FormsTableModel(self)
        self.forms_proxy = QSortFilterProxyModel(self)
        self.forms_proxy.setSourceModel(self.forms_model)
        self.forms_proxy.setSortRole(Role.SORT)
        self.forms_table = QTableView()
        self.forms_table.setModel(self.forms_proxy)
        self.forms_table.setAccessibleName("Forms")
        _configure_table(self.forms_table)
        self.forms_table.setWordWrap(False)
        self.forms_table.sortByColumn(FormColumn.TITLE, Qt.SortOrder.AscendingOrder)
        header = self.forms_table.horizontalHeader()
        header.setSectionResizeMode(FormColumn.TITLE, QHeaderView.ResizeMode.Stretch)
        header.setStretchLastSection(False)
        self.forms_table.selectionModel().currentRowChanged.connect(
            self._on_forms_table_current_row_changed)
        self.forms_table.doubleClicked.connect(self._on_forms_table_double_clicked)
        add_shortcut(self.forms_table, QKeySequence.StandardKey.Delete, self.delete_selected,
                     Qt.ShortcutContext.WidgetShortcut)

        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addLayout(buttons)
        layout.addWidget(self.forms_table, 1)
        return box

    def _build_results(self) -> QWidget:
        self.banner = Banner()
        self.respond_button = QPushButton("Enter a &response…")
        self.respond_button.setToolTip("Type in one person's answers (from paper, an email, "
                                       "a conversation)")
        self.respond_button.clicked.connect(self.enter_response)
        self.import_button = QPushButton("&Import survey results…")
        self.import_button.setToolTip("Responses from a Microsoft Forms, Google Forms or "
                                      "SurveyMonkey export (CSV or Excel)")
        self.import_button.clicked.connect(self.import_survey)
        self.export_button = QPushButton("E&xport responses…")
        self.export_button.setToolTip("A CSV file of the non-confidential responses and the "
                                      "results")
        self.export_button.clicked.connect(self.export_responses)
        self.documents_link = QLabel("<a href='documents'>Print or send as a fillable PDF…</a>")
        self.documents_link.setToolTip("Make the form as a PDF to print or to fill in on "
                                       "screen (the Documents area), and read filled-in ones "
                                       "back")
        self.documents_link.setTextInteractionFlags(
            Qt.TextInteractionFlag.LinksAccessibleByMouse
            | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.documents_link.linkActivated.connect(self._on_documents_link_activated)
        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        for button in (self.respond_button, self.import_button, self.export_button):
            actions.addWidget(button)
        actions.addStretch(1)
        actions.addWidget(self.documents_link)

        self.summary_model = SummaryTableModel(self)
        self.summary_table = QTableView()
        self.summary_table.setModel(self.summary_model)
        self.summary_table.setAccessibleName("Results by question")
        _configure_table(self.summary_table)
        self.summary_table.setSortingEnabled(False)
        self.summary_table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.summary_table.setAlternatingRowColors(False)
        self.summary_table.setWordWrap(True)
        self.summary_table.setShowGrid(False)
        self.summary_table.setStyleSheet(
            "QTableView::item { border-bottom: 1px solid #E4E4E4; padding: 4px; }")
        self.summary_table.setItemDelegateForColumn(SummaryColumn.DISTRIBUTION,
                                                    DistributionDelegate(self.summary_table))
        self.summary_table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        header = self.summary_table.horizontalHeader()
        header.setSectionResizeMode(SummaryColumn.QUESTION, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(SummaryColumn.ANSWERS, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(SummaryColumn.RESULT, QHeaderView.ResizeMode.Interactive)
        header.sectionResized.connect(self._on_summary_header_section_resized)
        self.summary_table.setColumnWidth(SummaryColumn.QUESTION, 280)
        self.summary_table.setColumnWidth(SummaryColumn.ANSWERS, 120)
        self.summary_table.setColumnWidth(SummaryColumn.RESULT, 210)

        self.comments_model = CommentsTableModel(self)
        self.comments_proxy = QSortFilterProxyModel(self)
        self.comments_proxy.setSourceModel(self.comments_model)
        self.comments_proxy.setSortRole(Role.SORT)
        self.comments_table = QTableView()
        self.comments_table.setModel(self.comments_proxy)
        self.comments_table.setAccessibleName("Comments")
        _configure_table(self.comments_table)
        self.comments_table.setWordWrap(True)
        self.comments_table.sortByColumn(CommentColumn.QUESTION, Qt.SortOrder.AscendingOrder)
        self.comments_table.setColumnWidth(CommentColumn.QUESTION,
                                           self.fontMetrics().horizontalAdvance("Q88") + 16)
        self.comments_table.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.comments_title = QLabel()
        font = self.comments_title.font()
        font.setBold(True)
        self.comments_title.setFont(font)
        self.comments_note = QLabel("Comments of confidential responses are never shown.")
        self.comments_note.setWordWrap(True)
        self.comments_note.setStyleSheet(MUTED_STYLE)
        comments_box = QWidget()
        comments_layout = QVBoxLayout(comments_box)
        comments_layout.setContentsMargins(6, 0, 0, 0)
        comments_layout.addWidget(self.comments_title)
        comments_layout.addWidget(self.comments_table, 1)
        comments_layout.addWidget(self.comments_note)

        self.results_splitter = QSplitter(Qt.Orientation.Horizontal)
        self.results_splitter.addWidget(self.summary_table)
        self.results_splitter.addWidget(comments_box)
        self.results_splitter.setChildrenCollapsible(False)
        self.results_splitter.setStretchFactor(0, 3)
        self.results_splitter.setStretchFactor(1, 1)
        self.results_splitter.setSizes([920, 300])

        self.no_selection = QLabel("Select a form to see its results.")
        self.no_selection.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.no_selection.setStyleSheet(EMPTY_STYLE)
        self.results_stack = QStackedWidget()
        self.results_stack.addWidget(self.results_splitter)
        self.results_stack.addWidget(self.no_selection)

        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self.banner)
        layout.addLayout(actions)
        layout.addWidget(self.results_stack, 1)
        return box

    def _build_no_forms(self) -> QWidget:
        from mentordesk.ui.dialogs.form_designer_dialog import TemplateChooser

        title = QLabel("This programme has no feedback forms yet.")
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.2)
        font.setBold(True)
        title.setFont(font)
        note = QLabel("Start from one of these ready-made forms and adapt it, or from a blank "
                      "one. Responses can then be typed in, imported from a survey tool's "
                      "export, or read from filled-in PDF forms.")
        note.setWordWrap(True)
        note.setStyleSheet(MUTED_STYLE)
        self.template_chooser = TemplateChooser(TEMPLATES)
        self.template_chooser.chosen.connect(self._on_template_chooser_chosen)
        inner = QWidget()
        inner.setMaximumWidth(760)
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 12, 0, 12)
        layout.addWidget(title)
        layout.addWidget(note)
        layout.addSpacing(8)
        layout.addWidget(self.template_chooser)
        layout.addStretch(1)
        page = QWidget()
        page_layout = QHBoxLayout(page)
        page_layout.addWidget(inner, 1)
        page_layout.addStretch(0)
        scroll = QScrollArea()
        scroll.setWidget(page)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        self.no_forms_page = scroll
        return scroll

    # ------------------------------------------------------------------ loading

    @property
    def writable(self) -> bool:
        """Whether the open database may be changed."""
        return self.db is not None and not self.db.read_only

    def _load(self) -> None:
        programme: ProgrammeRecord | None = None
        forms: list[FormRecord] = []
        if self.db is not None:
            with self.db.Session() as session:
                programme = current_programme(session)
                if programme is not None:
                    forms = list_form_records(session, programme.id)
        keep = self._select_after_load or self.selected_form_id()
        self._select_after_load = None
        self.programme = programme
        self._reloading = True  # the results are read once, at the end
        self.programme_label.setText(programme.data.name if programme is not None else "")
        self.forms_model.set_rows(forms)
        if not self._sized and forms:
            self._sized = True
            for column in (FormColumn.PURPOSE, FormColumn.AUDIENCE, FormColumn.QUESTIONS,
                           FormColumn.RESPONSES):
                self.forms_table.resizeColumnToContents(column)
                self.forms_table.setColumnWidth(
                    column, self.forms_table.columnWidth(column) + 24)
        if (keep is None or not self.select_form(keep)) and self.forms_proxy.rowCount():
            self.forms_table.selectionModel().setCurrentIndex(
                self.forms_proxy.index(0, 0), QItemSelectionModel.SelectionFlag.ClearAndSelect
                | QItemSelectionModel.SelectionFlag.Rows)
        self._reloading = False
        self.count_label.setText(plural(len(forms), "form"))
        self._show_state()
        self._load_results()

    def _show_state(self) -> None:
        text = ""
        if self.db is None:
            text = "No database is open."
        elif self.programme is None:
            text = ("There is no programme yet. Set one up in the Programme area: its "
                    "feedback forms are made here.")
        if text:
            self.empty_label.setText(text)
            self.body.setCurrentWidget(self.empty_label)
        elif not self.forms_model.rowCount():
            self.body.setCurrentWidget(self.no_forms_page)
        else:
            self.body.setCurrentWidget(self.work)

    def _load_results(self) -> None:
        """Read the selected form's results (and nothing else)."""
        form = self.selected_form()
        summary: FormSummaryData | None = None
        if form is not None and self.db is not None:
            with self.db.Session() as session:
                summary = summarise_form(session, form.id)
        self.summary = summary
        self.summary_model.set_rows(summary.questions if summary is not None else ())
        comments = comments_of(summary.questions) if summary is not None else []
        self.comments_model.set_rows(comments)
        self.comments_title.setText(f"Comments ({len(comments):,})")
        self.summary_table.resizeRowsToContents()
        self.comments_table.resizeRowsToContents()
        self.results_stack.setCurrentWidget(self.results_splitter if form is not None
                                            else self.no_selection)
        self._show_banner(form, summary)
        self._update_actions()

    def _show_banner(self, form: FormRecord | None, summary: FormSummaryData | None) -> None:
        if form is None or summary is None:
            self.banner.show_text("", "")
            self.banner.hide()
            return
        self.banner.show()
        headline = f"{form.title} — {plural(summary.responses, 'response')}"
        if summary.confidential_responses:
            headline += f", {summary.confidential_responses:,} of them confidential"
        details = [f"{purpose_label(form.purpose)} form for "
                   f"{audience_label(form.audience).lower()}, "
                   f"{plural(len(form.questions), 'question')}."]
        tone = "plain"
        if not summary.responses:
            details.append("No responses yet: enter one, import a survey tool's export, or "
                           "read filled-in PDF forms back in the Documents area.")
        if summary.confidential_responses:
            hidden = any(q.confidential and (q.hidden or q.included < q.answers)
                         for q in summary.questions if q.kind is not QuestionKind.TEXT)
            details.append(f"Confidential answers count only in whole groups of "
                           f"{MIN_GROUP}; their comments are never shown."
                           + (" Some results leave them out or are hidden." if hidden
                              else ""))
            tone = "attention" if hidden else "plain"
        self.banner.show_text(headline, " ".join(details), tone)

    def _on_summary_header_section_resized(self, *_args: object) -> None:
        self.summary_table.resizeRowsToContents()

    # ------------------------------------------------------------------ selection

    def selected_form(self) -> FormRecord | None:
        """The form whose results are shown."""
        index = self.forms_table.currentIndex()
        if not index.isValid():
            return None
        form: FormRecord = self.forms_proxy.index(index.row(), 0).data(Role.ROW)
        return form

    def selected_form_id(self) -> int | None:
        """The id of the form selected."""
        form = self.selected_form()
        return form.id if form is not None else None

    def select_form(self, form_id: int) -> bool:
        """Select form ``form_id`` if it is listed."""
        row = self.forms_model.row_of(form_id)
        if row is None:
            return False
        index = self.forms_proxy.mapFromSource(self.forms_model.index(row, 0))
        self.forms_table.selectionModel().setCurrentIndex(
            index, QItemSelectionModel.SelectionFlag.ClearAndSelect
            | QItemSelectionModel.SelectionFlag.Rows)
        self.forms_table.scrollTo(index)
        return True

    def _on_forms_table_current_row_changed(self, *_args: object) -> None:
        if not self._reloading:
            self._load_results()

    def _on_forms_table_double_clicked(self, index: QModelIndex | QPersistentModelIndex,
                                       ) -> None:
        if index.isValid() and self.edit_button.isEnabled():
            self.edit_form()

    def _apply_read_only(self, read_only: bool) -> None:
        self._update_actions()

    def _update_actions(self) -> None:
        writable = self.writable and self.programme is not None
        form = self.selected_form()
        idle = (self.designer_dialog is None and self.new_dialog is None
                and self.response_dialog is None and self.import_dialog is None)
        self.new_button.setEnabled(writable and idle)
        self.template_chooser.setEnabled(writable and idle)
        for button in (self.edit_button, self.duplicate_button, self.delete_button,
                       self.respond_button, self.import_button):
            button.setEnabled(writable and idle and form is not None)
        self.export_button.setEnabled(form is not None and self.export_task is None)
        self.documents_link.setEnabled(form is not None)
        if self.db is not None and self.db.read_only:
            self.new_button.setToolTip("The database is open read-only: nothing can be "
                                       "changed here")

    # ------------------------------------------------------------------ writing

    def _changed(self, message: str, select: int | None = None) -> None:
        if select is not None:
            self._select_after_load = select
        self.data_changed.emit(FEEDBACK_CHANGES)
        if message:
            self.status_message.emit(message)

    def new_form(self) -> NewFormDialog | None:
        """Ask what the new form starts from (a blank form or a template), then design it.
        """
        if not self.writable or self.programme is None or self.new_dialog is not None:
            return None
        from mentordesk.ui.dialogs.form_designer_dialog import NewFormDialog

        dialog = NewFormDialog(TEMPLATES, parent=self)
        dialog.accepted.connect(self._on_new_dialog_accepted)
        self._open(dialog, "new_dialog")
        return dialog

    def _on_new_dialog_accepted(self) -> None:
        dialog = self.new_dialog
        if dialog is not None and dialog.choice is not None:
            self.open_designer(dialog.choice)  # the chooser is hidden by now

    def _on_template_chooser_chosen(self, key: str) -> None:
        self.open_designer(key)

    def open_designer(self, template: str = "") -> FormDesignerDialog | None:
        """Design a new form starting from ``template`` (a key of :data:`TEMPLATES`, or ""
        for a blank form); nothing is stored until it is saved."""
        if not self.writable or self.programme is None or self.designer_dialog is not None:
            return None
        from mentordesk.ui.dialogs.form_designer_dialog import NEW_QUESTION, FormDesignerDialog

        known = TEMPLATES.get(template)
        data = known.data if known is not None else FormData(title="",
                                                             questions=(NEW_QUESTION,))
        dialog = FormDesignerDialog(partial(self._create_form, known.key if known else ""),
                                    initial=data, parent=self)
        self._open(dialog, "designer_dialog")
        return dialog

    def _create_form(self, template: str, data: FormData) -> FormRecord:
        assert self.db is not None and self.programme is not None
        with self.db.Session.begin() as session:
            record = create_form(session, self.programme.id, data, template=template)
        self._changed(f"Created the form “{record.title}” with "
                      f"{plural(len(record.questions), 'question')}.", select=record.id)
        return record

    def edit_form(self) -> FormDesignerDialog | None:
        """Change the selected form's details and questions in the designer."""
        form = self.selected_form()
        if form is None or not self.writable or self.designer_dialog is not None:
            return None
        assert self.db is not None
        from mentordesk.ui.dialogs.form_designer_dialog import FormDesignerDialog

        with self.db.Session() as session:
            record = get_form(session, form.id)  # the answers counted as of now
        dialog = FormDesignerDialog(partial(self._update_form, form.id), record=record,
                                    parent=self)
        self._open(dialog, "designer_dialog")
        return dialog

    def _update_form(self, form_id: int, data: FormData) -> FormRecord:
        assert self.db is not None
        with self.db.Session.begin() as session:
            record = update_form(session, form_id, data)
        self._changed(f"Saved the form “{record.title}”.", select=record.id)
        return record

    def duplicate_selected(self) -> FormRecord | None:
        """A copy of the selected form's questions, without its responses."""
        form = self.selected_form()
        if form is None:
            return None
        form_id = form.id
        done = self._write(lambda session: duplicate_form(session, form_id))
        if done is None:
            return None
        copy = done[0]
        self._changed(f"Made “{copy.title}”, a copy of the form without responses.",
                      select=copy.id)
        return copy

    def delete_selected(self) -> bool:
        """Delete the selected form and its responses, once confirmed."""
        form = self.selected_form()
        if form is None or not self.writable or not self.delete_button.isEnabled():
            return False
        responses = (f"its {plural(form.responses, 'response')}"
                     + (f" ({form.confidential_responses:,} confidential)"
                        if form.confidential_responses else "")
                     if form.responses else "it has no responses yet")
        if not prompts.confirm(
                self, "Delete form",
                f"Delete the form “{form.title}” and {responses}?" if form.responses
                else f"Delete the form “{form.title}”? ({responses.capitalize()}.)",
                "Delete"):
            return False
        form_id = form.id
        if self._write(lambda session: delete_form(session, form_id)) is None:
            return False
        self._changed(f"Deleted the form “{form.title}”"
                      + (f" and {plural(form.responses, 'response')}." if form.responses
                         else "."))
        return True

    # ------------------------------------------------------------------ responses

    def enter_response(self) -> ResponseDialog | None:
        """Type in one response to the selected form."""
        form = self.selected_form()
        if form is None or not self.writable or self.response_dialog is not None:
            return None
        assert self.db is not None
        from mentordesk.ui.dialogs.response_dialog import ResponseDialog

        with self.db.Session() as session:
            record = get_form(session, form.id)
            people = [(p.id, p.full_name + (f" · {p.department}" if p.department else ""))
                      for p in list_participants(session, ParticipantFilter())]
        dialog = ResponseDialog(record, people, partial(self._save_response, record),
                                parent=self)
        self._open(dialog, "response_dialog")
        return dialog

    def _save_response(self, form: FormRecord, entry: ResponseEntry) -> int:
        assert self.db is not None
        with self.db.Session.begin() as session:
            response_id = submit_response(session, form.id, entry.answers,
                                          participant_id=entry.participant_id,
                                          confidential=entry.confidential)
        self._changed(f"Saved a {'confidential ' if entry.confidential else ''}response to "
                      f"“{form.title}”.", select=form.id)
        return response_id

    def _start_dir(self) -> Path:
        if self._last_dir is not None:
            return self._last_dir
        return self.db.path.parent if self.db is not None else Path.home()

    def import_survey(self) -> SurveyImportDialog | None:
        """Import a survey tool's export into the selected form, in a dialog."""
        form = self.selected_form()
        if (form is None or not self.writable or self.import_dialog is not None
                or self.tasks is None):
            return None
        assert self.db is not None
        from mentordesk.ui.dialogs.survey_import_dialog import SurveyImportDialog

        with self.db.Session() as session:
            record = get_form(session, form.id)
        dialog = SurveyImportDialog(self.db, self.tasks, record, self._start_dir(),
                                    parent=self)
        dialog.imported.connect(partial(self._on_survey_imported, dialog, record))
        self._open(dialog, "import_dialog")
        return dialog

    def _on_survey_imported(self, dialog: SurveyImportDialog, form: FormRecord,
                            result: SurveyImportResult) -> None:
        if dialog.path is not None:
            self._last_dir = dialog.path.parent
        self._changed(f"Imported {plural(result.imported, 'response')} into “{form.title}”.",
                      select=form.id)

    def export_responses(self) -> Task | None:
        """Write the selected form's responses and results as CSV into a folder chosen,
        in the background (confidential responses only inside the results)."""
        form = self.selected_form()
        if form is None or self.db is None or self.tasks is None or self.export_task:
            return None
        base = self._last_dir or (self.db.path.parent / EXPORTS_FOLDER)
        folder = prompts.choose_folder(self, "Export the responses into", base)
        if folder is None:
            return None
        return self.run_export(form, folder)

    def run_export(self, form: FormRecord, folder: Path) -> Task | None:
        """Write ``form``'s responses into ``folder`` (a new file, never overwriting)."""
        if self.db is None or self.tasks is None or self.export_task is not None:
            return None
        db, form_id = self.db, form.id
        taken = ({p.name.casefold() for p in folder.iterdir()} if folder.is_dir() else set())
        path = folder / unique_name(safe_file_name(f"{form.title} - responses", ".csv",
                                                   "responses"), taken)

        def work(_progress: Progress, _cancelled: Cancelled) -> ResponsesExport:
            folder.mkdir(parents=True, exist_ok=True)
            with db.Session() as session:  # reading only: a read-only database exports too
                return export_responses(session, form_id, path)

        self._last_dir = folder
        task = self.tasks.run("Exporting the responses…", work, cancellable=False,
                              on_done=self._on_exported, on_failed=self.report_failure)
        task.ended.connect(self._on_export_ended)
        self.export_task = task
        self._update_actions()
        return task

    def _on_exported(self, result: ResponsesExport) -> None:
        text = f"Wrote {plural(result.rows, 'response')} and the results to {result.path}."
        if result.confidential_left_out:
            text += (f" {plural(result.confidential_left_out, 'confidential response')} "
                     f"{'is' if result.confidential_left_out == 1 else 'are'} counted only "
                     "in the results, never as rows.")
        self.status_message.emit(text)
        prompts.offer_open_folder(self, "Responses exported", text, result.path.parent)

    def _on_export_ended(self) -> None:
        self.export_task = None
        self._update_actions()

    # ------------------------------------------------------------------ documents

    def _on_documents_link_activated(self, _link: str) -> None:
        self.open_in_documents()

    def open_in_documents(self) -> bool:
        """Show the selected form in the Documents area, to print it or make a fillable
        PDF of it."""
        form = self.selected_form()
        show_area: Callable[[str], object] | None = getattr(self.window(), "show_area", None)
        if form is None or show_area is None:
            return False
        from mentordesk.ui.views.documents_view import DocumentKind, DocumentsView

        view = show_area("documents")
        if not isinstance(view, DocumentsView):
            return False
        view.show_document(DocumentKind.FORMS)
        index = view.form_combo.findData(form.id)
        if index < 0:  # a form made since Documents last read its list
            view.reload()
            index = view.form_combo.findData(form.id)
        if index >= 0:
            view.form_combo.setCurrentIndex(index)
        return index >= 0

    # ------------------------------------------------------------------ dialogs

    def _open(self, dialog: QDialog, attribute: str) -> None:
        super()._open(dialog, attribute)
        self._update_actions()

    def _on_opened_dialog_finished(self, attribute: str, _result: int = 0) -> None:
        super()._on_opened_dialog_finished(attribute, _result)
        self._update_actions()
