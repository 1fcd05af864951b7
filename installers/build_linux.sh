#!/usr/bin/env bash
# Build the Linux one-folder bundle (dist/mentordesk/), smoke-test it, and pack it as
# dist/mentordesk-<version>-linux-<arch>.tar.gz. Run from anywhere; needs the [build] extra:
#   .venv/bin/pip install -e ".[build]"
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}

"$PYTHON" -m PyInstaller --noconfirm --clean --distpath dist --workpath build \
    installers/mentordesk.spec

echo "--- stripping debugging symbols"
# Not the libraries auditwheel vendored into <package>.libs/ folders (numpy.libs, ...):
# patchelf rewrote them, and binutils' strip then leaves them unloadable ("ELF load command
# address/offset not page-aligned"). OR-tools' own ortools/.libs strips cleanly.
find dist/mentordesk -type f -name '*.so*' -not -regex '.*/[^/]+\.libs/.*' \
    -exec strip --strip-unneeded {} +

echo "--- frozen smoke test"
time dist/mentordesk/mentordesk --smoke-test

version=$("$PYTHON" -c 'import mentordesk; print(mentordesk.__version__)')
archive="dist/mentordesk-${version}-linux-$(uname -m).tar.gz"
tar -C dist -czf "$archive" mentordesk
echo "--- sizes"
du -sh dist/mentordesk
du -h "$archive"
