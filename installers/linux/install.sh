#!/usr/bin/env bash
# Install (or uninstall) the MentorDesk bundle this script sits in: a menu entry, icons and a
# `mentordesk` command. Run it from the unpacked folder:  ./install.sh [--help]
#
# Needs, next to this script: the `mentordesk` executable, `mentordesk.desktop` (the menu
# entry's template) and `_internal/resources/icons/` (PyInstaller's data folder).
# The user's data (~/.local/share/MentorDesk, or $MENTORDESK_DATA_DIR) is never touched.
set -euo pipefail

usage() {
  cat <<'EOF'
Usage: ./install.sh [--system | --prefix DIR] [--move] [--uninstall]

Installs the MentorDesk folder this script is in, with a menu entry, icons and a
`mentordesk` command. Installing again over an existing install upgrades it: the program
folder is replaced as a whole, so nothing from the previous version is left behind.

Where things go:
  (default, this user only, no root needed)
    program   ~/.local/opt/mentordesk/
    command   ~/.local/bin/mentordesk (a link to the program)
    menu      $XDG_DATA_HOME/applications/mentordesk.desktop  (~/.local/share/...)
    icons     $XDG_DATA_HOME/icons/hicolor/<size>/apps/mentordesk.png and scalable/.svg
  --system    for every user, as root: /opt/mentordesk, /usr/local/bin,
              /usr/share/applications, /usr/share/icons
  --prefix DIR
              DIR/lib/mentordesk, DIR/bin, DIR/share/applications, DIR/share/icons
              (for packagers and tests; DESTDIR=/staging is honoured as usual)

Options:
  --move       move this folder into place instead of copying it
  --uninstall  remove exactly what an install with the same options installed (listed in
               the program folder's .install-manifest); your data is kept
  -h, --help   show this help

Your data (database, backups, logs) lives in ~/.local/share/MentorDesk, or in
$MENTORDESK_DATA_DIR when that is set; install and uninstall never touch it.
EOF
}

die() {
  printf 'install.sh: error: %s\n' "$*" >&2
  exit 1
}

note() {
  printf '%s\n' "$*"
}

# The canonical absolute form of an existing directory.
real_dir() {
  (cd -P -- "$1" 2>/dev/null && pwd)
}

lower() {
  printf '%s' "$1" | tr '[:upper:]' '[:lower:]'
}

# True when path $1 is $2 or inside it (compared case-insensitively, for case-insensitive
# file systems: the program and data folders must never overlap).
inside() {
  local a b
  a=$(lower "${1%/}")
  b=$(lower "${2%/}")
  [ "$a" = "$b" ] || case "$a" in "$b"/*) true ;; *) false ;; esac
}

# Where the user's data lives (mentordesk/paths.py: platformdirs.user_data_dir).
data_dir() {
  if [ -n "${MENTORDESK_DATA_DIR:-}" ]; then
    printf '%s' "$MENTORDESK_DATA_DIR"
  else
    printf '%s/MentorDesk' "$(xdg_data_home)"
  fi
}

xdg_data_home() {
  # The XDG spec: a relative XDG_DATA_HOME is invalid and ignored.
  case "${XDG_DATA_HOME:-}" in
    /*) printf '%s' "${XDG_DATA_HOME%/}" ;;
    *) printf '%s/.local/share' "$HOME" ;;
  esac
}

# The .desktop file's Exec value for an absolute program path (Desktop Entry spec,
# "The Exec key": arguments with reserved characters are double-quoted).
exec_value() {
  case "$1" in
    *[\"\`\$\\%]* | *$'\n'*) die "cannot make a menu entry for a path containing \" \` \$ \\ % or a newline: $1" ;;
    *[[:space:]\'\>\<~\|\&\;\*\?\#\(\)]*) printf '"%s"' "$1" ;;
    *) printf '%s' "$1" ;;
  esac
}

# Copy the template to $2 with Exec= and TryExec= pointing at the program $1.
write_desktop_file() {
  local program=$1 out=$2 line
  {
    while IFS= read -r line || [ -n "$line" ]; do
      case "$line" in
        Exec=*) printf 'Exec=%s\n' "$(exec_value "$program")" ;;
        TryExec=*) printf 'TryExec=%s\n' "$program" ;;
        *) printf '%s\n' "$line" ;;
      esac
    done <"$TEMPLATE"
  } >"$out"
  chmod 644 "$out"
}

# The bundle's icon folder: PyInstaller 6 puts data in _internal/, older ones beside the exe.
find_icons() {
  local dir
  for dir in "$1/_internal/resources/icons" "$1/resources/icons"; do
    if [ -d "$dir" ]; then
      printf '%s' "$dir"
      return 0
    fi
  done
  return 1
}

# Lines "<size dir> <source file>" for every icon to install from icon folder $1.
icon_list() {
  local src=$1 png size
  if [ -d "$src/hicolor" ]; then
    for png in "$src"/hicolor/*/apps/mentordesk.png; do
      [ -f "$png" ] || continue
      size=${png#"$src/hicolor/"}
      size=${size%%/*}
      printf '%s %s\n' "$size" "$png"
    done
  else
    # Bundles built before resources/icons/hicolor existed.
    for size in 32 256; do
      [ -f "$src/mentordesk-$size.png" ] && printf '%sx%s %s\n' "$size" "$size" "$src/mentordesk-$size.png"
    done
  fi
  [ -f "$src/mentordesk.svg" ] && printf 'scalable %s\n' "$src/mentordesk.svg"
  return 0
}

# Refresh the desktop's caches; each tool is optional and its failure is not ours.
refresh_caches() {
  [ -z "$DESTDIR" ] || return 0
  # A per-user cache that nobody updates hides what is installed later, so refresh only
  # caches that already exist (as the system folders' do). Ours has no MimeType anyway.
  if [ -f "$APPS_DIR/mimeinfo.cache" ] && command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$APPS_DIR" 2>/dev/null || true
  fi
  if [ -f "$ICONS_DIR/icon-theme.cache" ] && command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t -f "$ICONS_DIR" 2>/dev/null || true
  fi
  touch "$ICONS_DIR" 2>/dev/null || true
  if command -v xdg-desktop-menu >/dev/null 2>&1; then
    xdg-desktop-menu forceupdate 2>/dev/null || true
  fi
}

# Remove the files listed in manifest $1 (except the program folder), refusing anything
# outside the folders this script installs into.
remove_listed_files() {
  local path
  while IFS= read -r path || [ -n "$path" ]; do
    case "$path" in
      '' | '#'*) continue ;;
      "$PROGRAM_DIR") continue ;;
      "$BIN_DIR"/* | "$APPS_DIR"/* | "$ICONS_DIR"/*)
        if [ -L "$DESTDIR$path" ] || [ -f "$DESTDIR$path" ]; then
          rm -f -- "$DESTDIR$path"
          note "removed $DESTDIR$path"
        fi
        case "$path" in
          "$ICONS_DIR"/*/apps/*)
            # The size folders this install may have created, when nothing else is in them.
            rmdir -- "$(dirname -- "$DESTDIR$path")" 2>/dev/null || true
            rmdir -- "$(dirname -- "$(dirname -- "$DESTDIR$path")")" 2>/dev/null || true
            ;;
        esac
        ;;
      *) printf 'install.sh: warning: not removing %s (not a place this script installs to)\n' "$path" >&2 ;;
    esac
  done <"$1"
}

# True when $1 is a directory a previous run of this script installed (or an empty one).
looks_like_ours() {
  [ -f "$1/.install-manifest" ] || [ -x "$1/mentordesk" ] || [ -z "$(ls -A -- "$1")" ]
}

uninstall() {
  local target=$DESTDIR$PROGRAM_DIR
  [ -d "$target" ] || die "no MentorDesk install found in $target (give the same --system or --prefix as when installing)"
  [ -f "$target/.install-manifest" ] \
    || die "$target has no .install-manifest, so it was not installed by this script; not removing anything"
  remove_listed_files "$target/.install-manifest"
  rm -rf -- "$target"
  note "removed $target"
  refresh_caches
  note ""
  note "MentorDesk is uninstalled."
  if [ "$MODE" = user ]; then
    note "Your data was kept: $(data_dir)"
  else
    note "Each user's data was kept (in ~/.local/share/MentorDesk, or \$MENTORDESK_DATA_DIR)."
  fi
}

install() {
  local bundle icons stage old manifest size src dest desktop here
  here=$(real_dir "$SCRIPT_DIR") || die "cannot find the folder this script is in"
  bundle=$here
  if [ ! -f "$bundle/mentordesk" ] || [ ! -x "$bundle/mentordesk" ]; then
    die "$bundle is not a MentorDesk bundle: there is no executable 'mentordesk' next to install.sh (run the install.sh inside the unpacked mentordesk folder)"
  fi
  [ -f "$TEMPLATE" ] || die "the menu entry's template is missing: $TEMPLATE"
  icons=$(find_icons "$bundle") || die "no icons in $bundle (expected _internal/resources/icons/)"

  if inside "$PROGRAM_DIR" "$(data_dir)" || inside "$(data_dir)" "$PROGRAM_DIR"; then
    die "the program folder $PROGRAM_DIR and your data folder $(data_dir) overlap; choose another --prefix"
  fi

  local target=$DESTDIR$PROGRAM_DIR in_place=false
  if [ -d "$target" ] && [ "$(real_dir "$target")" = "$bundle" ]; then
    in_place=true  # run from the installed copy: refresh the menu entry, icons and link
  elif inside "$target" "$bundle" || inside "$bundle" "$target"; then
    die "cannot install $bundle into $target: one is inside the other"
  fi
  if [ -e "$target" ] && ! $in_place; then
    if ! { [ -d "$target" ] && looks_like_ours "$target"; }; then
      die "$target exists and is not a MentorDesk install; move it away first"
    fi
  fi
  if [ -e "$DESTDIR$BIN_DIR/mentordesk" ] && [ ! -L "$DESTDIR$BIN_DIR/mentordesk" ]; then
    die "$DESTDIR$BIN_DIR/mentordesk exists and is not a link made by this script (perhaps a pip install); remove it first"
  fi

  mkdir -p -- "$(dirname -- "$target")" "$DESTDIR$BIN_DIR" "$DESTDIR$APPS_DIR" "$DESTDIR$ICONS_DIR" \
    || die "cannot create the install folders (for --system, run as root: sudo ./install.sh --system)"

  if ! $in_place; then
    # Stage the new version beside the old one, then swap, so a failed copy (a full disk)
    # leaves the previous install working and an upgrade leaves no stale files.
    stage=$(dirname -- "$target")/.mentordesk-new.$$
    old=$(dirname -- "$target")/.mentordesk-old.$$
    if $MOVE; then
      mv -- "$bundle" "$stage" || die "cannot move $bundle to $stage"
      trap 'if [ -d "$stage" ] && [ ! -e "$bundle" ]; then mv -- "$stage" "$bundle"; fi' EXIT
    else
      trap 'rm -rf -- "$stage"' EXIT
      # -R keeps symbolic links as links and, run as root, makes root the owner.
      cp -R -- "$bundle" "$stage" || die "cannot copy $bundle to $stage (is the disk full?)"
    fi
    rm -f -- "$stage/.install-manifest"
    if [ "$MODE" = system ] && [ "$(id -u)" -eq 0 ]; then
      chown -R 0:0 -- "$stage"  # a moved folder still belongs to whoever unpacked it
    fi
    # Readable by everyone, writable only by the owner, whatever the unpacking umask was.
    chmod -R u+rwX,go+rX,go-w -- "$stage"
    if [ -f "$target/.install-manifest" ]; then
      remove_listed_files "$target/.install-manifest" >/dev/null
    fi
    if [ -e "$target" ]; then
      mv -- "$target" "$old" || die "cannot move the previous install $target aside"
    fi
    if ! mv -- "$stage" "$target"; then
      [ -e "$old" ] && mv -- "$old" "$target"
      die "cannot move the new version into $target"
    fi
    trap - EXIT
    rm -rf -- "$old"
    icons=$(find_icons "$target")
    TEMPLATE=$target/mentordesk.desktop  # the bundle's own copy may have moved with it
  elif [ -f "$target/.install-manifest" ]; then
    remove_listed_files "$target/.install-manifest" >/dev/null
  fi

  manifest=$target/.install-manifest.tmp
  printf '%s\n' "# Installed by MentorDesk's install.sh; read by install.sh --uninstall." \
    "$PROGRAM_DIR" >"$manifest"

  ln -sfn -- "$PROGRAM_DIR/mentordesk" "$DESTDIR$BIN_DIR/mentordesk"
  printf '%s\n' "$BIN_DIR/mentordesk" >>"$manifest"

  desktop=$APPS_DIR/mentordesk.desktop
  write_desktop_file "$PROGRAM_DIR/mentordesk" "$DESTDIR$desktop"
  printf '%s\n' "$desktop" >>"$manifest"

  while read -r size src; do
    case "$size" in scalable) dest=$ICONS_DIR/scalable/apps/mentordesk.svg ;;
      *) dest=$ICONS_DIR/$size/apps/mentordesk.png ;; esac
    mkdir -p -- "$(dirname -- "$DESTDIR$dest")"
    cp -- "$src" "$DESTDIR$dest"
    chmod 644 "$DESTDIR$dest"
    printf '%s\n' "$dest" >>"$manifest"
  done < <(icon_list "$icons")

  mv -- "$manifest" "$target/.install-manifest"
  refresh_caches

  note "MentorDesk is installed in $target"
  note "  menu entry: $DESTDIR$desktop"
  note "  command:    $DESTDIR$BIN_DIR/mentordesk"
  if [ "$MODE" = user ]; then
    case ":${PATH:-}:" in
      *":$BIN_DIR:"*) ;;
      *) note "  ($BIN_DIR is not on your PATH; start MentorDesk from the menu or add it)" ;;
    esac
  fi
  if $MOVE && ! $in_place; then
    note "  (the folder was moved there from $bundle)"
  fi
  note "To uninstall: $PROGRAM_DIR/install.sh --uninstall${UNINSTALL_FLAGS}"
  if [ "$MODE" = user ]; then
    note "Your data stays in $(data_dir)"
  fi
}

main() {
  MODE=user
  MOVE=false
  local action=install prefix=""
  UNINSTALL_FLAGS=""
  while [ $# -gt 0 ]; do
    case "$1" in
      -h | --help) usage; exit 0 ;;
      --system) MODE=system ;;
      --user) MODE=user ;;
      --prefix)
        if [ $# -lt 2 ] || [ -z "$2" ]; then die "--prefix needs a folder"; fi
        MODE=prefix prefix=$2
        shift
        ;;
      --prefix=*) MODE=prefix prefix=${1#--prefix=}; [ -n "$prefix" ] || die "--prefix needs a folder" ;;
      --move) MOVE=true ;;
      --uninstall) action=uninstall ;;
      *) usage >&2; die "unknown option: $1" ;;
    esac
    shift
  done

  DESTDIR=${DESTDIR:-}
  DESTDIR=${DESTDIR%/}
  case "$MODE" in
    user)
      [ -n "${HOME:-}" ] || die "HOME is not set"
      PROGRAM_DIR=$HOME/.local/opt/mentordesk
      BIN_DIR=$HOME/.local/bin
      APPS_DIR=$(xdg_data_home)/applications
      ICONS_DIR=$(xdg_data_home)/icons/hicolor
      ;;
    system)
      if [ -z "$DESTDIR" ] && [ "$(id -u)" -ne 0 ]; then
        die "--system installs for every user and needs root: sudo ./install.sh --system"
      fi
      PROGRAM_DIR=/opt/mentordesk
      BIN_DIR=/usr/local/bin
      APPS_DIR=/usr/share/applications
      ICONS_DIR=/usr/share/icons/hicolor
      UNINSTALL_FLAGS=" --system"
      ;;
    prefix)
      case "$prefix" in /*) ;; *) prefix=$PWD/$prefix ;; esac
      prefix=${prefix%/}
      PROGRAM_DIR=$prefix/lib/mentordesk
      BIN_DIR=$prefix/bin
      APPS_DIR=$prefix/share/applications
      ICONS_DIR=$prefix/share/icons/hicolor
      UNINSTALL_FLAGS=" --prefix $prefix"
      ;;
  esac
  SCRIPT_DIR=$(dirname -- "${BASH_SOURCE[0]}")
  TEMPLATE=$SCRIPT_DIR/mentordesk.desktop

  case "$action" in
    install) install ;;
    uninstall) uninstall ;;
  esac
}

# Everything runs from inside main, parsed in full before it starts: --uninstall may
# delete this very file.
main "$@"
exit
