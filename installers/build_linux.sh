#!/usr/bin/env bash
# Build the Linux one-folder bundle (dist/mentordesk/), smoke-test it, pack it as
# dist/mentordesk-<version>-linux-<arch>.tar.gz, then install that archive the way a user
# would (install.sh into a scratch prefix), smoke-test the installed program and uninstall.
# Run from anywhere; needs the [build] extra:   .venv/bin/pip install -e ".[build]"
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-.venv/bin/python}
bundle=dist/mentordesk

"$PYTHON" -m PyInstaller --noconfirm --clean --distpath dist --workpath build \
    installers/mentordesk.spec

echo "--- stripping debugging symbols"
# Not the libraries auditwheel vendored into <package>.libs/ folders (numpy.libs, ...):
# patchelf rewrote them, and binutils' strip then leaves them unloadable ("ELF load command
# address/offset not page-aligned"). OR-tools' own ortools/.libs strips cleanly.
find "$bundle" -type f -name '*.so*' -not -regex '.*/[^/]+\.libs/.*' \
    -exec strip --strip-unneeded {} +

# The menu entry and its installer sit beside the program (installers/linux/install.sh).
cp -p installers/linux/install.sh installers/linux/mentordesk.desktop "$bundle/"

echo "--- frozen smoke test"
time "$bundle/mentordesk" --smoke-test
if command -v xvfb-run >/dev/null 2>&1; then
  echo "--- frozen smoke test on an X server (Xvfb: Qt's xcb platform, as on a desktop)"
  env -u QT_QPA_PLATFORM xvfb-run -a "$bundle/mentordesk" --smoke-test
fi

version=$("$PYTHON" -c 'import mentordesk; print(mentordesk.__version__)')
archive="dist/mentordesk-${version}-linux-$(uname -m).tar.gz"
tar -C dist -czf "$archive" mentordesk

echo "--- install from the archive, run, uninstall"
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
tar -C "$scratch" -xzf "$archive"
HOME="$scratch/home" "$scratch/mentordesk/install.sh" --prefix "$scratch/prefix"
HOME="$scratch/home" "$scratch/prefix/bin/mentordesk" --smoke-test | tail -n 1
HOME="$scratch/home" "$scratch/prefix/lib/mentordesk/install.sh" --prefix "$scratch/prefix" \
    --uninstall
left=$(find "$scratch/prefix" -type f | wc -l)
if [ "$left" -ne 0 ]; then
  echo "uninstall left $left files in $scratch/prefix" >&2
  exit 1
fi

echo "--- sizes"
du -sh "$bundle"
du -h "$archive"
du -sh "$bundle"/_internal/* | sort -h | tail -n 6
