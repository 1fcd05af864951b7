"""The core (models, services, db, paths, errors, cli) must work without Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import mentordesk
import mentordesk.services


def test_core_imports_without_pyside6() -> None:
    services = [m.name for m in pkgutil.walk_packages(mentordesk.services.__path__,
                                                      "mentordesk.services.")]
    cli = [m.name for m in pkgutil.iter_modules(mentordesk.__path__, "mentordesk.")
           if m.name.startswith("mentordesk.cli")]
    modules = ["mentordesk.models", "mentordesk.db", "mentordesk.paths", "mentordesk.errors",
               *cli, *services]
    code = (
        "import importlib, sys\n"
        f"for name in {modules!r}:\n"
        "    importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            check=True)
    assert "mentordesk.services.documents.certificates" in services
    assert "mentordesk.cli_documents" in cli
    assert result.stdout.strip() == "", f"Qt imported by the core: {result.stdout}"


def test_models_and_services_never_import_ui() -> None:
    from pathlib import Path

    root = Path(mentordesk.services.__file__).parent.parent
    offenders = []
    for folder in ("models", "services"):
        for path in (root / folder).rglob("*.py"):
            text = path.read_text(encoding="utf-8")
            if "PySide6" in text or "mentordesk.ui" in text or "mentordesk.app" in text:
                offenders.append(str(path.relative_to(root)))
    assert offenders == []
