#!/usr/bin/env bash
# Assemble dist/MentorDesk.AppDir from the PyInstaller bundle dist/mentordesk/ (made by
# installers/build_linux.sh) and, when appimagetool is available, pack it as
# dist/MentorDesk-<version>-<arch>.AppImage.
#
#   installers/linux/build_appimage.sh [--dist DIR]
#
# --dist DIR (or DIST_DIR=DIR): the folder holding mentordesk/ and receiving the results.
# APPIMAGETOOL: the appimagetool to run (default: appimagetool on PATH).
# VERSION, ARCH: override the version (mentordesk/__init__.py) and architecture (uname -m).
#
# AppDir layout: AppRun (runs usr/lib/mentordesk/mentordesk "$@"), mentordesk.desktop
# (Exec=mentordesk), mentordesk.png (256 px) and .DirIcon, usr/lib/mentordesk/ (the bundle),
# usr/share/applications/ and usr/share/icons/hicolor/.
set -euo pipefail

here=$(cd -- "$(dirname -- "$0")" && pwd)
root=$(cd -- "$here/../.." && pwd)
dist=${DIST_DIR:-$root/dist}

die() {
  printf 'build_appimage.sh: error: %s\n' "$*" >&2
  exit 1
}

while [ $# -gt 0 ]; do
  case "$1" in
    --dist)
      if [ $# -lt 2 ] || [ -z "$2" ]; then die "--dist needs a folder"; fi
      dist=$2
      shift
      ;;
    -h | --help)
      sed -n '2,15s/^# \{0,1\}//p' "$0"
      exit 0
      ;;
    *) die "unknown option: $1 (see --help)" ;;
  esac
  shift
done

bundle=$dist/mentordesk
if [ ! -f "$bundle/mentordesk" ] || [ ! -x "$bundle/mentordesk" ]; then
  die "no PyInstaller bundle at $bundle (run installers/build_linux.sh first)"
fi
icons=""
for dir in "$bundle/_internal/resources/icons" "$bundle/resources/icons"; do
  if [ -d "$dir" ]; then icons=$dir; break; fi
done
[ -n "$icons" ] || die "no icons in $bundle (expected _internal/resources/icons/)"
[ -f "$icons/mentordesk-256.png" ] || die "no 256 px icon: $icons/mentordesk-256.png"

version=${VERSION:-$(sed -n 's/^__version__ = "\(.*\)"$/\1/p' "$root/mentordesk/__init__.py")}
[ -n "$version" ] || die "cannot read __version__ from $root/mentordesk/__init__.py; set VERSION"
arch=${ARCH:-$(uname -m)}

appdir=$dist/MentorDesk.AppDir
rm -rf -- "$appdir"
mkdir -p -- "$appdir/usr/lib" "$appdir/usr/share/applications" "$appdir/usr/share/icons/hicolor"

cp -R -- "$bundle" "$appdir/usr/lib/mentordesk"
# The tarball's installer has no place inside an AppImage.
rm -f -- "$appdir/usr/lib/mentordesk/install.sh" "$appdir/usr/lib/mentordesk/mentordesk.desktop" \
  "$appdir/usr/lib/mentordesk/.install-manifest"

install -m 755 -- "$here/AppRun" "$appdir/AppRun"

# The menu entry: Exec is the AppImage's own name for the program, resolved by AppRun.
while IFS= read -r line || [ -n "$line" ]; do
  case "$line" in
    Exec=*) printf 'Exec=mentordesk\n' ;;
    TryExec=*) ;;
    '#'*) ;;
    *) printf '%s\n' "$line" ;;
  esac
done <"$here/mentordesk.desktop" >"$appdir/mentordesk.desktop"
printf 'X-AppImage-Version=%s\n' "$version" >>"$appdir/mentordesk.desktop"
cp -- "$appdir/mentordesk.desktop" "$appdir/usr/share/applications/mentordesk.desktop"
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$appdir/mentordesk.desktop" || die "the AppDir's menu entry is not valid"
fi

if [ -d "$icons/hicolor" ]; then
  cp -R -- "$icons/hicolor/." "$appdir/usr/share/icons/hicolor/"
else
  mkdir -p -- "$appdir/usr/share/icons/hicolor/256x256/apps"
  cp -- "$icons/mentordesk-256.png" "$appdir/usr/share/icons/hicolor/256x256/apps/mentordesk.png"
fi
if [ -f "$icons/mentordesk.svg" ]; then
  mkdir -p -- "$appdir/usr/share/icons/hicolor/scalable/apps"
  cp -- "$icons/mentordesk.svg" "$appdir/usr/share/icons/hicolor/scalable/apps/mentordesk.svg"
fi
cp -- "$icons/mentordesk-256.png" "$appdir/mentordesk.png"
ln -s mentordesk.png "$appdir/.DirIcon"

echo "AppDir: $appdir (try: $appdir/AppRun --smoke-test)"

tool=${APPIMAGETOOL:-appimagetool}
if ! command -v "$tool" >/dev/null 2>&1; then
  cat >&2 <<EOF
appimagetool was not found, so no .AppImage was made; the AppDir above is complete.
appimagetool is not on PyPI or in Debian: download appimagetool-$arch.AppImage from
https://github.com/AppImage/appimagetool/releases, make it executable, and run this again
with it on PATH or with APPIMAGETOOL=/path/to/appimagetool-$arch.AppImage.
EOF
  exit 0
fi
out=$dist/MentorDesk-$version-$arch.AppImage
ARCH=$arch "$tool" "$appdir" "$out"
echo "AppImage: $out"
