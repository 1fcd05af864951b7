#!/usr/bin/env bash
# Build the Linux one-folder bundle (dist/mentordesk/), smoke-test it, and pack it as
# dist/mentordesk-<version>-linux-<arch>.tar.gz. Run from anywhere; needs the [build] extra:
#   .venv/bin/pip install -e ".[build]"
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}

"$PYTHON" -m PyInstaller --noconfirm --clean --distpath dist --workpath build \
    installers/mentordesk.spec

echo "--- frozen smoke test"
time dist/mentordesk/mentordesk --smoke-test

version=$("$PYTHON" -c 'import mentordesk; print(mentordesk.__version__)')
archive="dist/mentordesk-${version}-linux-$(uname -m).tar.gz"
tar -C dist -czf "$archive" mentordesk
echo "--- sizes"
du -sh dist/mentordesk
du -h "$archive"
