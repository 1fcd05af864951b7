"""Guard against the PySide6 build that corrupts None's reference count.

PySide6 6.12.0 on Python 3.11 drops a reference to ``None`` every time a Qt call returns
an empty value (``super().headerData(...)`` in a table model does, thousands of times a
session). After a few thousand calls the interpreter dies with "Fatal Python error:
none_dealloc", often at exit. Python 3.12+ makes None immortal and hides the bug.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

CALLS = 20_000

_PROBE = textwrap.dedent(f"""
    import sys
    from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSettings, Qt
    from PySide6.QtWidgets import QApplication

    class Model(QAbstractTableModel):
        def rowCount(self, parent=QModelIndex()):
            return 0
        def columnCount(self, parent=QModelIndex()):
            return 1
        def data(self, index, role=Qt.ItemDataRole.DisplayRole):
            return None
        def headerData(self, section, orientation, role=Qt.ItemDataRole.DisplayRole):
            return super().headerData(section, orientation, role)

    app = QApplication([])
    model = Model()
    settings = QSettings("MentorDesk-test", "refcount-probe")
    before = sys.getrefcount(None)
    for i in range({CALLS}):
        model.headerData(0, Qt.Orientation.Horizontal, Qt.ItemDataRole.ToolTipRole)
        settings.value("missing-key")
    after = sys.getrefcount(None)
    print(before - after)
""")


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="None is immortal on Python 3.12+")
def test_empty_qt_returns_do_not_drop_references_to_none() -> None:
    result = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                            timeout=120, env={**__import__("os").environ,
                                              "QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr[-2000:]
    lost = int(result.stdout.strip().splitlines()[-1])
    # A healthy build loses none; the broken one loses one per call (tens of thousands).
    assert lost < 100, f"PySide6 dropped {lost} references to None in {2 * CALLS} calls"
