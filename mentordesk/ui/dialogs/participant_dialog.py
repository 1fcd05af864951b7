"""Adding or editing one participant, with errors shown next to the field they concern."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QCompleter,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import ValidationError
from mentordesk.models import ParticipantRole
from mentordesk.services.participants import ParticipantData, SkillLevel
from mentordesk.services.validation import check_email, known_timezones
from mentordesk.ui.qtmodels.participants import ROLE_LABELS
from mentordesk.ui.widgets import FieldErrors

SKILLS_HINT = "Python:4, Leadership:3 (levels 0 to 5)"
NO_RANK = -1


def split_list(text: str) -> tuple[str, ...]:
    """Comma- or semicolon-separated values, trimmed, blanks dropped."""
    return tuple(v.strip() for v in text.replace(";", ",").split(",") if v.strip())


def parse_skills(text: str) -> tuple[tuple[SkillLevel, ...], str | None]:
    """``"Python:4, Leadership:3"`` as skills, or the reason it cannot be read."""
    skills = []
    for item in split_list(text):
        name, sep, level = item.rpartition(":")
        if not sep or not name.strip():
            return (), f"write each skill as Name:level, e.g. Python:4 ('{item}' has no level)"
        try:
            value = int(level.strip())
        except ValueError:
            return (), f"'{level.strip()}' in '{item}' is not a level from 0 to 5"
        skills.append(SkillLevel(name.strip(), value))
    return tuple(skills), None


def format_skills(skills: Sequence[SkillLevel]) -> str:
    """Skills as the text :func:`parse_skills` reads."""
    return ", ".join(f"{s.name}:{s.level}" for s in skills)


Save = Callable[[ParticipantData], None]


class ParticipantDialog(QDialog):
    """The participant form. ``save`` writes the data or raises :class:`ValidationError`.

    The dialog only closes once ``save`` succeeded; until then the service's reasons stay
    next to their fields.
    """

    def __init__(self, save: Save, *, data: ParticipantData | None = None,
                 departments: Sequence[str] = (), read_only: bool = False,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._save = save
        self.setWindowTitle("Participant (read-only)" if read_only
                            else "Edit participant" if data else "Add participant")
        self.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        self.setModal(True)

        general = QLabel()
        general.setObjectName("error_general")
        self.errors = FieldErrors(general)

        self.full_name = QLineEdit()
        self.preferred_name = QLineEdit()
        self.preferred_name.setPlaceholderText("If different from the first name")
        self.email = QLineEdit()
        self.email.setPlaceholderText("name@example.com")
        self.department = QComboBox()
        self.department.setEditable(True)
        self.department.addItems(["", *departments])
        self.job_title = QLineEdit()
        self.manager_email = QLineEdit()
        self.manager_email.setPlaceholderText("Their manager's work email")
        self.level = QLineEdit()
        self.level.setPlaceholderText("e.g. L3 Senior")
        self.level_rank = QSpinBox()
        self.level_rank.setRange(NO_RANK, 20)
        self.level_rank.setSpecialValueText("Not set")
        self.level_rank.setToolTip("A number to compare levels: higher is more senior")
        self.location = QLineEdit()
        self.timezone = QComboBox()
        self.timezone.setEditable(True)
        zones = sorted(known_timezones())
        self.timezone.addItems(zones)
        completer = QCompleter(zones, self.timezone)
        completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
        completer.setFilterMode(Qt.MatchFlag.MatchContains)
        self.timezone.setCompleter(completer)
        self.languages = QLineEdit()
        self.languages.setPlaceholderText("English, French")
        self.skills = QLineEdit()
        self.skills.setPlaceholderText(SKILLS_HINT)
        self.goals = QLineEdit()
        self.goals.setPlaceholderText("Skills they want to grow: Public speaking, Budgeting")
        self.interests = QLineEdit()
        self.interests.setPlaceholderText("Running, Chess")
        self.role = QComboBox()
        for role, label in ROLE_LABELS.items():
            self.role.addItem(label, role)
        self.mentor_capacity = QSpinBox()
        self.mentor_capacity.setRange(0, 50)
        self.mentor_capacity.setSuffix(" mentees")
        self.availability_notes = QLineEdit()
        self.availability_notes.setPlaceholderText("e.g. Not on Fridays")
        self.consent_stories = QCheckBox("May be featured in success stories")
        self.consent_photos = QCheckBox("Photos may be used")
        self.notes = QPlainTextEdit()
        self.notes.setTabChangesFocus(True)
        self.notes.setFixedHeight(70)

        person = QGroupBox("Person")
        form = QFormLayout(person)
        wrap = self.errors.wrap
        form.addRow("Full name*", wrap("full_name", "Full name", self.full_name))
        form.addRow("Preferred name", wrap("preferred_name", "Preferred name",
                                           self.preferred_name))
        form.addRow("Email*", wrap("email", "Email", self.email))
        form.addRow("Department", wrap("department", "Department", self.department))
        form.addRow("Job title", wrap("job_title", "Job title", self.job_title))
        form.addRow("Manager's email", wrap("manager_email", "Manager's email",
                                            self.manager_email))
        level_row = QWidget()
        level_layout = QHBoxLayout(level_row)
        level_layout.setContentsMargins(0, 0, 0, 0)
        level_layout.addWidget(self.level, 1)
        level_layout.addWidget(QLabel("Rank"))
        level_layout.addWidget(self.level_rank)
        form.addRow("Level", wrap("level", "Level", level_row))
        self.errors.alias("level_rank", "level", "Level rank")
        form.addRow("Location", wrap("location", "Location", self.location))
        form.addRow("Time zone", wrap("timezone", "Time zone", self.timezone))

        mentoring = QGroupBox("Mentoring")
        form2 = QFormLayout(mentoring)
        form2.addRow("Takes part as", wrap("role", "Role", self.role))
        form2.addRow("Can mentor", wrap("mentor_capacity", "Mentor capacity",
                                        self.mentor_capacity))
        form2.addRow("Skills", wrap("skills", "Skills", self.skills))
        form2.addRow("Wants to grow", wrap("goals", "Goals", self.goals))
        form2.addRow("Languages", wrap("languages", "Languages", self.languages))
        form2.addRow("Interests", wrap("interests", "Interests", self.interests))
        form2.addRow("Availability", wrap("availability_notes", "Availability",
                                          self.availability_notes))
        consents = QWidget()
        consents_layout = QVBoxLayout(consents)
        consents_layout.setContentsMargins(0, 0, 0, 0)
        consents_layout.addWidget(self.consent_stories)
        consents_layout.addWidget(self.consent_photos)
        form2.addRow("Consents", consents)
        form2.addRow("Notes", wrap("notes", "Notes", self.notes))

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                        | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.accepted.connect(self._on_ok_clicked)
        self.buttons.rejected.connect(self.reject)

        columns = QHBoxLayout()
        columns.addWidget(person, 1)
        columns.addWidget(mentoring, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(columns)
        layout.addWidget(general)
        layout.addWidget(self.buttons)

        self._set_data(data or ParticipantData(full_name="", email=""))
        self.full_name.textChanged.connect(self._check_as_typed)
        self.email.textChanged.connect(self._check_as_typed)
        self.manager_email.textChanged.connect(self._check_as_typed)
        self.skills.textChanged.connect(self._check_as_typed)
        self.role.currentIndexChanged.connect(self._on_role_changed)
        self._check_as_typed()
        if read_only:
            person.setEnabled(False)
            mentoring.setEnabled(False)
            self.buttons.setStandardButtons(QDialogButtonBox.StandardButton.Close)
        self.resize(self.sizeHint().width() + 80, self.sizeHint().height())

    @property
    def ok_button(self) -> QPushButton | None:
        """The OK button (disabled while the form cannot be saved; None when read-only)."""
        return self.buttons.button(QDialogButtonBox.StandardButton.Ok)

    def _set_data(self, data: ParticipantData) -> None:
        self.full_name.setText(data.full_name)
        self.preferred_name.setText(data.preferred_name)
        self.email.setText(data.email)
        self.department.setCurrentText(data.department)
        self.job_title.setText(data.job_title)
        self.manager_email.setText(data.manager_email)
        self.level.setText(data.level)
        self.level_rank.setValue(NO_RANK if data.level_rank is None else data.level_rank)
        self.location.setText(data.location)
        self.timezone.setCurrentText(data.timezone)
        self.languages.setText(", ".join(data.languages))
        self.skills.setText(format_skills(data.skills))
        self.goals.setText(", ".join(data.goals))
        self.interests.setText(", ".join(data.interests))
        self.role.setCurrentIndex(max(0, self.role.findData(data.role)))
        capacity = data.mentor_capacity
        if capacity is None:
            capacity = 0 if data.role == ParticipantRole.MENTEE else 1
        self.mentor_capacity.setValue(capacity)
        self.mentor_capacity.setEnabled(data.role != ParticipantRole.MENTEE)
        self.availability_notes.setText(data.availability_notes)
        self.consent_stories.setChecked(data.consent_stories)
        self.consent_photos.setChecked(data.consent_photos)
        self.notes.setPlainText(data.notes)

    def form_data(self) -> ParticipantData:
        """The form's content (not validated by the service yet)."""
        role = ParticipantRole(self.role.currentData())
        rank = self.level_rank.value()
        return ParticipantData(
            full_name=self.full_name.text(),
            preferred_name=self.preferred_name.text(),
            email=self.email.text(),
            department=self.department.currentText(),
            job_title=self.job_title.text(),
            manager_email=self.manager_email.text(),
            level=self.level.text(),
            level_rank=None if rank == NO_RANK else rank,
            location=self.location.text(),
            timezone=self.timezone.currentText().strip(),
            languages=split_list(self.languages.text()),
            skills=parse_skills(self.skills.text())[0],
            goals=split_list(self.goals.text()),
            interests=split_list(self.interests.text()),
            role=role,
            mentor_capacity=0 if role == ParticipantRole.MENTEE else self.mentor_capacity.value(),
            availability_notes=self.availability_notes.text(),
            consent_stories=self.consent_stories.isChecked(),
            consent_photos=self.consent_photos.isChecked(),
            notes=self.notes.toPlainText(),
        )

    def _check_as_typed(self) -> None:
        """Flag what is clearly wrong while typing; OK stays disabled until it is fixed."""
        email = self.email.text().strip()
        email_reason = check_email(email)[1] if email else None
        manager = self.manager_email.text().strip()
        manager_reason = check_email(manager)[1] if manager else None
        skills_reason = parse_skills(self.skills.text())[1]
        self.errors.set("email", email_reason)
        self.errors.set("manager_email", manager_reason)
        self.errors.set("skills", skills_reason)
        complete = bool(self.full_name.text().strip() and email)
        ok = self.ok_button
        if ok is not None:
            ok.setEnabled(complete and not (email_reason or manager_reason or skills_reason))

    def _on_role_changed(self) -> None:
        mentors = self.role.currentData() != ParticipantRole.MENTEE
        self.mentor_capacity.setEnabled(mentors)
        if mentors and self.mentor_capacity.value() == 0:
            self.mentor_capacity.setValue(1)

    def _on_ok_clicked(self) -> None:
        try:
            self._save(self.form_data())
        except ValidationError as exc:
            self.errors.show(exc.errors)
            return
        self.accept()
