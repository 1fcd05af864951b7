"""Small widgets shared by the areas and forms: inline field errors, an item delegate with
choices, the banner an area shows its state in, a busy bar for background work and a
read-only table view."""

from __future__ import annotations

from enum import IntEnum

from PySide6.QtCore import (
    QAbstractItemModel,
    QItemSelectionModel,
    QModelIndex,
    QPersistentModelIndex,
    QSortFilterProxyModel,
    Qt,
    Signal,
)
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFrame,
    QHBoxLayout,
    QLabel,
    QProgressBar,
    QPushButton,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTableView,
    QVBoxLayout,
    QWidget,
)

ERROR_STYLE = "color: #B00020;"
MUTED_STYLE = "color: #6B6B6B;"
# The banner's tones: a quiet line, something to look at, something wrong.
_TONES = {
    "plain": "QFrame#banner { border: 1px solid transparent; }",
    "attention": "QFrame#banner { background: #FFF6D6; border: 1px solid #E3C25A; "
                 "border-radius: 4px; }",
    "warning": "QFrame#banner { background: #FDECEA; border: 1px solid #E3A09A; "
               "border-radius: 4px; }",
}


def plural(count: int, one: str, many: str | None = None) -> str:
    """``"1 pair"``, ``"1,204 pairs"``."""
    return f"{count:,} {one if count == 1 else (many or one + 's')}"


class Banner(QFrame):
    """A bold headline and a muted line of details under it, in a tone."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("banner")
        self.headline = QLabel()
        font = self.headline.font()
        font.setBold(True)
        font.setPointSizeF(font.pointSizeF() * 1.1)
        self.headline.setFont(font)
        self.headline.setWordWrap(True)
        self.details = QLabel()
        self.details.setWordWrap(True)
        self.details.setStyleSheet(MUTED_STYLE)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 6, 10, 6)
        layout.setSpacing(2)
        layout.addWidget(self.headline)
        layout.addWidget(self.details)
        self.show_text("", "")

    def show_text(self, headline: str, details: str, tone: str = "plain") -> None:
        """Show ``headline`` and ``details`` (hidden when empty) in ``tone``: "plain",
        "attention" or "warning"."""
        self.headline.setText(headline)
        self.details.setText(details)
        self.details.setVisible(bool(details))
        self.setStyleSheet(_TONES[tone])
_VERBS = ("is ", "are ", "must ", "cannot ", "has ", "needs ")


class ItemRole(IntEnum):
    """Custom item-data roles shared by the editable table models."""

    CHOICES = Qt.ItemDataRole.UserRole + 100  # list[str]: the values a cell may take


def error_text(label: str, reason: str) -> str:
    """A service's reason as a sentence: "is required" under "Email" becomes "Email is required"."""
    if reason.startswith(_VERBS):
        return f"{label} {reason}."
    return reason[:1].upper() + reason[1:]


class FieldErrors:
    """Red labels under form fields, filled from a :class:`ValidationError`'s ``errors``.

    Errors for fields that have no label of their own go to the ``general`` label.
    """

    def __init__(self, general: QLabel) -> None:
        self._labels: dict[str, tuple[str, QLabel]] = {}
        self._aliases: dict[str, tuple[str, str]] = {}
        self._general = general
        _style(general)

    def wrap(self, field: str, label: str, widget: QWidget) -> QWidget:
        """``widget`` with a hidden error label under it, registered under ``field``."""
        box = QWidget()
        layout = QVBoxLayout(box)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(2)
        layout.addWidget(widget)
        error = QLabel()
        error.setObjectName(f"error_{field}")
        _style(error)
        layout.addWidget(error)
        self._labels[field] = (label, error)
        return box

    def alias(self, field: str, shown_under: str, label: str) -> None:
        """Show errors of ``field`` (called ``label``) under the field ``shown_under``."""
        self._aliases[field] = (shown_under, label)

    def show(self, errors: dict[str, str]) -> None:
        """Show these errors (and clear every other one)."""
        self.clear()
        general = []
        for field, reason in errors.items():
            target, label = self._aliases.get(field, (field, ""))
            if target in self._labels:
                label = label or self._labels[target][0]
                widget = self._labels[target][1]
                text = error_text(label, reason)
                widget.setText(f"{widget.text()}\n{text}" if widget.text() else text)
                widget.show()
            else:
                general.append(error_text(field.replace("_", " ").capitalize(), reason))
        if general:
            self._general.setText("\n".join(general))
            self._general.show()

    def set(self, field: str, reason: str | None) -> None:
        """Show or clear the error of one field (for checks made while typing)."""
        label, widget = self._labels[field]
        widget.setText(error_text(label, reason) if reason else "")
        widget.setVisible(bool(reason))

    def clear(self) -> None:
        """Hide every error."""
        for _label, widget in self._labels.values():
            widget.clear()
            widget.hide()
        self._general.clear()
        self._general.hide()

    def text(self, field: str) -> str:
        """The error shown for ``field`` (empty if none)."""
        label = self._labels[field][1]
        return label.text() if not label.isHidden() else ""

    @property
    def general_text(self) -> str:
        """The errors shown without a field of their own."""
        return self._general.text() if not self._general.isHidden() else ""


def _style(label: QLabel) -> None:
    label.setStyleSheet(ERROR_STYLE)
    label.setWordWrap(True)
    label.hide()


class ChoiceDelegate(QStyledItemDelegate):
    """Edits a cell with a combo box when the model offers ``ItemRole.CHOICES`` for it."""

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        choices = index.data(ItemRole.CHOICES)
        if not choices:
            return super().createEditor(parent, option, index)
        combo = QComboBox(parent)
        combo.addItems(list(choices))
        return combo

    def setEditorData(self, editor: QWidget, index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            editor.setCurrentText(str(index.data(Qt.ItemDataRole.EditRole) or ""))
        else:
            super().setEditorData(editor, index)

    def setModelData(self, editor: QWidget, model: QAbstractItemModel,
                     index: QModelIndex | QPersistentModelIndex) -> None:
        if isinstance(editor, QComboBox):
            model.setData(index, editor.currentText(), Qt.ItemDataRole.EditRole)
        else:
            super().setModelData(editor, model, index)


class PersistentChoiceDelegate(ChoiceDelegate):
    """A :class:`ChoiceDelegate` for combo boxes that stay open (persistent editors): a
    choice reaches the model as soon as it is made rather than when the editor closes.

    Args:
        max_visible: how many choices the open list shows at most; None for all of them.
    """

    def __init__(self, parent: QWidget | None = None, max_visible: int | None = None) -> None:
        super().__init__(parent)
        self.max_visible = max_visible

    def createEditor(self, parent: QWidget, option: QStyleOptionViewItem,
                     index: QModelIndex | QPersistentModelIndex) -> QWidget:
        editor = super().createEditor(parent, option, index)
        if isinstance(editor, QComboBox):
            count = editor.count()
            editor.setMaxVisibleItems(count if self.max_visible is None
                                      else min(self.max_visible, count))
            editor.activated.connect(lambda _i, e=editor: self.commitData.emit(e))
        return editor


class BusyBar(QWidget):
    """A label and a progress bar for work under way, hidden until :meth:`start`; with
    ``cancellable``, a Cancel button that emits ``cancel_requested`` and then says
    "Cancelling…"."""

    cancel_requested = Signal()

    def __init__(self, parent: QWidget | None = None, *, width: int = 240,
                 cancellable: bool = False) -> None:
        super().__init__(parent)
        self.label = QLabel()
        self.bar = QProgressBar()
        self.bar.setMaximumWidth(width)
        self.bar.setTextVisible(False)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.label)
        layout.addWidget(self.bar)
        self.cancel_button: QPushButton | None = None
        if cancellable:
            self.cancel_button = QPushButton("Cancel")
            self.cancel_button.clicked.connect(self._on_cancel_button_clicked)
            layout.addWidget(self.cancel_button)
        layout.addStretch(1)
        self.hide()

    def start(self, text: str) -> None:
        """Show ``text`` and a bar that runs until the first progress."""
        self.label.setText(text)
        self.bar.setRange(0, 0)
        if self.cancel_button is not None:
            self.cancel_button.setEnabled(True)
        self.show()

    def progress(self, done: int, total: int) -> None:
        """Show ``done`` of ``total`` (a task's ``progressed``)."""
        if total > 0:
            self.bar.setRange(0, total)
            self.bar.setValue(min(done, total))

    def _on_cancel_button_clicked(self) -> None:
        self.cancel_requested.emit()
        if self.cancel_button is not None:
            self.cancel_button.setEnabled(False)
        self.label.setText("Cancelling…")


def table_view(model: QAbstractItemModel, *, alternating_rows: bool = False,
               highlight_sections: bool = True) -> QTableView:
    """A read-only table of whole-row selection over ``model``, one line per row, the last
    column stretched."""
    view = QTableView()
    view.setModel(model)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setWordWrap(False)
    if alternating_rows:
        view.setAlternatingRowColors(True)
    view.verticalHeader().hide()
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 8)
    view.horizontalHeader().setStretchLastSection(True)
    if not highlight_sections:
        view.horizontalHeader().setHighlightSections(False)
    return view


def select_source_row(table: QAbstractItemView, proxy: QSortFilterProxyModel,
                      source_row: int | None, *, add: bool = False) -> bool:
    """Select (or with ``add``, also select) the row of ``proxy``'s source model shown in
    ``table``, and scroll to it; False when it is not shown."""
    if source_row is None:
        return False
    index = proxy.mapFromSource(proxy.sourceModel().index(source_row, 0))
    if not index.isValid():
        return False
    flags = QItemSelectionModel.SelectionFlag.Rows | (
        QItemSelectionModel.SelectionFlag.Select if add
        else QItemSelectionModel.SelectionFlag.ClearAndSelect)
    table.selectionModel().setCurrentIndex(index, flags)
    table.scrollTo(index)
    return True
