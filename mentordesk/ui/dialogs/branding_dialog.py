"""The programme's look on paper: organisation, colours, logo, signature, signer, certificate
template and paper size, checked field by field before anything is saved."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QSize, Qt, Signal
from PySide6.QtGui import QColor, QIcon, QPixmap
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import UserError
from mentordesk.services.documents.branding import (
    TEMPLATES,
    BrandingChanges,
    BrandingError,
    validate_branding,
)
from mentordesk.services.documents.layout import PAPER_SIZES, Branding
from mentordesk.ui import prompts
from mentordesk.ui.dialogs.checkin_dialogs import fit_height
from mentordesk.ui.widgets import MUTED_STYLE, FieldErrors

IMAGE_FILTER = "Images (*.png *.jpg *.jpeg);;All files (*)"
PREVIEW_SIZE = QSize(180, 72)
TEMPLATE_TITLES = {"classic": "Classic — double border, serif type, centred",
                   "modern": "Modern — a band of colour, sans-serif type",
                   "elegant": "Elegant — tinted page, fine frame and a seal"}
PAPER_TITLES = {"A4": "A4 (210 × 297 mm)", "Letter": "US Letter (8.5 × 11 in)"}


def swatch(value: str, size: int = 16) -> QIcon:
    """A square of colour ``value`` (grey when it is not a colour)."""
    pixmap = QPixmap(size, size)
    colour = QColor(value)
    pixmap.fill(colour if colour.isValid() and value.startswith("#") else QColor("#CCCCCC"))
    return QIcon(pixmap)


class ColourField(QWidget):
    """A ``#RRGGBB`` text field with a swatch that opens the colour picker."""

    changed = Signal(str)

    def __init__(self, value: str, title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._title = title
        self.edit = QLineEdit(value)
        self.edit.setMaxLength(7)
        self.edit.setPlaceholderText("#RRGGBB")
        self.edit.setAccessibleName(title)
        self.edit.setFixedWidth(self.edit.fontMetrics().horizontalAdvance("#MMMMMMM") + 16)
        self.edit.textChanged.connect(self._on_edit_text_changed)
        self.button = QToolButton()
        self.button.setIconSize(QSize(28, 16))
        self.button.setToolTip(f"Choose the {title.lower()}")
        self.button.setAccessibleName(f"Choose the {title.lower()}")
        self.button.clicked.connect(self.pick)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.button)
        layout.addWidget(self.edit)
        layout.addStretch(1)
        self._show_swatch()

    def value(self) -> str:
        """The colour typed (trimmed; hex in upper case)."""
        text = self.edit.text().strip()
        return text.upper() if text.startswith("#") else text

    def set_value(self, value: str) -> None:
        """Show ``value``."""
        self.edit.setText(value)

    def pick(self) -> str | None:
        """Open the colour picker; the colour chosen, or None."""
        chosen = prompts.choose_colour(self, self._title, self.value())
        if chosen is not None:
            self.set_value(chosen)
        return chosen

    def _show_swatch(self) -> None:
        self.button.setIcon(swatch(self.value(), 32))

    def _on_edit_text_changed(self) -> None:
        self._show_swatch()
        self.changed.emit(self.value())


class ImageField(QWidget):
    """A logo or signature: a small preview, Choose…, Remove and Undo.

    ``pending`` is what saving would do: None leaves the stored image, ``b""`` removes it,
    other bytes replace it (checked before saving; a file that is not a usable image stays
    pending with its error shown, so Save refuses it rather than silently keeping the old
    one).
    """

    changed = Signal()

    def __init__(self, current: bytes | None, title: str, choose: Callable[[], bytes | None],
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.current = current
        self.pending: bytes | None = None
        self._read_only = False
        self._title = title
        self._choose = choose
        self.preview = QLabel()
        self.preview.setFixedSize(PREVIEW_SIZE)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setStyleSheet("QLabel { background: white; color: #6B6B6B; }")
        self.preview.setAccessibleName(f"{title} preview")
        self.choose_button = QPushButton("Choose…")
        self.choose_button.setToolTip(f"Use a PNG or JPEG file as the {title.lower()}")
        self.choose_button.clicked.connect(self.choose)
        self.remove_button = QPushButton("Remove")
        self.remove_button.setToolTip(f"Print without a {title.lower()}")
        self.remove_button.clicked.connect(self.remove)
        self.undo_button = QPushButton("Undo")
        self.undo_button.setToolTip(f"Keep the {title.lower()} as it was")
        self.undo_button.clicked.connect(self.undo)
        buttons = QVBoxLayout()
        buttons.setSpacing(4)
        buttons.addWidget(self.choose_button)
        buttons.addWidget(self.remove_button)
        buttons.addWidget(self.undo_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.preview)
        layout.addLayout(buttons)
        layout.addStretch(1)
        self._show()

    def shown(self) -> bytes | None:
        """The image saving would leave (None for none)."""
        if self.pending is None:
            return self.current
        return self.pending or None

    def choose(self) -> bool:
        """Ask for an image file; True if one was read (usable or not)."""
        data = self._choose()
        if data is None:
            return False
        self.set_pending(data)
        return True

    def set_pending(self, data: bytes | None) -> None:
        """What saving would do with the image (see the class)."""
        self.pending = data
        self._show()
        self.changed.emit()

    def remove(self) -> None:
        """Print without this image."""
        self.set_pending(b"")

    def undo(self) -> None:
        """Keep the stored image."""
        self.set_pending(None)

    def set_read_only(self, read_only: bool) -> None:
        """Whether the image may be changed."""
        self._read_only = read_only
        self._show()

    def _show(self) -> None:
        data = self.shown()
        pixmap = QPixmap()
        if data and pixmap.loadFromData(data):
            self.preview.setPixmap(pixmap.scaled(
                PREVIEW_SIZE - QSize(8, 8), Qt.AspectRatioMode.KeepAspectRatio,
                Qt.TransformationMode.SmoothTransformation))
        else:
            self.preview.setPixmap(QPixmap())
            self.preview.setText("Not a usable image" if data else f"No {self._title.lower()}")
        read_only = self._read_only
        self.choose_button.setEnabled(not read_only)
        self.remove_button.setEnabled(not read_only and self.shown() is not None)
        self.undo_button.setVisible(self.pending is not None)
        self.undo_button.setEnabled(not read_only)


class BrandingDialog(QDialog):
    """Edits the programme's branding.

    ``save(changes)`` writes the changes in one transaction; a :class:`BrandingError` it
    raises is shown next to its fields (nothing is saved), any other :class:`UserError`
    under the form. Values are checked with :func:`validate_branding` before ``save`` is
    called, and colours as they are typed.
    """

    def __init__(self, branding: Branding, save: Callable[[BrandingChanges], object], *,
                 read_only: bool = False, start_dir: Path | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.branding = branding
        self._save = save
        self._read_only = read_only
        self._start_dir = start_dir or Path.home()
        self.setWindowTitle("Branding")
        general = QLabel()
        general.setObjectName("error_general")
        self.errors = FieldErrors(general)
        wrap = self.errors.wrap

        intro = QLabel("How certificates, handbooks, forms and the proposal look on paper. "
                       "Every printed document uses these.")
        intro.setWordWrap(True)
        intro.setStyleSheet(MUTED_STYLE)
        self.organisation = QLineEdit(branding.organisation)
        self.organisation.setPlaceholderText(branding.programme)
        self.organisation.setToolTip("Printed as who issues the documents; left blank, the "
                                     "programme's name is used")
        self.organisation.setMaxLength(200)
        self.primary = ColourField(branding.primary, "Main colour")
        self.primary.changed.connect(self._on_primary_changed)
        self.accent = ColourField(branding.accent, "Accent colour")
        self.accent.changed.connect(self._on_accent_changed)
        self.logo = ImageField(branding.logo_png, "Logo", lambda: self._read_image("logo"))
        self.logo.changed.connect(self._on_logo_changed)
        self.signature = ImageField(branding.signature_png, "Signature",
                                    lambda: self._read_image("signature"))
        self.signature.changed.connect(self._on_signature_changed)
        self.signer_name = QLineEdit(branding.signer_name)
        self.signer_name.setMaxLength(200)
        self.signer_name.setPlaceholderText("e.g. Alex Morgan")
        self.signer_title = QLineEdit(branding.signer_title)
        self.signer_title.setMaxLength(200)
        self.signer_title.setPlaceholderText("e.g. Head of People")
        self.template = QComboBox()
        for key in TEMPLATES:
            self.template.addItem(TEMPLATE_TITLES.get(key, key.capitalize()), key)
        self.template.setCurrentIndex(max(0, self.template.findData(
            branding.certificate_template)))
        self.paper = QComboBox()
        for key in PAPER_SIZES:
            self.paper.addItem(PAPER_TITLES.get(key, key), key)
        self.paper.setCurrentIndex(max(0, self.paper.findData(branding.paper)))

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        form.addRow("&Organisation", wrap("organisation", "Organisation", self.organisation))
        form.addRow("&Main colour", wrap("primary", "Main colour", self.primary))
        form.addRow("&Accent colour", wrap("accent", "Accent colour", self.accent))
        form.addRow("Logo", wrap("logo_png", "Logo", self.logo))
        form.addRow("Signature", wrap("signature_png", "Signature", self.signature))
        form.addRow("Signed by", wrap("signer_name", "Signed by", self.signer_name))
        form.addRow("Their &title", wrap("signer_title", "Their title", self.signer_title))
        form.addRow("Certificate &template",
                    wrap("certificate_template", "Certificate template", self.template))
        form.addRow("&Paper", wrap("paper", "Paper", self.paper))

        self.read_only_note = QLabel("This database is open read-only: the branding can be "
                                     "seen but not changed.")
        self.read_only_note.setWordWrap(True)
        self.read_only_note.setStyleSheet(MUTED_STYLE)
        self.read_only_note.setVisible(read_only)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        self.save_button = self.buttons.addButton("Save", QDialogButtonBox.ButtonRole.AcceptRole)
        self.save_button.setDefault(True)
        self.buttons.accepted.connect(self._on_save_clicked)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addSpacing(4)
        layout.addLayout(form)
        layout.addWidget(general)
        layout.addWidget(self.read_only_note)
        layout.addStretch(1)
        layout.addWidget(self.buttons)
        if read_only:
            for edit in (self.organisation, self.signer_name, self.signer_title,
                         self.primary.edit, self.accent.edit):
                edit.setReadOnly(True)
            for widget in (self.primary.button, self.accent.button, self.template,
                           self.paper):
                widget.setEnabled(False)
            self.logo.set_read_only(True)
            self.signature.set_read_only(True)
        self.save_button.setEnabled(not read_only)
        self.resize(max(560, self.sizeHint().width()), self.sizeHint().height())

    # ------------------------------------------------------------------ values

    def changes(self) -> BrandingChanges:
        """What differs from the stored branding (None for every field left as it was)."""
        b = self.branding

        def differs(value: str, stored: str) -> str | None:
            return value if value != stored else None

        return BrandingChanges(
            organisation=differs(self.organisation.text().strip(), b.organisation),
            primary=differs(self.primary.value(), b.primary.upper()),
            accent=differs(self.accent.value(), b.accent.upper()),
            logo_png=self.logo.pending,
            signature_png=self.signature.pending,
            signer_name=differs(self.signer_name.text().strip(), b.signer_name),
            signer_title=differs(self.signer_title.text().strip(), b.signer_title),
            certificate_template=differs(str(self.template.currentData()),
                                         b.certificate_template),
            paper=differs(str(self.paper.currentData()), b.paper))

    def _read_image(self, what: str) -> bytes | None:
        path = prompts.choose_image_file(self, f"Choose the {what}", self._start_dir)
        if path is None:
            return None
        self._start_dir = path.parent
        try:
            return path.read_bytes()
        except OSError as exc:
            field = "logo_png" if what == "logo" else "signature_png"
            self.errors.set(field, f"Cannot read {path.name}: {exc.strerror or exc}")
            return None

    def _check(self, field: str, changes: BrandingChanges) -> None:
        self.errors.set(field, validate_branding(changes).get(field))

    def _on_primary_changed(self, value: str) -> None:
        self._check("primary", BrandingChanges(primary=value))

    def _on_accent_changed(self, value: str) -> None:
        self._check("accent", BrandingChanges(accent=value))

    def _on_logo_changed(self) -> None:
        self._check("logo_png", BrandingChanges(logo_png=self.logo.pending))

    def _on_signature_changed(self) -> None:
        self._check("signature_png", BrandingChanges(signature_png=self.signature.pending))

    # ------------------------------------------------------------------ saving

    def save(self) -> bool:
        """Check and save; True once saved (the dialog then closes)."""
        if self._read_only:
            return False
        changes = self.changes()
        errors = validate_branding(changes)
        if errors:
            self.errors.show(errors)
            fit_height(self)
            return False
        try:
            self._save(changes)
        except BrandingError as exc:
            self.errors.show(exc.errors)
            fit_height(self)
            return False
        except UserError as exc:
            self.errors.show({"": exc.message})
            fit_height(self)
            return False
        self.accept()
        return True

    def _on_save_clicked(self) -> None:
        self.save()
