#!/usr/bin/env bash
# Install the system packages MentorDesk needs on Debian/Ubuntu, only when missing:
# Python's venv module, and the libraries Qt loads (also for headless tests).
# Safe to run again; does nothing on a machine that already has everything.
# With --bundle, also what building and checking the PyInstaller bundle needs.
set -euo pipefail

PYTHON=${PYTHON:-python3}
packages=()

if ! "$PYTHON" -c "import venv, ensurepip" >/dev/null 2>&1; then
  ver=$("$PYTHON" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")' 2>/dev/null || echo 3)
  packages+=("python${ver}-venv")
fi

# grep reads all its input (no -q): with pipefail, a grep -q that stops at the first match
# makes the writer die of SIGPIPE, and the pipeline then fails although the match was found.
have_lib() { ldconfig -p 2>/dev/null | grep -F "$1" >/dev/null; }
# Qt's offscreen and xcb platforms, fonts and the libraries PySide6's wheels expect.
declare -A libs=(
  [libEGL.so.1]=libegl1 [libGL.so.1]=libgl1 [libxkbcommon.so.0]=libxkbcommon0
  [libfontconfig.so.1]=libfontconfig1 [libdbus-1.so.3]=libdbus-1-3
  [libglib-2.0.so.0]=libglib2.0-0 [libxkbcommon-x11.so.0]=libxkbcommon-x11-0
  [libxcb-cursor.so.0]=libxcb-cursor0 [libxcb-icccm.so.4]=libxcb-icccm4
  [libxcb-keysyms.so.1]=libxcb-keysyms1 [libxcb-image.so.0]=libxcb-image0
  [libxcb-randr.so.0]=libxcb-randr0 [libxcb-render-util.so.0]=libxcb-render-util0
  [libxcb-shape.so.0]=libxcb-shape0 [libxcb-xfixes.so.0]=libxcb-xfixes0
  [libxcb-xkb.so.1]=libxcb-xkb1 [libX11-xcb.so.1]=libx11-xcb1
)
for lib in "${!libs[@]}"; do
  have_lib "$lib" || packages+=("${libs[$lib]}")
done
fc-list 2>/dev/null | grep -i dejavu >/dev/null || packages+=(fonts-dejavu-core)
# The printed documents' tests check PDFs with independent tools: qpdf --check, and
# poppler's pdftotext (text and fonts) and pdftoppm (pages rendered to images).
command -v qpdf >/dev/null 2>&1 || packages+=(qpdf)
command -v pdftotext >/dev/null 2>&1 && command -v pdftoppm >/dev/null 2>&1 \
  || packages+=(poppler-utils)
# The Linux installer's tests: the menu entry checked by desktop-file-validate, and the
# shell scripts under installers/linux/ by shellcheck.
command -v desktop-file-validate >/dev/null 2>&1 || packages+=(desktop-file-utils)
command -v shellcheck >/dev/null 2>&1 || packages+=(shellcheck)
# --bundle (make bundle): binutils' strip and readelf for the bundle, and an X server
# (Xvfb) to smoke-test the frozen app on Qt's xcb platform as a desktop runs it.
if [ "${1:-}" = "--bundle" ]; then
  command -v strip >/dev/null 2>&1 && command -v readelf >/dev/null 2>&1 || packages+=(binutils)
  command -v xvfb-run >/dev/null 2>&1 || packages+=(xvfb xauth)
fi

if [ "${#packages[@]}" -eq 0 ]; then
  exit 0
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "MentorDesk needs these system packages (names as on Debian/Ubuntu): ${packages[*]}" >&2
  echo "Install their equivalents with your package manager, then run this again." >&2
  exit 1
fi
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
echo "Installing system packages: ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
# A repository that cannot be reached (an unrelated one, say) should not stop the install:
# apt then uses the package lists it already has.
$SUDO apt-get update -qq || echo "apt-get update failed for some repositories; using the package lists already here" >&2
$SUDO apt-get install -y -qq --no-install-recommends "${packages[@]}" >/dev/null
