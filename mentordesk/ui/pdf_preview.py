"""A reusable PDF preview: the pages in a QPdfView, page navigation, zoom, Print… and Save as….

The document is loaded from memory (a :class:`QBuffer` the widget owns), never from a
temporary file, so nothing of a printed document (HR data) is left on disk by previewing.

Printing draws each page as an image rendered by QtPdf at the printer's resolution (at
most :data:`MAX_PRINT_DPI`), in horizontal bands so that a page at 600 dpi never needs more
than a few megabytes at once. :func:`print_pdf` is a plain function taking ``progress`` and
``cancelled`` callables, so it runs on a worker thread through :mod:`mentordesk.ui.tasks`
(QPainter may paint on a QPrinter outside the GUI thread; the worker opens its own
QPdfDocument).

Qt's own "Print to File (PDF)" is switched off in the print dialog: Qt would write that file
world-readable and in place, while Save as… writes it owner-only and atomically
(:func:`mentordesk.services.documents.save_pdf`).

The owner hands each document a ``context`` (what it was made from); a print carries the
context of the document it started with, so whatever the owner shows when the printer
finishes, ``printed`` reports the document that was printed.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import (
    QBuffer,
    QByteArray,
    QIODevice,
    QPointF,
    QRect,
    QRectF,
    QSize,
    QSizeF,
    Qt,
    Signal,
)
from PySide6.QtGui import QImage, QPageLayout, QPainter
from PySide6.QtPdf import QPdfDocument, QPdfDocumentRenderOptions
from PySide6.QtPdfWidgets import QPdfView
from PySide6.QtPrintSupport import QAbstractPrintDialog, QPrintDialog, QPrinter
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSpinBox,
    QStackedWidget,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from mentordesk.errors import UserError
from mentordesk.ui import prompts
from mentordesk.ui.widgets import MUTED_STYLE, plural

if TYPE_CHECKING:
    from mentordesk.ui.tasks import Cancelled, Progress, Task, TaskRunner

PDF_FILTER = "PDF documents (*.pdf)"
MAX_PRINT_DPI = 600
BAND_PIXELS = 768  # rows of a page rendered at once when printing
# The zoom choices: (label, factor); a factor of 0 stands for a fit mode.
FIT_WIDTH, FIT_PAGE = "Fit width", "Fit page"
ZOOM_STEPS = (0.5, 0.75, 1.0, 1.25, 1.5, 2.0, 3.0, 4.0)


def load_pdf(document: QPdfDocument, data: bytes, parent: QWidget | None = None) -> QBuffer:
    """Load ``data`` into ``document`` from a new in-memory buffer and return the buffer,
    which must outlive the document's use of it (QtPdf reads pages from it lazily)."""
    buffer = QBuffer(parent)
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    document.load(buffer)
    return buffer


def page_count(data: bytes) -> int:
    """How many pages the PDF ``data`` has (0 when it is not a readable PDF)."""
    document = QPdfDocument()
    buffer = load_pdf(document, data)
    try:
        if document.status() != QPdfDocument.Status.Ready:
            return 0
        return int(document.pageCount())
    finally:
        document.close()
        buffer.close()


def page_numbers(printer: QPrinter, count: int, current: int = 0) -> list[int]:
    """The pages (0-based) to print as chosen in the print dialog: all of them, a range,
    or the current page; in reverse when the printer asks for the last page first."""
    mode = printer.printRange()
    if mode == QPrinter.PrintRange.CurrentPage:
        pages = [min(max(current, 0), count - 1)] if count else []
    elif mode == QPrinter.PrintRange.PageRange:
        ranges = printer.pageRanges()
        if not ranges.isEmpty():
            pages = [p for p in range(count) if ranges.contains(p + 1)]
        else:
            first, last = printer.fromPage(), printer.toPage()
            first = max(first, 1) if first else 1
            last = min(last, count) if last else count
            pages = list(range(first - 1, last))
    else:
        pages = list(range(count))
    if printer.pageOrder() == QPrinter.PageOrder.LastPageFirst:
        pages.reverse()
    return pages


def _copies(printer: QPrinter, pages: Sequence[int]) -> list[int]:
    """``pages`` repeated for the copies asked, when the printer cannot make copies."""
    copies = printer.copyCount()
    if copies <= 1 or printer.supportsMultipleCopies():
        return list(pages)
    if printer.collateCopies():
        return [p for _ in range(copies) for p in pages]
    return [p for p in pages for _ in range(copies)]


def print_pdf(printer: QPrinter, data: bytes, pages: Sequence[int], *,
              progress: Progress | None = None, cancelled: Cancelled | None = None) -> int:
    """Print ``pages`` (0-based) of the PDF ``data`` on ``printer``; returns the number of
    sheets printed. Each page is turned to the printer's paper the way it is laid out
    (a landscape certificate prints landscape) and scaled to fit the printable area.

    Raises:
        UserError: the PDF cannot be read or the printer cannot be started.
    """
    document = QPdfDocument()
    buffer = load_pdf(document, data)
    try:
        if document.status() != QPdfDocument.Status.Ready:
            raise UserError("The document could not be read for printing.")
        sheets = _copies(printer, [p for p in pages if 0 <= p < document.pageCount()])
        if not sheets:
            raise UserError("There is no page to print in the range chosen.")
        painter = QPainter()
        for number, page in enumerate(sheets):
            if cancelled is not None and cancelled():
                if painter.isActive():  # nothing of the unfinished job comes out
                    printer.abort()
                    painter.end()
                raise UserError("Printing cancelled.")
            points = document.pagePointSize(page)
            printer.setPageOrientation(QPageLayout.Orientation.Landscape
                                       if points.width() > points.height()
                                       else QPageLayout.Orientation.Portrait)
            if number == 0:
                if not painter.begin(printer):
                    raise UserError("The printer could not be started. Check that it is "
                                    "connected, or choose another one.")
            elif not printer.newPage():
                printer.abort()
                painter.end()
                raise UserError("The printer stopped before the last page.")
            _draw_page(painter, printer, document, page, points)
            if progress is not None:
                progress(number + 1, len(sheets))
        painter.end()
        return len(sheets)
    finally:
        document.close()
        buffer.close()


def _draw_page(painter: QPainter, printer: QPrinter, document: QPdfDocument, page: int,
               points: QSizeF) -> None:
    """Draw one page, centred and scaled to fit the printable area, in bands."""
    area = printer.pageRect(QPrinter.Unit.DevicePixel)
    if points.isEmpty() or area.isEmpty():
        return
    scale = min(area.width() / points.width(), area.height() / points.height())
    target = QRectF(0, 0, points.width() * scale, points.height() * scale)
    target.moveCenter(QPointF(area.width() / 2, area.height() / 2))
    # The image is rendered at the printer's resolution (capped), then drawn at its size.
    dpi = min(printer.resolution(), MAX_PRINT_DPI)
    ratio = dpi / printer.resolution()
    full = QSize(max(1, round(target.width() * ratio)), max(1, round(target.height() * ratio)))
    to_device = target.height() / full.height()
    for top in range(0, full.height(), BAND_PIXELS):
        rows = min(BAND_PIXELS, full.height() - top)
        options = QPdfDocumentRenderOptions()
        options.setScaledSize(full)
        options.setScaledClipRect(QRect(0, top, full.width(), rows))
        band = document.render(page, QSize(full.width(), rows), options)
        painter.drawImage(QRectF(target.x(), target.y() + top * to_device, target.width(),
                                 rows * to_device), _on_white(band))


def _on_white(image: QImage) -> QImage:
    """``image`` (transparent where the page has no background) flattened onto white paper,
    so the printer gets an opaque image (no alpha mask for the spooler to handle)."""
    opaque = QImage(image.size(), QImage.Format.Format_RGB32)
    opaque.fill(Qt.GlobalColor.white)
    painter = QPainter(opaque)
    painter.drawImage(0, 0, image)
    painter.end()
    return opaque


class PdfPreview(QWidget):
    """Shows a PDF held in memory, with page navigation, zoom, Print… and Save as….

    ``save_requested`` is emitted by Save as… (and Ctrl+S in the owning view): the owner
    decides how to save (one file, or one per person) and may call :meth:`save_as` for the
    usual single file. Printing runs on ``tasks`` (set by the owner) when there is one.
    :meth:`set_blocked` stops saving and printing while the owner knows the document shown
    is out of date.
    """

    save_requested = Signal()
    document_changed = Signal()
    printed = Signal(int, object)  # sheets printed, the context of the document printed

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tasks: TaskRunner | None = None
        self._data = b""
        self._name = "document.pdf"
        self._context: object = None
        self._blocked = ""
        self._buffer: QBuffer | None = None
        self.print_task: Task | None = None
        self.last_dir: Path | None = None

        self.document = QPdfDocument(self)
        self.view = QPdfView()
        self.view.setDocument(self.document)
        self.view.setPageMode(QPdfView.PageMode.MultiPage)
        self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        self.view.setPageSpacing(12)
        self.view.setAccessibleName("Document preview")
        self.navigator = self.view.pageNavigator()
        self.navigator.currentPageChanged.connect(self._on_navigator_current_page_changed)

        self.previous_button = QToolButton()
        self.previous_button.setArrowType(Qt.ArrowType.UpArrow)
        self.previous_button.setAutoRaise(True)
        self.previous_button.setToolTip("Previous page")
        self.previous_button.setAccessibleName("Previous page")
        self.previous_button.clicked.connect(self.previous_page)
        self.next_button = QToolButton()
        self.next_button.setArrowType(Qt.ArrowType.DownArrow)
        self.next_button.setAutoRaise(True)
        self.next_button.setToolTip("Next page")
        self.next_button.setAccessibleName("Next page")
        self.next_button.clicked.connect(self.next_page)
        self.page_spin = QSpinBox()
        self.page_spin.setRange(1, 1)
        self.page_spin.setAccessibleName("Page")
        self.page_spin.setKeyboardTracking(False)
        self.page_spin.valueChanged.connect(self._on_page_spin_value_changed)
        self.page_count_label = QLabel()
        self.page_count_label.setStyleSheet(MUTED_STYLE)

        self.zoom_out_button = QToolButton()
        self.zoom_out_button.setText("−")
        self.zoom_out_button.setAutoRaise(True)
        self.zoom_out_button.setToolTip("Zoom out")
        self.zoom_out_button.setAccessibleName("Zoom out")
        self.zoom_out_button.clicked.connect(self.zoom_out)
        self.zoom_combo = QComboBox()
        self.zoom_combo.setAccessibleName("Zoom")
        self.zoom_combo.addItem(FIT_WIDTH, 0.0)
        self.zoom_combo.addItem(FIT_PAGE, -1.0)
        for factor in ZOOM_STEPS:
            self.zoom_combo.addItem(f"{factor:.0%}", factor)
        self.zoom_combo.currentIndexChanged.connect(self._on_zoom_combo_current_index_changed)
        self.zoom_in_button = QToolButton()
        self.zoom_in_button.setText("+")
        self.zoom_in_button.setAutoRaise(True)
        self.zoom_in_button.setToolTip("Zoom in")
        self.zoom_in_button.setAccessibleName("Zoom in")
        self.zoom_in_button.clicked.connect(self.zoom_in)

        self.print_button = QPushButton("&Print…")
        self.print_button.clicked.connect(self.open_print_dialog)
        self.save_button = QPushButton("&Save as…")
        self.save_button.clicked.connect(self.save_requested)

        self.toolbar = QWidget()
        bar = QHBoxLayout(self.toolbar)
        bar.setContentsMargins(0, 0, 0, 0)
        bar.setSpacing(4)
        bar.addWidget(self.previous_button)
        bar.addWidget(self.next_button)
        bar.addWidget(QLabel("Page"))
        bar.addWidget(self.page_spin)
        bar.addWidget(self.page_count_label)
        bar.addSpacing(12)
        bar.addWidget(self.zoom_out_button)
        bar.addWidget(self.zoom_combo)
        bar.addWidget(self.zoom_in_button)
        bar.addStretch(1)
        bar.addWidget(self.print_button)
        bar.addWidget(self.save_button)

        self.placeholder = QLabel()
        self.placeholder.setWordWrap(True)
        self.placeholder.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.placeholder.setStyleSheet("color: #6B6B6B; font-size: 13pt; padding: 24px;")
        self.stack = QStackedWidget()
        self.stack.addWidget(self.placeholder)
        self.stack.addWidget(self.view)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(self.toolbar)
        layout.addWidget(self.stack, 1)
        self.clear("")

    # ------------------------------------------------------------------ the document

    @property
    def data(self) -> bytes:
        """The PDF shown (empty when none)."""
        return self._data

    @property
    def name(self) -> str:
        """The file name offered when saving."""
        return self._name

    def page_count(self) -> int:
        """How many pages the document shown has."""
        return self.document.pageCount() if self._data else 0

    @property
    def context(self) -> object:
        """What the owner said the document shown was made from (None without one)."""
        return self._context

    def has_document(self) -> bool:
        """Whether a document is shown."""
        return bool(self._data)

    def can_output(self) -> bool:
        """Whether the document shown may be saved or printed now."""
        return self.has_document() and not self._blocked

    def set_blocked(self, reason: str) -> None:
        """Refuse to save or print while ``reason`` is set (empty: allowed again); the
        reason is the buttons' tooltip."""
        self._blocked = reason
        self._update_actions()

    def set_pdf(self, data: bytes, name: str, context: object = None) -> bool:
        """Show the PDF ``data``, offered as ``name`` when saved, made from ``context``
        (handed back by ``printed``); False if it is unreadable (the placeholder then says
        so)."""
        self._release()
        self._buffer = load_pdf(self.document, data, self)
        if self.document.status() != QPdfDocument.Status.Ready:
            self._release()
            self._show_placeholder("This document could not be shown: it is not a "
                                   "readable PDF.")
            return False
        self._data = data
        self._name = name
        self._context = context
        self.stack.setCurrentWidget(self.view)
        self.page_spin.setRange(1, max(1, self.document.pageCount()))
        self.page_count_label.setText(f"of {self.document.pageCount():,}")
        self.go_to_page(0)
        self._apply_zoom()
        self._update_actions()
        self.document_changed.emit()
        return True

    def clear(self, message: str) -> None:
        """Show no document, and ``message`` where the pages would be."""
        self._release()
        self._show_placeholder(message)

    def _show_placeholder(self, message: str) -> None:
        self.placeholder.setText(message)
        self.stack.setCurrentWidget(self.placeholder)
        self.page_spin.setRange(1, 1)
        self.page_count_label.setText("")
        self._update_actions()
        self.document_changed.emit()

    def _release(self) -> None:
        """Close the document and let go of its buffer (its bytes leave memory with it)."""
        self.document.close()
        if self._buffer is not None:
            self._buffer.close()
            self._buffer.deleteLater()
            self._buffer = None
        self._data = b""
        self._context = None

    def _update_actions(self) -> None:
        has = self.has_document()
        self.toolbar.setVisible(has)
        pages = self.page_count()
        current = self.current_page()
        self.page_spin.setEnabled(pages > 1)
        self.previous_button.setEnabled(has and current > 0)
        self.next_button.setEnabled(has and current < pages - 1)
        for widget in (self.zoom_out_button, self.zoom_combo, self.zoom_in_button):
            widget.setEnabled(has)
        self.print_button.setEnabled(self.can_output() and self.print_task is None)
        self.save_button.setEnabled(self.can_output())
        self.print_button.setToolTip(self._blocked or "Print the pages shown (Ctrl+P)")
        self.save_button.setToolTip(self._blocked or "Save the document as a PDF file (Ctrl+S)")

    # ------------------------------------------------------------------ navigation

    def current_page(self) -> int:
        """The page shown (0-based)."""
        return self.navigator.currentPage() if self.has_document() else 0

    def go_to_page(self, page: int) -> None:
        """Scroll to ``page`` (0-based, clamped)."""
        if not self.has_document():
            return
        page = min(max(page, 0), self.page_count() - 1)
        self.navigator.jump(page, QPointF(), self.navigator.currentZoom())
        self._show_page_number(page)

    def previous_page(self) -> None:
        """The page before."""
        self.go_to_page(self.current_page() - 1)

    def next_page(self) -> None:
        """The page after."""
        self.go_to_page(self.current_page() + 1)

    def _show_page_number(self, page: int) -> None:
        self.page_spin.blockSignals(True)
        self.page_spin.setValue(page + 1)
        self.page_spin.blockSignals(False)
        self._update_actions()

    def _on_navigator_current_page_changed(self, page: int) -> None:
        self._show_page_number(page)

    def _on_page_spin_value_changed(self, value: int) -> None:
        self.go_to_page(value - 1)

    # ------------------------------------------------------------------ zoom

    def zoom_factor(self) -> float:
        """The zoom applied now (1.0 is actual size)."""
        return float(self.view.zoomFactor())

    def set_zoom(self, factor: float) -> None:
        """Zoom to ``factor`` (0 fits the width, -1 the whole page)."""
        index = self.zoom_combo.findData(factor)
        if index < 0:
            self.zoom_combo.addItem(f"{factor:.0%}", factor)
            index = self.zoom_combo.count() - 1
        self.zoom_combo.setCurrentIndex(index)
        self._apply_zoom()

    def zoom_in(self) -> None:
        """The next larger zoom step."""
        current = self._effective_zoom()
        self.set_zoom(next((f for f in ZOOM_STEPS if f > current + 0.01), ZOOM_STEPS[-1]))

    def zoom_out(self) -> None:
        """The next smaller zoom step."""
        current = self._effective_zoom()
        self.set_zoom(next((f for f in reversed(ZOOM_STEPS) if f < current - 0.01),
                           ZOOM_STEPS[0]))

    def _effective_zoom(self) -> float:
        """The zoom as a factor, also in a fit mode (what the page is drawn at)."""
        if self.view.zoomMode() == QPdfView.ZoomMode.Custom or not self.has_document():
            return self.zoom_factor()
        # In a fit mode the factor is computed by the view from the page and viewport.
        points = self.document.pagePointSize(self.current_page())
        dpi = self.view.logicalDpiX() / 72
        viewport = self.view.viewport().size()
        margins = self.view.documentMargins()
        width = (viewport.width() - margins.left() - margins.right()) / (points.width() * dpi)
        if self.view.zoomMode() == QPdfView.ZoomMode.FitToWidth:
            return float(width)
        height = (viewport.height() - margins.top() - margins.bottom()) / (
            points.height() * dpi)
        return float(min(width, height))

    def _apply_zoom(self) -> None:
        factor = float(self.zoom_combo.currentData())
        if factor == 0:
            self.view.setZoomMode(QPdfView.ZoomMode.FitToWidth)
        elif factor < 0:
            self.view.setZoomMode(QPdfView.ZoomMode.FitInView)
        else:
            self.view.setZoomMode(QPdfView.ZoomMode.Custom)
            self.view.setZoomFactor(factor)

    def _on_zoom_combo_current_index_changed(self) -> None:
        self._apply_zoom()

    # ------------------------------------------------------------------ saving

    def save_as(self, start_dir: Path, *, title: str = "Save as PDF") -> Path | None:
        """Ask where to save the document shown and write it there (atomically, owner-only);
        the path written, or None if cancelled or it failed (the failure is explained)."""
        from mentordesk.services.documents import save_pdf

        if not self.can_output():
            return None
        folder = self.last_dir or start_dir
        path = prompts.choose_pdf_path(self, title, folder / self._name)
        if path is None:
            return None
        try:
            save_pdf(path, self._data)
        except UserError as exc:
            prompts.show_error(self, title, exc.message)
            return None
        self.last_dir = path.parent
        return path

    # ------------------------------------------------------------------ printing

    def make_printer(self) -> QPrinter:
        """A printer at high resolution, on the document's paper size and orientation."""
        printer = QPrinter(QPrinter.PrinterMode.HighResolution)
        printer.setDocName(Path(self._name).stem)
        if self.has_document():
            points = self.document.pagePointSize(0)
            if points.width() > points.height():
                printer.setPageOrientation(QPageLayout.Orientation.Landscape)
        return printer

    def open_print_dialog(self) -> Task | None:
        """Ask for the printer and pages, then print them (in the background when the
        owner gave a task runner); the task, or None if cancelled or done already."""
        if not self.can_output() or self.print_task is not None:
            return None
        printer = self.make_printer()
        dialog = QPrintDialog(printer, self)
        dialog.setWindowTitle("Print")
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintPageRange, True)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCurrentPage, True)
        # Save as… writes PDFs owner-only and atomically; Qt's file output would not.
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintToFile, False)
        dialog.setOption(QAbstractPrintDialog.PrintDialogOption.PrintCollateCopies, True)
        dialog.setMinMax(1, self.page_count())
        dialog.setFromTo(1, self.page_count())
        try:
            if dialog.exec() != QPrintDialog.DialogCode.Accepted:
                return None
        finally:
            dialog.deleteLater()
        return self.print_to(printer)

    def print_to(self, printer: QPrinter) -> Task | None:
        """Print the pages ``printer``'s range names (all by default)."""
        if not self.can_output() or self.print_task is not None:
            return None
        pages = page_numbers(printer, self.page_count(), self.current_page())
        data, context = self._data, self._context
        if self.tasks is None:
            try:
                sheets = print_pdf(printer, data, pages)
            except UserError as exc:
                prompts.show_error(self, "Print", exc.message)
                return None
            self._on_printed(context, sheets)
            return None

        def work(progress: Progress, cancelled: Cancelled) -> int:
            return print_pdf(printer, data, pages, progress=progress, cancelled=cancelled)

        # The printer is kept alive by the work's closure until the task ends.
        task = self.tasks.run(f"Printing {plural(len(pages), 'page')}…", work,
                              on_done=partial(self._on_printed, context),
                              on_failed=self._on_print_failed)
        task.ended.connect(self._on_print_task_ended)
        self.print_task = task
        self._update_actions()
        return task

    def _on_printed(self, context: object, sheets: int) -> None:
        self.printed.emit(sheets, context)

    def _on_print_failed(self, exc: BaseException) -> None:
        if isinstance(exc, UserError):
            prompts.show_error(self, "Print", exc.message)
        else:
            import sys

            sys.excepthook(type(exc), exc, exc.__traceback__)

    def _on_print_task_ended(self) -> None:
        self.print_task = None
        self._update_actions()

