"""The Documents area: certificates, the mentor and mentee handbooks, the programme proposal
and the feedback forms — made in the background, previewed, saved and printed.

Reading: the programme, its pairs (who can get a certificate), its awards, its participants
(whom a handbook can be prepared for), its forms and its branding, each through its service,
in one session when the area loads.

Making a document: :meth:`DocumentsView.preview` runs the document's service
(``render_certificates``, ``render_handbook``, ``render_proposal``, ``render_form``) on the
window's background runner with its own session, and the preview shows the PDF when it is
ready. Changing an option afterwards does not make the document again: the preview is marked
out of date ("Options changed — Preview again") until the user asks.

Saving and printing: what is saved or printed is the document previewed, made from the
options and data the preview shows (a :class:`Shown`). A preview out of date is neither
saved nor printed (Save as… and Print… are disabled, Ctrl+S says why): the user previews
again first, so nothing leaves the app that they have not seen. Saving one certificate per
person renders each file again, in the background, after checking in the same session that
the recipients and branding are still those of the preview; a print carries the document's
:class:`Shown`, so the award it printed is marked whatever is shown when the printer finishes.

Writing: the handbooks' wording and the branding are saved in one transaction each through
their dialogs, and report ``{"documents"}`` as changed; importing filled-in forms runs in the
background in one transaction and reports ``{"feedback", "kpis"}``. A read-only database
previews, saves and prints, but changes nothing.
"""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from datetime import date
from enum import IntEnum, StrEnum
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    QTimer,
)
from PySide6.QtGui import QColor, QKeySequence
from PySide6.QtWidgets import (
    QAbstractItemView,
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QCompleter,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QSplitter,
    QStackedWidget,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import UserError
from mentordesk.models import Audience, ParticipantRole, ParticipantStatus
from mentordesk.services.documents import save_pdfs
from mentordesk.services.documents.branding import (
    TEMPLATES,
    BrandingChanges,
    load_branding,
    save_branding,
)
from mentordesk.services.documents.certificates import (
    RECOGNISED,
    AwardSummary,
    CertificateRequest,
    Recipient,
    certificate_recipients,
    file_names,
    list_awards,
    mark_printed,
    render_certificate_files,
    render_certificates,
    unprintable,
)
from mentordesk.services.documents.forms import (
    FormImport,
    FormSummary,
    import_filled_forms,
    list_forms,
    render_form,
)
from mentordesk.services.documents.handbooks import (
    HANDBOOK_ROLES,
    PLACEHOLDERS,
    handbook_sections,
    render_handbook,
    save_handbook_section,
)
from mentordesk.services.documents.layout import PAPER_SIZES, Branding
from mentordesk.services.documents.proposal import render_proposal
from mentordesk.services.documents.wording import AUDIENCE_LABELS, long_date
from mentordesk.services.files import safe_file_name
from mentordesk.services.pairing import PairingRow, list_pairings
from mentordesk.services.participants import (
    ParticipantFilter,
    ParticipantRow,
    list_participants,
)
from mentordesk.services.programmes import ProgrammeRecord, current_programme
from mentordesk.ui import prompts
from mentordesk.ui.dialogs.checkin_dialogs import date_edit, to_qdate
from mentordesk.ui.pdf_preview import PdfPreview, page_count
from mentordesk.ui.qtmodels.base import RowsTableModel
from mentordesk.ui.tasks import (
    Cancelled,
    Progress,
    Task,
    TaskCancelled,
    TaskRunner,
    in_transaction,
)
from mentordesk.ui.views.base import AreaView, add_shortcut, area_header
from mentordesk.ui.widgets import MUTED_STYLE, Banner, plural

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from mentordesk.db import Database
    from mentordesk.ui.dialogs.branding_dialog import BrandingDialog
    from mentordesk.ui.dialogs.form_import_dialog import FormImportDialog
    from mentordesk.ui.dialogs.handbook_text_dialog import HandbookTextDialog

log = logging.getLogger(__name__)

AnyIndex = QModelIndex | QPersistentModelIndex

# Saving a handbook's wording or the branding changes only what documents look like.
DOCUMENT_CHANGES = frozenset({"documents"})
# Imported answers count as feedback, and some KPIs are measured from them.
FEEDBACK_CHANGES = frozenset({"feedback", "kpis"})
# An award's certificate was produced (saved or printed).
AWARD_CHANGES = frozenset({"recognition"})
# The pairs whose people get a certificate when nobody is chosen (the service's own list).
CERTIFICATE_STATUSES = RECOGNISED
HANDBOOK_READERS = {"mentor": (ParticipantRole.MENTOR, ParticipantRole.BOTH),
                    "mentee": (ParticipantRole.MENTEE, ParticipantRole.BOTH)}
NOBODY = "Nobody in particular — a general handbook"
ANYONE = "Anyone — a blank form"
ROLE_LABELS = {ParticipantRole.MENTOR: "Mentor", ParticipantRole.MENTEE: "Mentee",
               ParticipantRole.BOTH: "Mentor and mentee"}
NOT_PAIRED = "Not in a pair"
# The family certificates set names in, by template (the classic and elegant templates are
# serif); the fonts of the two families cover different scripts, so a name is checked for
# characters no font has in the family its certificate uses.
STALE = "The preview is out of date: press Preview again, then save or print it."


class DocumentKind(StrEnum):
    """The documents this area makes."""

    CERTIFICATES = "certificates"
    MENTOR_HANDBOOK = "mentor"
    MENTEE_HANDBOOK = "mentee"
    PROPOSAL = "proposal"
    FORMS = "forms"


@dataclass(frozen=True)
class DocumentInfo:
    """How a kind of document is shown: its title, a line about it, and the areas whose
    changes make a preview of it out of date."""

    title: str
    about: str
    depends_on: frozenset[str]


DOCUMENTS: dict[DocumentKind, DocumentInfo] = {
    DocumentKind.CERTIFICATES: DocumentInfo(
        "Certificates",
        "A certificate for everyone who took part, for the people you choose, or for an "
        "award — one page each, in the programme's template and colours.",
        frozenset({"programme", "participants", "pairing", "recognition", "documents"})),
    DocumentKind.MENTOR_HANDBOOK: DocumentInfo(
        "Mentor handbook",
        "Everything a mentor needs to know about the programme and their role, in your "
        "wording. Prepared for one mentor, it adds their mentees and check-ins.",
        frozenset({"programme", "participants", "pairing", "checkins", "documents"})),
    DocumentKind.MENTEE_HANDBOOK: DocumentInfo(
        "Mentee handbook",
        "Everything a mentee needs to know about the programme and getting the most from "
        "it, in your wording. Prepared for one mentee, it adds their mentor and check-ins.",
        frozenset({"programme", "participants", "pairing", "checkins", "documents"})),
    DocumentKind.PROPOSAL: DocumentInfo(
        "Programme proposal",
        "A proposal for stakeholders: the aims against strategy, benefits, how it works, "
        "KPIs and targets, a timeline and the decision asked for — from what is set in the "
        "Programme area.",
        frozenset({"programme", "participants", "pairing", "kpis", "documents"})),
    DocumentKind.FORMS: DocumentInfo(
        "Feedback forms",
        "The programme's feedback and readiness forms: fillable PDFs people complete on "
        "screen and send back, or copies to print and fill in by hand.",
        frozenset({"programme", "feedback", "documents"})),
}


# --------------------------------------------------------------------------- people


@dataclass(frozen=True)
class PersonChoice:
    """Someone who can be given a certificate: in the programme's pairs, or any active
    participant (a trainer, a sponsor) chosen by hand."""

    participant_id: int
    name: str
    email: str
    role: str  # "Mentor", "Mentee" or "Mentor and mentee"
    paired_with: str
    pairing_ids: tuple[int, ...]
    in_pairs: bool = True


def person_choices(pairings: Sequence[PairingRow],
                   others: Sequence[ParticipantRow] = ()) -> list[PersonChoice]:
    """Everyone in ``pairings`` once, with their role and whom they are paired with, by
    name; then those of ``others`` who are in none of the pairs, by name, marked
    :data:`NOT_PAIRED`."""
    found: dict[int, dict[str, object]] = {}

    def add(pid: int | None, name: str, email: str, role: str, partner: str,
            pairing_id: int) -> None:
        if pid is None:  # erased
            return
        entry = found.setdefault(pid, {"name": name, "email": email, "roles": [],
                                       "partners": [], "pairings": []})
        for key, value in (("roles", role), ("partners", partner), ("pairings", pairing_id)):
            values = entry[key]
            assert isinstance(values, list)
            if value and value not in values:
                values.append(value)

    for pairing in pairings:
        add(pairing.mentor_id, pairing.mentor_name, pairing.mentor_email, "Mentor",
            pairing.mentee_names, pairing.id)
        for member in pairing.members:
            add(member.participant_id, member.name, member.email, "Mentee",
                pairing.mentor_name, pairing.id)
    people = []
    for pid, entry in found.items():
        roles, partners, pairings_of = entry["roles"], entry["partners"], entry["pairings"]
        assert isinstance(roles, list) and isinstance(partners, list)
        assert isinstance(pairings_of, list)
        people.append(PersonChoice(
            pid, str(entry["name"]), str(entry["email"]),
            "Mentor and mentee" if len(roles) > 1 else str(roles[0]),
            "; ".join(str(p) for p in partners), tuple(int(i) for i in pairings_of)))
    people.extend(PersonChoice(p.id, p.full_name, p.email, ROLE_LABELS.get(p.role, ""),
                               NOT_PAIRED, (), in_pairs=False)
                  for p in others if p.id not in found)
    return sorted(people, key=lambda p: (not p.in_pairs, p.name.casefold(), p.participant_id))


class PeopleColumn(IntEnum):
    """The columns of :class:`PeopleTableModel`."""

    NAME = 0
    ROLE = 1
    PAIRED_WITH = 2


class PeopleRole(IntEnum):
    """Item-data roles of :class:`PeopleTableModel`."""

    SORT = Qt.ItemDataRole.UserRole + 1
    ID = Qt.ItemDataRole.UserRole + 2


class PeopleTableModel(RowsTableModel[PersonChoice]):
    """The people who can get a certificate, each with a check box in the Name column;
    those in none of the programme's pairs are greyed and sort after the others."""

    headers = ("Name", "Role", "Paired with")

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._checked: set[int] = set()

    def set_people(self, people: Sequence[PersonChoice], checked: set[int] | None = None,
                   ) -> None:
        """Show ``people``; those in ``checked`` (of them) start checked."""
        self.beginResetModel()
        self._rows = list(people)
        ids = {p.participant_id for p in self._rows}
        self._checked = (checked or set()) & ids
        self.endResetModel()

    def row_of(self, participant_id: int) -> int | None:
        """The row of ``participant_id``, if shown."""
        return next((r for r, p in enumerate(self._rows)
                     if p.participant_id == participant_id), None)

    def checked_ids(self) -> tuple[int, ...]:
        """The people checked, in the model's order."""
        return tuple(p.participant_id for p in self._rows if p.participant_id in self._checked)

    def set_checked(self, participant_ids: set[int] | Sequence[int], checked: bool) -> None:
        """Check or uncheck these people."""
        ids = set(participant_ids)
        for row, person in enumerate(self._rows):
            if person.participant_id not in ids:
                continue
            if checked == (person.participant_id in self._checked):
                continue
            if checked:
                self._checked.add(person.participant_id)
            else:
                self._checked.discard(person.participant_id)
            index = self.index(row, PeopleColumn.NAME)
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])

    def flags(self, index: AnyIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        flags = Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable
        if index.column() == PeopleColumn.NAME:
            flags |= Qt.ItemFlag.ItemIsUserCheckable
        return flags

    def data(self, index: AnyIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid() or not 0 <= index.row() < len(self._rows):
            return None
        person = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return (person.name, person.role, person.paired_with)[column]
        if role == Qt.ItemDataRole.CheckStateRole and column == PeopleColumn.NAME:
            return (Qt.CheckState.Checked if person.participant_id in self._checked
                    else Qt.CheckState.Unchecked)
        if role == Qt.ItemDataRole.ToolTipRole and column == PeopleColumn.NAME:
            return person.email or None
        if role == Qt.ItemDataRole.ToolTipRole and not person.in_pairs:
            return "In none of the programme's pairs: an active participant you may choose"
        if role == Qt.ItemDataRole.ForegroundRole and not person.in_pairs:
            return QColor("#6B6B6B")
        if role == PeopleRole.SORT:
            # The programme's pairs first, whichever column is sorted.
            value = (person.name, person.role, person.paired_with)[column].casefold()
            return f"{0 if person.in_pairs else 1}{value}"
        if role == PeopleRole.ID:
            return person.participant_id
        return None

    def setData(self, index: AnyIndex, value: object,
                role: int = Qt.ItemDataRole.EditRole) -> bool:
        if (not index.isValid() or role != Qt.ItemDataRole.CheckStateRole
                or index.column() != PeopleColumn.NAME):
            return False
        state = value if isinstance(value, Qt.CheckState) else Qt.CheckState(int(str(value)))
        self.set_checked({self._rows[index.row()].participant_id},
                         state == Qt.CheckState.Checked)
        return True


class PeopleProxyModel(QSortFilterProxyModel):
    """Sorts by :attr:`PeopleRole.SORT` and keeps the rows whose name, email, role or pair
    holds every word searched for."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._words: list[str] = []
        self.setSortRole(PeopleRole.SORT)

    def set_search(self, text: str) -> None:
        """Show only the people matching ``text``."""
        self.beginFilterChange()
        self._words = text.casefold().split()
        self.endFilterChange(QSortFilterProxyModel.Direction.Rows)

    def filterAcceptsRow(self, source_row: int, source_parent: AnyIndex) -> bool:
        if not self._words:
            return True
        model = self.sourceModel()
        assert isinstance(model, PeopleTableModel)
        person = model.row_at(source_row)
        text = " ".join((person.name, person.email, person.role, person.paired_with)).casefold()
        return all(word in text for word in self._words)


# --------------------------------------------------------------------------- previews


@dataclass(frozen=True)
class HandbookOptions:
    """What a handbook preview was made with."""

    role: str
    participant_id: int | None


@dataclass(frozen=True)
class FormOptions:
    """What a form preview was made with (``participant_id``: a personal copy)."""

    form_id: int
    fillable: bool
    participant_id: int | None = None


@dataclass(frozen=True)
class Made:
    """What a job made: the PDF and, for certificates, whom it is for and the branding, as
    read in the same session (the snapshot the document's files and marks follow)."""

    data: bytes
    recipients: tuple[Recipient, ...] = ()
    branding: Branding | None = None


@dataclass(frozen=True)
class Job:
    """One document to make: what it is made with, its file name, and the work."""

    kind: DocumentKind
    options: Hashable
    label: str  # what the progress says
    name: str  # the file name offered
    title: str  # what the preview says it shows
    render: Callable[[Session, Progress, Cancelled], Made]


@dataclass(eq=False)
class Shown:
    """A document made for the preview, with what it was made from: saving and printing
    use this, never the options shown now."""

    kind: DocumentKind
    options: Hashable
    data: bytes
    name: str
    title: str
    pages: int = 0
    recipients: tuple[Recipient, ...] = ()  # certificates: whom for, in page order
    branding: Branding | None = None  # certificates: the programme's branding then
    outdated: bool = False  # the programme's data changed since it was made


@dataclass(frozen=True)
class FileClash:
    """Files a batch would replace, found before anything was made: asked about first."""

    names: tuple[str, ...]


class PreviewOutdatedError(UserError):
    """The data a preview was made from changed (outside this window, too)."""

    def __init__(self) -> None:
        super().__init__("The names, wording or branding changed since this preview, so "
                         "nothing was saved. Preview again, then save.")


class DocumentsView(AreaView):
    """Makes, previews, saves and prints the current programme's documents."""

    area = "documents"
    title = "Documents"
    depends_on = frozenset({"programme", "participants", "pairing", "checkins", "feedback",
                            "kpis", "recognition", "documents"})

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.programme: ProgrammeRecord | None = None
        self.branding: Branding | None = None
        self._people: list[PersonChoice] = []
        self._active: list[ParticipantRow] = []
        self._awards: list[AwardSummary] = []
        self._forms: list[FormSummary] = []
        self._readers: dict[str, list[ParticipantRow]] = {r: [] for r in HANDBOOK_ROLES}
        self._own_wording: dict[str, int] = {r: 0 for r in HANDBOOK_ROLES}
        # How many recipients have a name that prints with a replacement mark, by the
        # recipients chosen and the type family of the template.
        self._unprintable: dict[Hashable, int] = {}
        self._shown: dict[DocumentKind, Shown] = {}
        self._errors: dict[DocumentKind, str] = {}
        self._changed_areas: set[str] = set()
        self._quiet = False  # reporting a change that alters no document
        self._last_dir: Path | None = None
        self._date_edited = False
        self.preview_task: Task | None = None
        self._preview_kind: DocumentKind | None = None
        self._preview_done = (0, 0)  # the last progress reported: done, total
        self._cancelling = False
        self.save_task: Task | None = None
        self.import_task: Task | None = None
        self.branding_dialog: BrandingDialog | None = None
        self.text_dialog: HandbookTextDialog | None = None
        self.import_dialog: FormImportDialog | None = None

        self.branding_button = QPushButton("&Branding…")
        self.branding_button.setToolTip("The organisation, colours, logo, signature, "
                                        "certificate template and paper every document uses")
        self.branding_button.clicked.connect(self.edit_branding)
        top, self.programme_label = area_header(self.title, self.branding_button)

        self.documents_list = QListWidget()
        self.documents_list.setAccessibleName("Documents")
        for info in DOCUMENTS.values():
            self.documents_list.addItem(info.title)
        self.documents_list.setStyleSheet("QListWidget::item { padding: 6px 8px; }")
        width = max(self.documents_list.fontMetrics().horizontalAdvance(i.title)
                    for i in DOCUMENTS.values())
        self.documents_list.setFixedWidth(width + 44)
        self.documents_list.currentRowChanged.connect(
            self._on_documents_list_current_row_changed)

        self.splitter = QSplitter(Qt.Orientation.Horizontal)
        self.splitter.addWidget(self._build_options())
        self.splitter.addWidget(self._build_preview())
        self.splitter.setStretchFactor(0, 0)
        self.splitter.setStretchFactor(1, 1)
        self.splitter.setChildrenCollapsible(False)
        self.splitter.setSizes([380, 800])
        work = QWidget()
        work_layout = QHBoxLayout(work)
        work_layout.setContentsMargins(0, 0, 0, 0)
        work_layout.addWidget(self.documents_list)
        work_layout.addWidget(self.splitter, 1)

        self.empty_label = QLabel()
        self.empty_label.setWordWrap(True)
        self.empty_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.empty_label.setStyleSheet("color: #6B6B6B; font-size: 13pt; padding: 24px;")
        self.body = QStackedWidget()
        self.body.addWidget(work)
        self.body.addWidget(self.empty_label)
        self.work = work

        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 16, 16, 12)
        layout.addLayout(top)
        layout.addWidget(self.body, 1)

        add_shortcut(self, QKeySequence.StandardKey.Print, self.preview_widget.open_print_dialog)
        add_shortcut(self, QKeySequence.StandardKey.Save, self.save)
        add_shortcut(self, QKeySequence.StandardKey.Refresh, self.preview)
        self.documents_list.setCurrentRow(0)

    # ------------------------------------------------------------------ building

    def _build_options(self) -> QWidget:
        self.options_stack = QStackedWidget()
        pages = {DocumentKind.CERTIFICATES: self._build_certificate_options(),
                 DocumentKind.MENTOR_HANDBOOK: self._build_handbook_options("mentor"),
                 DocumentKind.MENTEE_HANDBOOK: self._build_handbook_options("mentee"),
                 DocumentKind.PROPOSAL: self._build_proposal_options(),
                 DocumentKind.FORMS: self._build_form_options()}
        for kind in DocumentKind:
            self.options_stack.addWidget(pages[kind])

        self.document_title = QLabel()
        font = self.document_title.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.2)
        self.document_title.setFont(font)
        self.document_about = QLabel()
        self.document_about.setWordWrap(True)
        self.document_about.setStyleSheet(MUTED_STYLE)

        self.preview_button = QPushButton("&Preview")
        self.preview_button.setDefault(True)
        self.preview_button.setToolTip("Make the document with these options and show it "
                                       "(F5)")
        self.preview_button.clicked.connect(self.preview)
        self.count_label = QLabel()
        self.count_label.setStyleSheet(MUTED_STYLE)
        self.count_label.setWordWrap(True)
        actions = QHBoxLayout()
        actions.addWidget(self.preview_button)
        actions.addWidget(self.count_label, 1)

        inner = QWidget()
        inner_layout = QVBoxLayout(inner)
        inner_layout.setContentsMargins(4, 0, 10, 0)
        inner_layout.addWidget(self.document_title)
        inner_layout.addWidget(self.document_about)
        inner_layout.addSpacing(6)
        inner_layout.addWidget(self.options_stack, 1)
        scroll = QScrollArea()
        scroll.setWidget(inner)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)

        box = QWidget()
        box.setMinimumWidth(330)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 0, 4, 0)
        layout.addWidget(scroll, 1)
        layout.addLayout(actions)
        return box

    def _build_certificate_options(self) -> QWidget:
        self.who_group = QButtonGroup(self)
        self.everyone_radio = QRadioButton("Everyone in the programme's pairs")
        self.everyone_radio.setToolTip("The mentors and mentees of every accepted, active and "
                                       "completed pair")
        self.chosen_radio = QRadioButton("The people I choose")
        self.award_radio = QRadioButton("An award")
        for number, button in enumerate((self.everyone_radio, self.chosen_radio,
                                         self.award_radio)):
            self.who_group.addButton(button, number)
        self.everyone_radio.setChecked(True)
        self.who_group.idToggled.connect(self._on_who_group_id_toggled)

        self.people_search = QLineEdit()
        self.people_search.setPlaceholderText("Search name, email, role or pair")
        self.people_search.setClearButtonEnabled(True)
        self.people_search.textChanged.connect(self._on_people_search_text_changed)
        self.people_model = PeopleTableModel(self)
        self.people_model.dataChanged.connect(self._on_people_model_data_changed)
        self.people_model.modelReset.connect(self._on_options_changed)
        self.people_proxy = PeopleProxyModel(self)
        self.people_proxy.setSourceModel(self.people_model)
        self.people_table = QTableView()
        self.people_table.setModel(self.people_proxy)
        self.people_table.setSortingEnabled(True)
        self.people_table.sortByColumn(PeopleColumn.NAME, Qt.SortOrder.AscendingOrder)
        self.people_table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.people_table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.people_table.setAlternatingRowColors(True)
        self.people_table.setWordWrap(False)
        self.people_table.verticalHeader().hide()
        self.people_table.verticalHeader().setDefaultSectionSize(
            self.people_table.fontMetrics().height() + 8)
        self.people_table.setAccessibleName("People to give a certificate")
        self.people_table.setMinimumHeight(200)
        header = self.people_table.horizontalHeader()
        header.setStretchLastSection(True)
        header.setHighlightSections(False)
        header.setSectionResizeMode(PeopleColumn.NAME, QHeaderView.ResizeMode.Interactive)
        self.check_shown_button = QPushButton("Check shown")
        self.check_shown_button.setToolTip("Check everyone the search shows")
        self.check_shown_button.clicked.connect(self.check_shown)
        self.check_pairs_button = QPushButton("Add their pairs")
        self.check_pairs_button.setToolTip("Also check the people paired with everyone "
                                           "checked, for whole pairs")
        self.check_pairs_button.clicked.connect(self.check_whole_pairs)
        self.uncheck_button = QPushButton("Uncheck all")
        self.uncheck_button.clicked.connect(self.uncheck_all)
        self.chosen_label = QLabel()
        self.chosen_label.setStyleSheet(MUTED_STYLE)
        people_buttons = QHBoxLayout()
        people_buttons.setContentsMargins(0, 0, 0, 0)
        people_buttons.addWidget(self.check_shown_button)
        people_buttons.addWidget(self.check_pairs_button)
        people_buttons.addWidget(self.uncheck_button)
        people_buttons.addStretch(1)
        self.people_box = QWidget()
        people_layout = QVBoxLayout(self.people_box)
        people_layout.setContentsMargins(22, 0, 0, 4)
        people_layout.addWidget(self.people_search)
        people_layout.addWidget(self.people_table, 1)
        people_layout.addLayout(people_buttons)
        people_layout.addWidget(self.chosen_label)

        self.award_combo = QComboBox()
        self.award_combo.setAccessibleName("Award")
        self.award_combo.setMinimumContentsLength(18)
        self.award_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.award_combo.currentIndexChanged.connect(self._on_award_combo_current_index_changed)
        award_row = QHBoxLayout()
        award_row.setContentsMargins(22, 0, 0, 0)
        award_row.addWidget(self.award_combo, 1)

        self.certificates_note = QLabel()
        self.certificates_note.setWordWrap(True)
        self.certificates_note.setStyleSheet(
            "QLabel { background: #FFF6D6; border: 1px solid #E3C25A; border-radius: 4px; "
            "padding: 6px; }")
        self.certificates_note.hide()

        self.template_combo = QComboBox()
        for key in TEMPLATES:
            self.template_combo.addItem(key.capitalize(), key)
        self.template_combo.currentIndexChanged.connect(self._on_options_changed)
        self.paper_combo = QComboBox()
        for key in PAPER_SIZES:
            self.paper_combo.addItem(key, key)
        self.paper_combo.currentIndexChanged.connect(self._on_options_changed)
        look = QHBoxLayout()
        look.setContentsMargins(0, 0, 0, 0)
        look.addWidget(self.template_combo, 1)
        look.addWidget(QLabel("on"))
        look.addWidget(self.paper_combo)
        self.achievement_edit = QLineEdit()
        self.achievement_edit.setPlaceholderText("Blank: worded from each person's role")
        self.achievement_edit.setToolTip("What the certificate is for, e.g. “for mentoring with "
                                         "dedication and care”")
        self.achievement_edit.setMaxLength(300)
        self.achievement_edit.textChanged.connect(self._on_options_changed)
        self.date_edit = date_edit(date.today())
        self.date_edit.setAccessibleName("Date")
        self.date_edit.dateChanged.connect(self._on_date_edit_date_changed)
        self.split_check = QCheckBox("Save as one PDF per person")
        self.split_check.setToolTip("Save as… then asks for a folder and writes a file named "
                                    "after each person, ready to email")
        form = QFormLayout()
        form.setContentsMargins(0, 6, 0, 0)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("Template", look)
        form.addRow("Achievement", self.achievement_edit)
        form.addRow("Dated", self.date_edit)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.certificates_note)
        layout.addWidget(_section_label("Who"))
        layout.addWidget(self.everyone_radio)
        layout.addWidget(self.chosen_radio)
        layout.addWidget(self.people_box, 1)
        layout.addWidget(self.award_radio)
        layout.addLayout(award_row)
        layout.addSpacing(4)
        layout.addWidget(_section_label("How"))
        layout.addLayout(form)
        layout.addWidget(self.split_check)
        layout.addStretch(0)
        return page

    def _person_combo(self, accessible_name: str) -> QComboBox:
        """A picker of one person (or nobody, its first item) that finds a typed name."""
        combo = QComboBox()
        combo.setEditable(True)
        combo.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        combo.setAccessibleName(accessible_name)
        combo.setMinimumContentsLength(18)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        completer = QCompleter(combo.model(), combo)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        completer.setCompletionMode(QCompleter.CompletionMode.PopupCompletion)
        combo.setCompleter(completer)
        combo.currentIndexChanged.connect(self._on_options_changed)
        line_edit = combo.lineEdit()
        assert line_edit is not None
        line_edit.setPlaceholderText("Type a name")
        line_edit.editingFinished.connect(partial(self._on_person_editing_finished, combo))
        return combo

    def _build_handbook_options(self, role: str) -> QWidget:
        combo = self._person_combo("Personalise for")
        note = QLabel(f"Optional. Prepared for one {role}, the handbook has their name on the "
                      "cover and a section about their "
                      + ("mentees" if role == "mentor" else "mentor")
                      + " and the check-ins still to come.")
        note.setWordWrap(True)
        note.setStyleSheet(MUTED_STYLE)
        edit_button = QPushButton("Edit text…")
        edit_button.setToolTip(f"Reword the sections of the {role} handbook for your "
                               "programme")
        edit_button.clicked.connect(partial(self.edit_handbook_text, role))
        wording = QLabel()
        wording.setStyleSheet(MUTED_STYLE)
        wording.setWordWrap(True)
        edit_row = QHBoxLayout()
        edit_row.setContentsMargins(0, 0, 0, 0)
        edit_row.addWidget(edit_button)
        edit_row.addWidget(wording, 1)
        setattr(self, f"{role}_reader_combo", combo)
        setattr(self, f"{role}_edit_button", edit_button)
        setattr(self, f"{role}_wording_label", wording)

        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(_section_label("Personalise for"))
        layout.addWidget(combo)
        layout.addWidget(note)
        layout.addSpacing(8)
        layout.addWidget(_section_label("Wording"))
        layout.addLayout(edit_row)
        layout.addStretch(1)
        return page

    def _build_proposal_options(self) -> QWidget:
        note = QLabel("The proposal is written from the programme's name, dates, format, "
                      "objectives and KPI targets, and from the people registered so far. "
                      "Set them in the Programme area, then preview again.")
        note.setWordWrap(True)
        note.setStyleSheet(MUTED_STYLE)
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(note)
        layout.addStretch(1)
        return page

    def _build_form_options(self) -> QWidget:
        self.form_combo = QComboBox()
        self.form_combo.setAccessibleName("Form")
        self.form_combo.setMinimumContentsLength(18)
        self.form_combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.form_combo.currentIndexChanged.connect(self._on_form_combo_current_index_changed)
        self.form_details = QLabel()
        self.form_details.setStyleSheet(MUTED_STYLE)
        self.form_details.setWordWrap(True)
        self.fillable_group = QButtonGroup(self)
        self.fillable_radio = QRadioButton("Fillable PDF")
        self.fillable_radio.setToolTip("People type their answers on screen and send the "
                                       "file back, to import here")
        self.paper_radio = QRadioButton("On paper")
        self.paper_radio.setToolTip("Boxes to fill in by hand")
        for radio in (self.fillable_radio, self.paper_radio):
            self.fillable_group.addButton(radio)
        self.fillable_radio.setChecked(True)
        self.fillable_radio.toggled.connect(self._on_options_changed)
        self.form_person_combo = self._person_combo("For")
        form_person_note = _note("Optional. A personal copy has the person's name and email "
                                 "printed on it, and the answers sent back are theirs.")
        self.import_button = QPushButton("&Import filled forms…")
        self.import_button.setToolTip("Read the answers from fillable forms people sent back "
                                      "(several files at once)")
        self.import_button.clicked.connect(self.import_forms)
        import_note = QLabel("Answers from the same copy are imported once, however often "
                             "the file is imported.")
        import_note.setWordWrap(True)
        import_note.setStyleSheet(MUTED_STYLE)
        self.forms_note = QLabel()
        self.forms_note.setWordWrap(True)
        self.forms_note.setStyleSheet(
            "QLabel { background: #FFF6D6; border: 1px solid #E3C25A; border-radius: 4px; "
            "padding: 6px; }")
        self.forms_note.hide()
        page = QWidget()
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.forms_note)
        layout.addWidget(_section_label("Form"))
        layout.addWidget(self.form_combo)
        layout.addWidget(self.form_details)
        layout.addSpacing(6)
        layout.addWidget(_section_label("To be filled in"))
        layout.addWidget(self.fillable_radio)
        layout.addWidget(_note("People type their answers on screen and send the file back, "
                               "to import below.", indent=True))
        layout.addWidget(self.paper_radio)
        layout.addWidget(_note("Boxes and lines to fill in by hand.", indent=True))
        layout.addSpacing(6)
        layout.addWidget(_section_label("For"))
        layout.addWidget(self.form_person_combo)
        layout.addWidget(form_person_note)
        layout.addSpacing(8)
        layout.addWidget(_section_label("Answers sent back"))
        import_row = QHBoxLayout()
        import_row.setContentsMargins(0, 0, 0, 0)
        import_row.addWidget(self.import_button)
        import_row.addStretch(1)
        layout.addLayout(import_row)
        layout.addWidget(import_note)
        layout.addStretch(1)
        return page

    def _build_preview(self) -> QWidget:
        self.banner = Banner()
        self.preview_again_button = QPushButton("Preview again")
        self.preview_again_button.clicked.connect(self.preview)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.setToolTip("Stop making the document")
        self.cancel_button.clicked.connect(self.cancel_preview)
        # Busy while a document is made: a moving bar until the work reports how far it
        # got (a handbook or the proposal never does), then a filling one.
        self.busy_bar = QProgressBar()
        self.busy_bar.setTextVisible(False)
        self.busy_bar.setFixedWidth(140)
        self.busy_bar.setAccessibleName("Progress")
        self.busy_bar.hide()
        self.banner_row = QWidget()
        row = QHBoxLayout(self.banner_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.banner, 1)
        row.addWidget(self.busy_bar, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.preview_again_button, 0, Qt.AlignmentFlag.AlignVCenter)
        row.addWidget(self.cancel_button, 0, Qt.AlignmentFlag.AlignVCenter)
        self.preview_widget = PdfPreview()
        self.preview_widget.tasks = self.tasks
        self.preview_widget.save_requested.connect(self.save)
        self.preview_widget.printed.connect(self._on_preview_widget_printed)
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(6, 0, 0, 0)
        layout.addWidget(self.banner_row)
        layout.addWidget(self.preview_widget, 1)
        return box

    # ------------------------------------------------------------------ state

    @property
    def tasks(self) -> TaskRunner | None:
        """The window's background runner; the preview prints on it too."""
        return self._tasks

    @tasks.setter
    def tasks(self, runner: TaskRunner | None) -> None:
        self._tasks = runner
        preview = getattr(self, "preview_widget", None)
        if preview is not None:
            preview.tasks = runner

    @property
    def writable(self) -> bool:
        """Whether the open database may be changed."""
        return self.db is not None and not self.db.read_only

    def current_kind(self) -> DocumentKind:
        """The document chosen on the left."""
        return list(DocumentKind)[max(0, self.documents_list.currentRow())]

    def show_document(self, kind: DocumentKind) -> None:
        """Choose ``kind`` on the left."""
        self.documents_list.setCurrentRow(list(DocumentKind).index(kind))

    def reader_combo(self, role: str) -> QComboBox:
        """The "Personalise for" picker of the ``role`` handbook."""
        combo = getattr(self, f"{role}_reader_combo")
        assert isinstance(combo, QComboBox)
        return combo

    def edit_text_button(self, role: str) -> QPushButton:
        """The "Edit text…" button of the ``role`` handbook."""
        button = getattr(self, f"{role}_edit_button")
        assert isinstance(button, QPushButton)
        return button

    def on_data_changed(self, areas: frozenset[str]) -> None:
        """Remember what changed (to mark the previews it affects out of date), then
        reload as every area does."""
        if areas & self.depends_on and not self._quiet:
            self._changed_areas |= areas
        super().on_data_changed(areas)

    def set_database(self, db: Database | None) -> None:
        """Another database: every preview belongs to the one before (and leaves memory)."""
        self._shown.clear()
        self._errors.clear()
        self._changed_areas.clear()
        self.preview_widget.clear("")
        super().set_database(db)

    def _apply_read_only(self, read_only: bool) -> None:
        self._update_actions()

    # ------------------------------------------------------------------ loading

    def _load(self) -> None:
        programme: ProgrammeRecord | None = None
        branding: Branding | None = None
        people: list[PersonChoice] = []
        active: list[ParticipantRow] = []
        awards: list[AwardSummary] = []
        forms: list[FormSummary] = []
        readers: dict[str, list[ParticipantRow]] = {r: [] for r in HANDBOOK_ROLES}
        own: dict[str, int] = {r: 0 for r in HANDBOOK_ROLES}
        if self.db is not None:
            with self.db.Session() as session:
                programme = current_programme(session)
                if programme is not None:
                    pid = programme.id
                    branding = load_branding(session, pid)
                    active = list_participants(session, ParticipantFilter(
                        status=ParticipantStatus.ACTIVE))
                    people = person_choices(list_pairings(session, pid, CERTIFICATE_STATUSES),
                                            active)
                    awards = list_awards(session, pid)
                    forms = list_forms(session, pid)
                    for role in HANDBOOK_ROLES:
                        readers[role] = [p for p in active if p.role in HANDBOOK_READERS[role]]
                        own[role] = sum(1 for s in handbook_sections(session, pid, role)
                                        if s.customised)
        if programme is None or self.programme is None or programme.id != self.programme.id:
            self._shown.clear()
            self._errors.clear()
        else:
            for kind, shown in self._shown.items():
                if DOCUMENTS[kind].depends_on & self._changed_areas:
                    shown.outdated = True
        self._changed_areas.clear()
        self._unprintable.clear()  # names may have changed
        old_branding = self.branding
        self.programme = programme
        self.branding = branding
        self._people = people
        self._active = active
        self._awards = awards
        self._forms = forms
        self._readers = readers
        self._own_wording = own
        self._fill_certificate_options(old_branding)
        self._fill_readers()
        self._fill_forms()
        self._update_wording_labels()
        self._show_programme()
        self._show_kind()

    def _fill_certificate_options(self, old: Branding | None) -> None:
        checked = set(self.people_model.checked_ids())
        self.people_model.set_people(self._people, checked)
        self.people_table.resizeColumnToContents(PeopleColumn.NAME)
        self.people_table.resizeColumnToContents(PeopleColumn.ROLE)
        paired = self.paired_count()
        self.everyone_radio.setText("Everyone in the programme's pairs"
                                    + (f" ({paired:,})" if paired else ""))
        award_id = self.award_combo.currentData()
        self.award_combo.blockSignals(True)
        self.award_combo.clear()
        for award in self._awards:
            self.award_combo.addItem(f"{award.title} — {award.recipient or '(erased)'}",
                                     award.id)
            self.award_combo.setItemData(
                self.award_combo.count() - 1,
                f"Awarded on {long_date(award.awarded_on)}"
                + ("; its certificate was printed or saved before" if award.printed else ""),
                Qt.ItemDataRole.ToolTipRole)
        index = self.award_combo.findData(award_id)
        self.award_combo.setCurrentIndex(index if index >= 0 else 0 if self._awards else -1)
        self.award_combo.blockSignals(False)
        self.award_radio.setText("An award" + (f" ({len(self._awards):,} given)"
                                               if self._awards else " (none given yet)"))
        self.award_radio.setEnabled(bool(self._awards))
        self.chosen_radio.setEnabled(bool(self._people))
        self.everyone_radio.setEnabled(bool(paired))
        if not paired and self.everyone_radio.isChecked():
            if self._awards:
                self.award_radio.setChecked(True)
            elif self._people:
                self.chosen_radio.setChecked(True)
        elif not self._awards and self.award_radio.isChecked() and self._people:
            (self.everyone_radio if paired else self.chosen_radio).setChecked(True)
        # Follow the programme's template and paper unless the user chose others here.
        if self.branding is not None:
            for combo, before, now in (
                    (self.template_combo, old.certificate_template if old else None,
                     self.branding.certificate_template),
                    (self.paper_combo, old.paper if old else None, self.branding.paper)):
                if old is None or combo.currentData() == before:
                    combo.setCurrentIndex(max(0, combo.findData(now)))
        nobody = not self._people and not self._awards
        self.certificates_note.setVisible(self.programme is not None and not paired)
        if nobody:
            self.certificates_note.setText(
                "Nobody to give a certificate to yet. Certificates go to the mentors and "
                "mentees of the programme's accepted, active and completed pairs, or to the "
                "active participants you choose: publish pairs in the Pairing area first.")
        else:
            self.certificates_note.setText(
                "No pairs yet, so certificates go only to the people you choose or for an "
                "award. Publish pairs in the Pairing area to give everyone who took part a "
                "certificate.")
        self._update_who()

    def _fill_readers(self) -> None:
        pickers = [(self.reader_combo(role), NOBODY, self._readers[role])
                   for role in HANDBOOK_ROLES]
        pickers.append((self.form_person_combo, ANYONE, self._active))
        for combo, nobody, people in pickers:
            chosen = combo.currentData()
            combo.blockSignals(True)
            combo.clear()
            combo.addItem(nobody, None)
            for person in people:
                label = person.full_name + (f" · {person.department}" if person.department
                                            else "")
                combo.addItem(label, person.id)
            index = combo.findData(chosen) if chosen is not None else 0
            combo.setCurrentIndex(max(0, index))
            combo.blockSignals(False)

    def _fill_forms(self) -> None:
        chosen = self.form_combo.currentData()
        self.form_combo.blockSignals(True)
        self.form_combo.clear()
        for form in self._forms:
            self.form_combo.addItem(form.title, form.id)
        index = self.form_combo.findData(chosen)
        self.form_combo.setCurrentIndex(index if index >= 0 else 0 if self._forms else -1)
        self.form_combo.blockSignals(False)
        self.forms_note.setVisible(self.programme is not None and not self._forms)
        self.forms_note.setText("This programme has no feedback forms yet.")
        self._show_form_details()

    def _show_form_details(self) -> None:
        form = self.selected_form()
        if form is None:
            self.form_details.setText("")
            return
        known = str(form.audience) in {a.value for a in Audience}
        audience = (AUDIENCE_LABELS[Audience(form.audience)] if known
                    else f"For {form.audience}")
        purpose = "readiness" if str(form.purpose) == "readiness" else "feedback"
        self.form_details.setText(
            f"{audience} · {purpose} · {plural(form.questions, 'question')} · "
            f"{plural(form.responses, 'answer')} received so far")

    def _update_wording_labels(self) -> None:
        for role in HANDBOOK_ROLES:
            label = getattr(self, f"{role}_wording_label")
            count = self._own_wording[role]
            label.setText("The standard wording." if not count else
                          f"{plural(count, 'section')} in your own wording.")

    def _show_programme(self) -> None:
        if self.db is None:
            self.empty_label.setText("No database is open.")
        elif self.programme is None:
            self.empty_label.setText(
                "There is no programme yet. Set one up in the Programme area: its "
                "certificates, handbooks, proposal and forms are made from it.")
        self.body.setCurrentWidget(self.work if self.programme is not None
                                   else self.empty_label)
        self.programme_label.setText(self.programme.data.name if self.programme else "")

    # ------------------------------------------------------------------ options

    def _on_documents_list_current_row_changed(self, row: int) -> None:
        if row >= 0:
            self._show_kind()

    def _show_kind(self) -> None:
        """Show the options and the preview of the document chosen on the left."""
        kind = self.current_kind()
        info = DOCUMENTS[kind]
        self.options_stack.setCurrentIndex(list(DocumentKind).index(kind))
        self.document_title.setText(info.title)
        self.document_about.setText(info.about)
        shown = self._shown.get(kind)
        if shown is not None:
            if shown.data is not self.preview_widget.data:
                self.preview_widget.set_pdf(shown.data, shown.name, shown)
        else:
            self.preview_widget.clear(self._placeholder(kind))
        self._show_state()
        self._update_actions()

    def _placeholder(self, kind: DocumentKind) -> str:
        if kind == DocumentKind.CERTIFICATES and not self._people and not self._awards:
            return "Nobody to give a certificate to yet."
        if kind == DocumentKind.FORMS and not self._forms:
            return "No feedback form to show."
        what = {DocumentKind.CERTIFICATES: "the certificates",
                DocumentKind.MENTOR_HANDBOOK: "the mentor handbook",
                DocumentKind.MENTEE_HANDBOOK: "the mentee handbook",
                DocumentKind.PROPOSAL: "the proposal",
                DocumentKind.FORMS: "the form"}[kind]
        return f"Choose the options on the left, then press Preview to see {what} here."

    def _on_options_changed(self, *_args: object) -> None:
        self._show_state()
        self._update_actions()

    def _on_who_group_id_toggled(self, _id: int, checked: bool) -> None:
        if checked:
            self._update_who()
            self._on_options_changed()

    def _update_who(self) -> None:
        chosen = self.chosen_radio.isChecked()
        self.people_box.setVisible(chosen)
        self.award_combo.setEnabled(self.award_radio.isChecked())
        award = self.selected_award()
        if self.award_radio.isChecked() and award is not None and not self._date_edited:
            self._set_date(award.awarded_on)
        elif not self.award_radio.isChecked() and not self._date_edited:
            self._set_date(date.today())
        self.achievement_edit.setPlaceholderText(
            "Blank: worded from the award" if self.award_radio.isChecked()
            else "Blank: worded from each person's role")
        self._update_chosen_label()

    def _set_date(self, day: date) -> None:
        self.date_edit.blockSignals(True)
        self.date_edit.setDate(to_qdate(day))
        self.date_edit.blockSignals(False)

    def _on_date_edit_date_changed(self) -> None:
        self._date_edited = True
        self._on_options_changed()

    def _on_award_combo_current_index_changed(self) -> None:
        self._update_who()
        self._on_options_changed()

    def _on_people_search_text_changed(self, text: str) -> None:
        self.people_proxy.set_search(text)
        self._update_chosen_label()

    def _on_people_model_data_changed(self, *_args: object) -> None:
        self._update_chosen_label()
        self._on_options_changed()

    def _update_chosen_label(self) -> None:
        checked = len(self.people_model.checked_ids())
        shown = self.people_proxy.rowCount()
        total = self.people_model.rowCount()
        text = f"{checked:,} of {total:,} checked"
        if shown != total:
            text += f" · {shown:,} shown"
        self.chosen_label.setText(text)

    def check_shown(self) -> None:
        """Check everyone the search shows."""
        ids = {self.people_proxy.index(r, 0).data(PeopleRole.ID)
               for r in range(self.people_proxy.rowCount())}
        self.people_model.set_checked(ids, True)

    def check_whole_pairs(self) -> None:
        """Also check everyone paired with someone checked."""
        checked = set(self.people_model.checked_ids())
        pairings = {i for p in self._people if p.participant_id in checked
                    for i in p.pairing_ids}
        self.people_model.set_checked({p.participant_id for p in self._people
                                       if set(p.pairing_ids) & pairings}, True)

    def uncheck_all(self) -> None:
        """Uncheck everyone."""
        self.people_model.set_checked(set(self.people_model.checked_ids()), False)

    def _on_person_editing_finished(self, combo: QComboBox) -> None:
        index = combo.findText(combo.currentText().strip(), Qt.MatchFlag.MatchFixedString)
        if index < 0:  # a name that is nobody's: back to the person chosen before
            index = max(0, combo.currentIndex())
        combo.setCurrentIndex(index)
        combo.setEditText(combo.itemText(index))
        self._on_options_changed()

    def _on_form_combo_current_index_changed(self) -> None:
        self._show_form_details()
        self._on_options_changed()

    # ------------------------------------------------------------------ what to make

    def selected_award(self) -> AwardSummary | None:
        """The award chosen for certificates."""
        award_id = self.award_combo.currentData()
        return next((a for a in self._awards if a.id == award_id), None)

    def selected_form(self) -> FormSummary | None:
        """The form chosen."""
        form_id = self.form_combo.currentData()
        return next((f for f in self._forms if f.id == form_id), None)

    def reader(self, role: str) -> int | None:
        """The participant the ``role`` handbook is prepared for (None for nobody)."""
        value = self.reader_combo(role).currentData()
        return int(value) if value is not None else None

    def form_person(self) -> int | None:
        """The participant a form is a personal copy for (None: a blank form)."""
        value = self.form_person_combo.currentData()
        return int(value) if value is not None else None

    def paired_count(self) -> int:
        """How many people are in the programme's pairs (everyone's certificates)."""
        return sum(1 for p in self._people if p.in_pairs)

    def certificate_request(self) -> CertificateRequest | None:
        """The certificates the options describe (None when they name nobody)."""
        if self.programme is None:
            return None
        award_id: int | None = None
        ids: tuple[int, ...] = ()
        if self.award_radio.isChecked():
            award = self.selected_award()
            if award is None:
                return None
            award_id = award.id
        elif self.chosen_radio.isChecked():
            ids = self.people_model.checked_ids()
            if not ids:
                return None
        elif not self.paired_count():
            return None
        issued = self.date_edit.date().toPython()
        assert isinstance(issued, date)
        return CertificateRequest(
            self.programme.id, participant_ids=ids, award_id=award_id,
            template=str(self.template_combo.currentData()),
            paper=str(self.paper_combo.currentData()),
            achievement=" ".join(self.achievement_edit.text().split()), issued_on=issued)

    def recipient_count(self) -> int:
        """How many certificates the options describe."""
        if self.award_radio.isChecked():
            return 1 if self.selected_award() else 0
        if self.chosen_radio.isChecked():
            return len(self.people_model.checked_ids())
        return self.paired_count()

    def options(self, kind: DocumentKind) -> Hashable | None:
        """What the document would be made with now (None when it cannot be made)."""
        if self.programme is None:
            return None
        if kind == DocumentKind.CERTIFICATES:
            return self.certificate_request()
        if kind in (DocumentKind.MENTOR_HANDBOOK, DocumentKind.MENTEE_HANDBOOK):
            return HandbookOptions(str(kind), self.reader(str(kind)))
        if kind == DocumentKind.PROPOSAL:
            return ("proposal", self.programme.id)
        form = self.selected_form()
        return (FormOptions(form.id, self.fillable_radio.isChecked(), self.form_person())
                if form else None)

    def job(self, kind: DocumentKind) -> Job | None:
        """The work that makes ``kind`` with the options shown."""
        options = self.options(kind)
        if options is None or self.programme is None:
            return None
        programme_id = self.programme.id
        programme_name = self.programme.data.name
        if isinstance(options, CertificateRequest):
            request = options
            count = self.recipient_count()
            single = self._single_name(request)

            def certificates(session: Session, progress: Progress,
                             cancelled: Cancelled) -> Made:
                # Read in the session the certificates are made in: the names and branding
                # on the pages, which saving one file each is checked against.
                recipients = tuple(certificate_recipients(session, request))
                branding = load_branding(session, request.programme_id)
                data = render_certificates(session, request, progress=progress,
                                           cancelled=cancelled)
                return Made(data, recipients, branding)

            return Job(kind, options, f"Making {plural(count, 'certificate')}…",
                       _pdf_name(f"Certificate - {single}" if single
                                 else f"Certificates - {programme_name}"),
                       f"Certificate for {single}" if single else "Certificates",
                       certificates)
        if isinstance(options, HandbookOptions):
            role, reader = options.role, options.participant_id

            def handbook(session: Session, _progress: Progress, cancelled: Cancelled) -> Made:
                return Made(render_handbook(session, programme_id, role,
                                            participant_id=reader, cancelled=cancelled))

            reader_name = self._reader_name(role, reader)
            title = f"{role.capitalize()} handbook"
            return Job(kind, options, f"Making the {role} handbook…",
                       _pdf_name(f"{title} - {reader_name or programme_name}"),
                       f"{title} for {reader_name}" if reader_name else title, handbook)
        if isinstance(options, FormOptions):
            form_id, fillable, person = options.form_id, options.fillable, options.participant_id
            form = self.selected_form()
            title = form.title if form else "Form"
            person_name = next((p.full_name for p in self._active if p.id == person), "")

            def form_pdf(session: Session, _progress: Progress, _cancelled: Cancelled) -> Made:
                return Made(render_form(session, form_id, fillable=fillable,
                                        participant_id=person))

            how = "fillable" if fillable else "on paper"
            return Job(kind, options,
                       f"Making the form for {person_name}…" if person_name
                       else "Making the form…",
                       _pdf_name(f"{title} - {person_name or programme_name}"
                                 + ("" if fillable else " (paper)")),
                       f"{title} for {person_name} ({how})" if person_name
                       else f"{title} ({how})", form_pdf)

        def proposal(session: Session, _progress: Progress, cancelled: Cancelled) -> Made:
            return Made(render_proposal(session, programme_id, cancelled=cancelled))

        return Job(kind, options, "Making the proposal…",
                   _pdf_name(f"Proposal - {programme_name}"), "Programme proposal", proposal)

    def _single_name(self, request: CertificateRequest) -> str:
        """The one person certificates are for, if one."""
        if request.award_id is not None:
            award = next((a for a in self._awards if a.id == request.award_id), None)
            return award.recipient if award else ""
        if len(request.participant_ids) == 1:
            person = next((p for p in self._people
                           if p.participant_id == request.participant_ids[0]), None)
            return person.name if person else ""
        return ""

    def _reader_name(self, role: str, participant_id: int | None) -> str:
        return next((p.full_name for p in self._readers[role] if p.id == participant_id), "")

    # ------------------------------------------------------------------ making

    def preview(self) -> Task | None:
        """Make the chosen document with the options shown, in the background; the preview
        shows it when it is ready."""
        kind = self.current_kind()
        job = self.job(kind)
        if job is None or self.db is None or self.tasks is None \
                or self.preview_task is not None:
            return None
        db = self.db

        def work(progress: Progress, cancelled: Cancelled) -> Made:
            # Making a document only reads: a read-only database previews too.
            with db.Session() as session:
                made = job.render(session, progress, cancelled)
            if cancelled():
                raise TaskCancelled
            return made

        self._errors.pop(kind, None)
        # The progress shows above the preview, with Cancel: the window stays usable.
        task = self.tasks.run(job.label, work, on_done=partial(self._on_preview_done, job),
                              on_failed=partial(self._on_preview_failed, kind),
                              on_cancelled=self._on_preview_cancelled,
                              progress_dialog=False)
        task.progressed.connect(self._on_preview_task_progressed)
        task.ended.connect(self._on_preview_ended)
        self.preview_task = task
        self._preview_kind = kind
        self._preview_done = (0, 0)
        self._cancelling = False
        self._show_state()
        self._update_actions()
        return task

    def _on_preview_done(self, job: Job, made: Made) -> None:
        pages = page_count(made.data)
        if pages <= 0:
            self._errors[job.kind] = "The document made is not a readable PDF."
            return
        shown = Shown(job.kind, job.options, made.data, job.name, job.title, pages,
                      made.recipients, made.branding)
        self._shown[job.kind] = shown
        if job.kind == self.current_kind():
            self.preview_widget.set_pdf(made.data, job.name, shown)

    def _on_preview_failed(self, kind: DocumentKind, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            self._errors[kind] = exc.message
        else:
            self.report_failure(exc)

    def cancel_preview(self) -> None:
        """Stop making the document (what was shown before stays)."""
        if self.preview_task is not None:
            self.preview_task.cancel()
            self._cancelling = True
            self._show_state()

    def _on_preview_task_progressed(self, done: int, total: int) -> None:
        if total > 0:
            self._preview_done = (done, total)
            self._show_state()

    def _on_preview_cancelled(self) -> None:
        self.status_message.emit("Preview cancelled.")

    def _on_preview_ended(self) -> None:
        self.preview_task = None
        self._preview_kind = None
        self._cancelling = False
        self._show_state()
        self._update_actions()

    def is_stale(self, kind: DocumentKind | None = None) -> bool:
        """Whether the preview of ``kind`` (the current document) no longer matches the
        options or the programme's data."""
        kind = kind or self.current_kind()
        shown = self._shown.get(kind)
        return shown is not None and (shown.outdated or shown.options != self.options(kind))

    def unprintable_count(self) -> int:
        """How many of the certificates' recipients (as the options choose them) have a
        name with characters no bundled font has in the template's type family: they
        print as a replacement mark."""
        request = self.certificate_request()
        if request is None or self.db is None:
            return 0
        template = request.template or "classic"
        key = (request.programme_id, request.participant_ids, request.pairing_ids,
               request.award_id, template)
        if key not in self._unprintable:
            try:
                with self.db.Session() as session:
                    recipients = certificate_recipients(session, request)
            except UserError:  # an award's recipient erased: the preview explains it
                recipients = []
            count = len(unprintable(recipients, template))
            if count:  # how many only: names are HR data and stay out of the log
                log.info("certificate recipients with characters no bundled font has: %d",
                         count)
            self._unprintable[key] = count
        return self._unprintable[key]

    def _unprintable_warning(self, kind: DocumentKind) -> str:
        if kind != DocumentKind.CERTIFICATES:
            return ""
        count = self.unprintable_count()
        if not count:
            return ""
        return ("1 person's name has" if count == 1 else f"{count:,} people's names have") \
            + " characters no bundled font can print"

    def _show_state(self) -> None:
        """The line above the preview: making it, out of date, failed, or what it shows;
        and whether what is shown may be saved and printed."""
        kind = self.current_kind()
        shown = self._shown.get(kind)
        again = False
        task, making_kind = self.preview_task, self._preview_kind
        making = task is not None and making_kind is not None
        warning = self._unprintable_warning(kind)
        if task is not None and making_kind is not None:
            title = task.label
            if making_kind != kind:  # another document is being made: say which
                title = f"{DOCUMENTS[making_kind].title}: {title[:1].lower()}{title[1:]}"
            done, total = self._preview_done
            if self._cancelling:
                details = "Cancelling…"
            elif total:
                details = f"{done:,} of {total:,} done"
            else:
                details = "You can go on working here meanwhile."
            self.banner.show_text(title, details)
            self.busy_bar.setRange(0, total)  # 0 to 0: busy, for as long as it takes
            self.busy_bar.setValue(min(done, total))
        elif kind in self._errors:
            self.banner.show_text("The document could not be made", self._errors[kind],
                                  "warning")
            again = True
        elif shown is not None and shown.outdated:
            self.banner.show_text("The programme changed — Preview again",
                                  "This preview was made before the latest changes.",
                                  "attention")
            again = True
        elif shown is not None and self.is_stale(kind):
            self.banner.show_text("Options changed — Preview again",
                                  "The preview still shows the document made with the "
                                  "options before.", "attention")
            again = True
        elif warning:
            self.banner.show_text(
                warning, ((self._describe(kind, shown) + ". ") if shown is not None else "")
                + "Those characters print as a replacement mark (\ufffd): check how the "
                "names are written in the Participants area.", "attention")
        elif shown is not None:
            self.banner.show_text(self._describe(kind, shown), "Print it or save it as a PDF.")
        self.banner_row.setVisible(shown is not None or kind in self._errors or making
                                   or bool(warning))
        self.busy_bar.setVisible(making)
        self.preview_again_button.setVisible(again and not making)
        self.cancel_button.setVisible(making)
        self.cancel_button.setEnabled(not self._cancelling)
        self.preview_widget.set_blocked(STALE if shown is not None and self.is_stale(kind)
                                        else "")

    def _describe(self, kind: DocumentKind, shown: Shown) -> str:
        if kind == DocumentKind.CERTIFICATES and shown.pages != 1:
            return f"{plural(shown.pages, 'certificate')}, one page each"
        return f"{shown.title} · {plural(shown.pages, 'page')}"

    def _update_actions(self) -> None:
        has_programme = self.programme is not None
        kind = self.current_kind()
        can_make = self.options(kind) is not None and self.preview_task is None
        self.preview_button.setEnabled(has_programme and can_make)
        self.branding_button.setEnabled(has_programme)
        for role in HANDBOOK_ROLES:
            self.edit_text_button(role).setEnabled(has_programme)
        self.import_button.setEnabled(self.writable and has_programme and bool(self._forms)
                                      and self.import_task is None)
        self.import_button.setToolTip(
            "This database is open read-only: nothing can be imported into it."
            if not self.writable else
            "Read the answers from fillable forms people sent back (several files at once)")
        if kind == DocumentKind.CERTIFICATES:
            count = self.recipient_count()
            self.count_label.setText(plural(count, "certificate") if count else
                                     "Choose who gets a certificate.")
        else:
            self.count_label.setText("")
        self.split_check.setEnabled(self.save_task is None)

    # ------------------------------------------------------------------ saving and printing

    def _start_dir(self) -> Path:
        if self._last_dir is not None:
            return self._last_dir
        return self.db.path.parent if self.db is not None else Path.home()

    def save(self) -> Path | Task | None:
        """Save the document shown: as one PDF, or one per person for certificates when
        asked; returns the path written or the background task, or None.

        A preview out of date is not saved (the status bar says so): the user previews
        again and sees what they save. Re-making it here instead would save a document
        nobody has looked at.
        """
        kind = self.current_kind()
        shown = self._shown.get(kind)
        if shown is None or not self.preview_widget.has_document():
            return None
        if self.is_stale(kind):
            self.status_message.emit(STALE)
            return None
        if (kind == DocumentKind.CERTIFICATES and self.split_check.isChecked()
                and isinstance(shown.options, CertificateRequest)):
            return self.save_one_per_person(shown)
        self.preview_widget.last_dir = self._last_dir
        path = self.preview_widget.save_as(self._start_dir(),
                                           title=f"Save {DOCUMENTS[kind].title.lower()}")
        if path is None:
            return None
        self._last_dir = path.parent
        self._note_produced(shown.recipients)
        text = f"Saved {path.name} ({plural(shown.pages, 'page')}) in {path.parent}."
        self.status_message.emit(text)
        prompts.offer_open_folder(self, "Document saved", text, path.parent)
        return path

    def save_one_per_person(self, shown: Shown) -> Task | None:
        """Ask for a folder and write one certificate per person of ``shown`` into it, in
        the background: the files it would replace are looked for first and asked about
        before anything is made."""
        if self.db is None or self.tasks is None or self.save_task is not None:
            return None
        folder = prompts.choose_folder(self, "Save one certificate per person",
                                       self._start_dir())
        if folder is None:
            return None
        return self._save_files(folder, shown, frozenset())

    def _save_files(self, folder: Path, shown: Shown, replace: frozenset[str]) -> Task | None:
        """Make and write the certificates of ``shown`` into ``folder``, replacing only the
        files named in ``replace``; the task's result is the paths written, or a
        :class:`FileClash` when other files would be replaced (nothing made then)."""
        if self.db is None or self.tasks is None or self.save_task is not None:
            return None
        request = shown.options
        assert isinstance(request, CertificateRequest)
        db = self.db
        names = file_names(shown.recipients)
        snapshot = (shown.recipients, shown.branding)

        def clashes(found: Sequence[str]) -> list[str]:
            return [n for n in found if n not in replace and (folder / n).exists()]

        def work(progress: Progress, cancelled: Cancelled) -> list[Path] | FileClash:
            clash = clashes(names)
            if clash:
                return FileClash(tuple(clash))
            total = 2 * len(names)  # making each file, then writing it
            with db.Session() as session:
                # The same session reads the data and makes the files: checked to be what
                # was previewed (and saved as one file) even if it changed elsewhere.
                now = (tuple(certificate_recipients(session, request)),
                       load_branding(session, request.programme_id))
                if now != snapshot:
                    raise PreviewOutdatedError
                files = render_certificate_files(
                    session, request, cancelled=cancelled,
                    progress=lambda done, _total: progress(done, total))
            if cancelled():
                raise TaskCancelled
            # A file that appeared meanwhile, or a name not foreseen, is never replaced.
            clash = clashes([name for name, _data in files])
            if clash:
                raise UserError(f"{clash[0]} is in {folder} now. Nothing was saved: save "
                                "again to be asked about replacing it.")
            written = itertools.count(len(files) + 1)

            def step() -> None:
                if cancelled():
                    raise TaskCancelled
                progress(next(written), total)

            return save_pdfs(folder, files, step=step)

        count = plural(len(names), "certificate")
        task = self.tasks.run(f"Saving {count}, one file each…", work,
                              on_done=partial(self._on_files_done, folder, shown),
                              on_failed=partial(self._on_save_failed, shown),
                              on_cancelled=self._on_save_cancelled)
        task.ended.connect(partial(self._on_save_ended, task))
        self.save_task = task
        self._update_actions()
        return task

    def _on_files_done(self, folder: Path, shown: Shown,
                       result: list[Path] | FileClash) -> None:
        if isinstance(result, FileClash):
            # Asked once the check's task has ended (its progress dialog closed).
            QTimer.singleShot(0, self, partial(self._ask_replace, folder, shown, result))
            return
        self._last_dir = folder
        self._note_produced(shown.recipients)
        text = f"Saved {plural(len(result), 'certificate')} in {folder}, one file per person."
        self.status_message.emit(text)
        prompts.offer_open_folder(self, "Certificates saved", text, folder)

    def _ask_replace(self, folder: Path, shown: Shown, clash: FileClash) -> None:
        if self._shown.get(shown.kind) is not shown:  # another preview, or database, since
            return
        existing = clash.names
        one = len(existing) == 1
        if not prompts.confirm(
                self, "Replace files",
                f"{plural(len(existing), 'file')} with the same name "
                f"{'is' if one else 'are'} already in {folder} (for example {existing[0]}). "
                f"Replace {'it' if one else 'them'}?", "Replace"):
            self.status_message.emit("Nothing saved: the files in the folder were kept.")
            return
        self._save_files(folder, shown, frozenset(existing))

    def _on_save_failed(self, shown: Shown, exc: BaseException) -> None:
        if isinstance(exc, PreviewOutdatedError):
            shown.outdated = True
            self._show_state()
        self.report_failure(exc)

    def _on_save_cancelled(self) -> None:
        self.status_message.emit("Cancelled: no certificates were saved.")

    def _on_save_ended(self, task: Task) -> None:
        if self.save_task is task:
            self.save_task = None
        self._update_actions()

    def _on_preview_widget_printed(self, sheets: int, context: object) -> None:
        # The document printed is the one the print started with, not the one shown now.
        if isinstance(context, Shown):
            self._note_produced(context.recipients)
        self.status_message.emit(f"Sent {plural(sheets, 'page')} to the printer.")

    def _note_produced(self, recipients: Sequence[Recipient]) -> None:
        """Remember that the certificates of the awards among ``recipients`` were produced
        (when the database may be changed); it changes no document, so no preview goes out
        of date."""
        if not self.writable or not any(r.award_id is not None for r in recipients):
            return

        def mark(session: Session) -> int:
            return mark_printed(session, recipients)

        if self._write(mark) is not None:
            self._quiet = True
            try:
                self.data_changed.emit(AWARD_CHANGES)
            finally:
                self._quiet = False

    # ------------------------------------------------------------------ writing

    def _changed(self, message: str, areas: frozenset[str]) -> None:
        self.data_changed.emit(areas)
        if message:
            self.status_message.emit(message)

    def edit_branding(self) -> BrandingDialog | None:
        """Open the branding editor (read-only when the database is)."""
        if self.db is None or self.programme is None or self.branding_dialog is not None:
            return None
        from mentordesk.ui.dialogs.branding_dialog import BrandingDialog

        with self.db.Session() as session:
            branding = load_branding(session, self.programme.id)
        dialog = BrandingDialog(branding, partial(self._save_branding, self.programme.id),
                                read_only=not self.writable, start_dir=self._start_dir(),
                                parent=self)
        self._open(dialog, "branding_dialog")
        return dialog

    def _save_branding(self, programme_id: int, changes: BrandingChanges) -> None:
        assert self.db is not None
        with self.db.Session.begin() as session:
            save_branding(session, programme_id, changes)
        self._changed("Saved the programme's branding: preview again to see it.",
                      DOCUMENT_CHANGES)

    def edit_handbook_text(self, role: str) -> HandbookTextDialog | None:
        """Open the wording of the ``role`` handbook (read-only when the database is)."""
        if self.db is None or self.programme is None or self.text_dialog is not None:
            return None
        from mentordesk.ui.dialogs.handbook_text_dialog import HandbookTextDialog

        with self.db.Session() as session:
            sections = handbook_sections(session, self.programme.id, role)
        dialog = HandbookTextDialog(f"{role.capitalize()} handbook", sections,
                                    partial(self._save_handbook_text, self.programme.id, role),
                                    available=PLACEHOLDERS, read_only=not self.writable,
                                    parent=self)
        self._open(dialog, "text_dialog")
        return dialog

    def _save_handbook_text(self, programme_id: int, role: str, texts: dict[str, str]) -> None:
        assert self.db is not None
        with self.db.Session.begin() as session:
            for key, text in texts.items():
                save_handbook_section(session, programme_id, role, key, text)
        self._changed(f"Saved the wording of {plural(len(texts), 'section')} of the {role} "
                      "handbook.", DOCUMENT_CHANGES)

    def import_forms(self) -> Task | None:
        """Ask for filled-in forms and import their answers in one transaction, in the
        background; the outcome of each file is listed when it is done."""
        if (not self.writable or self.db is None or self.tasks is None or not self._forms
                or self.import_task is not None):
            return None

        paths = prompts.choose_filled_forms(self, self._start_dir())
        if not paths:
            return None
        self._last_dir = paths[0].parent

        def work(session: Session, _progress: Progress, _cancelled: Cancelled,
                 ) -> list[FormImport]:
            return import_filled_forms(session, paths)

        task = self.tasks.run(f"Importing {plural(len(paths), 'form')}…",
                              in_transaction(self.db, work), cancellable=False,
                              on_done=self._on_forms_imported, on_failed=self.report_failure)
        task.ended.connect(self._on_import_ended)
        self.import_task = task
        self._update_actions()
        return task

    def _on_forms_imported(self, results: list[FormImport]) -> None:
        from mentordesk.ui.dialogs.form_import_dialog import FormImportDialog, summary_text

        dialog = FormImportDialog(results, self)
        self._open(dialog, "import_dialog")
        summary = summary_text(dialog.model.counts())
        if any(r.status == "imported" for r in results):
            self._changed(summary, FEEDBACK_CHANGES)
        else:
            self.status_message.emit(summary)

    def _on_import_ended(self) -> None:
        self.import_task = None
        self._update_actions()

    # ------------------------------------------------------------------ dialogs



def _pdf_name(stem: str) -> str:
    return safe_file_name(stem, ".pdf", "document")


def _section_label(text: str) -> QLabel:
    label = QLabel(text)
    font = label.font()
    font.setBold(True)
    label.setFont(font)
    label.setContentsMargins(0, 4, 0, 0)
    return label


def _note(text: str, *, indent: bool = False) -> QLabel:
    """A muted, wrapped line of explanation (indented under a radio button)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setStyleSheet(MUTED_STYLE)
    if indent:
        label.setContentsMargins(22, 0, 0, 2)
    return label
