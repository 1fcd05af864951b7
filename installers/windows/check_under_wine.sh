#!/usr/bin/env bash
# Compile installers/windows/mentordesk.iss with Inno Setup under Wine and exercise the Setup it
# makes: install, upgrade and uninstall, per user and for all users, asserting each step.
#
# The bundle is FAKE: a tiny Windows exe (a copy of the Wine prefix's own hostname.exe, which
# exits 0) named mentordesk.exe and a few placeholder files in _internal\. What this checks is
# the installer recipe, not MentorDesk: that the script compiles without warnings (also for a
# pre-release version, given AppNumericVersion as build_windows.ps1 gives it), where
# files, shortcuts and the uninstall registry key land, that an upgrade reuses the folder and
# empties _internal\ of the previous version's files, and that uninstalling removes the
# program but keeps the user's data folder (%LOCALAPPDATA%\MentorDesk).
#
# Needs: wine and wine64 8.0 or later WITH 32-bit support (ISCC.exe and Setup are 32-bit
# programs; on Debian: dpkg --add-architecture i386; apt-get install wine wine32:i386
# wine64), and xvfb-run when there is no $DISPLAY. Inno Setup 6.3 or later, from either
#   INNOSETUP_DIR  a folder holding ISCC.exe: an Inno Setup install, or the unpacked npm
#                  package "innosetup" (npm pack innosetup@6.4.1; tar xzf innosetup-6.4.1.tgz
#                  makes package/bin/ISCC.exe; give package/ or package/bin/), or
#   ISCC           the path of ISCC.exe itself.
# Optional: CHECK_WORK_DIR  where the scratch folder is made (default: $TMPDIR or /tmp);
#           KEEP_WORK=1     keep it afterwards (Wine prefix, setup exes, install logs).
#
#   INNOSETUP_DIR=/tmp/innosetup/package installers/windows/check_under_wine.sh
#
# Everything happens in a scratch folder: its own Wine prefix (WINEPREFIX) and its own $HOME
# for Wine (which otherwise links the prefix's Desktop to ~ and writes menu entries under
# ~/.local/share), so nothing of the repository or of the user's home is touched.
#
# One thing Wine cannot do: Wine 8 has no FOLDERID_UserProgramFiles (shell32 marks it
# unimplemented), so a per-user Setup stops with 'Failed to expand shell folder constant
# "autopf"'. When that happens, the per-user checks use a copy of the script whose
# DefaultDirName is {localappdata}\Programs\MentorDesk, which is where Windows puts
# FOLDERID_UserProgramFiles unless an administrator moved it; the all-users checks always use
# the script unchanged. When osslsigncode and openssl are installed, the Sign path is checked
# too, with a throwaway self-signed certificate in place of signtool. Untested here: the
# Restart Manager (Wine's finds nothing to close), signtool itself, and the wizard's pages
# (every run is /VERYSILENT).
#
# Not run by CI (Wine is a large install); tests/unit/test_installer_recipes.py runs it when
# wine and INNOSETUP_DIR are present.
set -euo pipefail

# Setup, its uninstaller and Wine's explorer want an X display, even when silent.
if [[ -z ${DISPLAY:-} ]]; then
  command -v xvfb-run >/dev/null || { echo "no \$DISPLAY and no xvfb-run" >&2; exit 2; }
  exec xvfb-run -a "$0" "$@"
fi

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
app_id='{6C1E4C57-2E0B-4B8E-9A55-5F1D0C7E4A21}'
failures=0

die() { echo "FAIL $*" >&2; exit 1; }
check() {  # check <what> <command...>: run the command, count a failure, carry on
  local what=$1
  shift
  if "$@"; then
    echo "ok   $what"
  else
    echo "FAIL $what"
    failures=$((failures + 1))
  fi
}

# --- inputs
if [[ -n ${ISCC:-} ]]; then
  iscc=$ISCC
elif [[ -n ${INNOSETUP_DIR:-} ]]; then
  iscc=
  for candidate in "$INNOSETUP_DIR/ISCC.exe" "$INNOSETUP_DIR/bin/ISCC.exe" \
      "$INNOSETUP_DIR/package/bin/ISCC.exe"; do
    if [[ -f $candidate ]]; then iscc=$candidate; break; fi
  done
  [[ -n $iscc ]] || die "no ISCC.exe in $INNOSETUP_DIR, its bin/ or its package/bin/"
else
  die "set INNOSETUP_DIR (a folder holding ISCC.exe) or ISCC (the path of ISCC.exe)"
fi
[[ -f $iscc ]] || die "ISCC.exe not found: $iscc"
iscc=$(cd "$(dirname "$iscc")" && pwd)/$(basename "$iscc")
for tool in wine wineserver winepath; do
  command -v "$tool" >/dev/null || die "$tool is not installed"
done

work=$(mktemp -d "${CHECK_WORK_DIR:-${TMPDIR:-/tmp}}/mentordesk-wine.XXXXXX")
cleanup() {
  WINEPREFIX=$work/prefix wineserver -k 2>/dev/null || true
  if [[ ${KEEP_WORK:-} == 1 ]]; then echo "kept $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

export WINEPREFIX=$work/prefix WINEARCH=win64 WINEDEBUG=-all
# No menu entries or icons for the Linux desktop (winemenubuilder), no Mono/Gecko prompts.
export WINEDLLOVERRIDES='winemenubuilder.exe=d;mscoree=d;mshtml=d'
mkdir -p "$work/home"
export HOME=$work/home

# wine, then wait until every process of the prefix has ended (an uninstaller hands over to a
# copy of itself in %TEMP% and the first process may return before the work is done).
wine_wait() {
  local rc=0
  wine "$@" || rc=$?
  wineserver -w
  return "$rc"
}
win_env() { wine cmd /c "echo %$1%" | tr -d '\r'; }
unix_path() { winepath -u "$1" | tr -d '\r'; }
win_path() { winepath -w "$1" | tr -d '\r'; }
# reg_value <key> <name>: the value's data, empty (and status 1) when it is missing. Always
# the 64-bit registry view, where a 64-bit-mode Setup writes (Wine's "wine reg" is the 32-bit
# reg.exe, which would look under Wow6432Node for HKLM\Software).
reg_value() {
  local out
  out=$(wine reg query "$1" /v "$2" /reg:64 2>/dev/null | tr -d '\r') || return 1
  sed -nE "s/^[[:space:]]+$2[[:space:]]+REG_[A-Z_]+[[:space:]]+//p" <<<"$out"
}

echo "--- $(wine --version), prefix $WINEPREFIX"
wine_wait wineboot -i >/dev/null 2>&1 || die "wineboot failed"
# A new prefix claims Windows 7, and the script sets MinVersion=10.0.
wine_wait reg add 'HKCU\Software\Wine' /v Version /d win10 /f >/dev/null
check "the prefix reports Windows 10 (the script's MinVersion)" \
  grep -q '^Microsoft Windows 10\.' <(wine cmd /c ver | tr -d '\r' | sed '/^$/d')

local_appdata=$(unix_path "$(win_env LOCALAPPDATA)")
appdata=$(unix_path "$(win_env APPDATA)")
program_data=$(unix_path "$(win_env ProgramData)")
program_files=$(unix_path "$(win_env ProgramW6432)")
desktop_user=$(unix_path "$(win_env USERPROFILE)")/Desktop
desktop_public=$(unix_path "$(win_env PUBLIC)")/Desktop
hostname_exe=$WINEPREFIX/drive_c/windows/system32/hostname.exe
[[ -f $hostname_exe ]] || die "no $hostname_exe in the new prefix"

# --- the source tree ISCC sees: the script and its icon where the repository has them, and a
# dist/mentordesk/ rebuilt for each version (the script names ..\..\dist\mentordesk\*).
src=$work/src
mkdir -p "$src/installers/windows" "$src/resources/icons"
cp "$root/installers/windows/mentordesk.iss" "$src/installers/windows/"
cp "$root/resources/icons/mentordesk.ico" "$src/resources/icons/"

make_bundle() {  # make_bundle <version>: a fake one-folder bundle with a per-version file set
  local version=$1 bundle=$src/dist/mentordesk
  rm -rf "$bundle"
  mkdir -p "$bundle/_internal/PySide6"
  cp "$hostname_exe" "$bundle/mentordesk.exe"
  printf 'base library of %s\n' "$version" >"$bundle/_internal/base_library.zip"
  printf 'Qt of %s\n' "$version" >"$bundle/_internal/PySide6/QtCore.pyd"
  printf 'only in %s\n' "$version" >"$bundle/_internal/only_in_$version.pyd"
  if [[ $version == 0.1.0 ]]; then
    mkdir -p "$bundle/_internal/dropped_package"
    printf 'a package 0.2.0 no longer has\n' >"$bundle/_internal/dropped_package/__init__.pyc"
  fi
}

# compile <script relative to $src> <version> <output folder> [more ISCC options...]: fails on
# errors and warnings.
compile() {
  local script=$1 version=$2 out=$3 log
  shift 3
  mkdir -p "$out"
  make_bundle "$version"
  log=$out/iscc.log
  if ! (cd "$src" && wine "$iscc" "/DAppVersion=$version" "/O$(win_path "$out")" "$@" \
      "${script//\//\\}") >"$log" 2>&1; then
    cat "$log"
    die "ISCC $script $version"
  fi
  wineserver -w
  tr -d '\r' <"$log" | sed -n 's/^Compiler engine version: //p' >"$out/engine"
  if grep -qiE '^[[:space:]]*warning' "$log"; then
    grep -iE '^[[:space:]]*warning' "$log"
    die "ISCC warned about $script $version"
  fi
  [[ -f $out/MentorDesk-$version-setup.exe ]] || die "ISCC made no MentorDesk-$version-setup.exe"
  echo "ok   compiled $script $version with $(cat "$out/engine"), no warnings"
}

# setup <exe> <log name> <options...>: a silent Setup run, its log in $work/logs.
setup() {
  local exe=$1 log=$work/logs/$2.log
  shift 2
  mkdir -p "$work/logs"
  wine_wait "$(win_path "$exe")" /VERYSILENT /SUPPRESSMSGBOXES "/LOG=$(win_path "$log")" "$@" \
    >/dev/null 2>&1
}
log_has() { tr -d '\r' <"$work/logs/$1.log" | grep -F -- "$2" >/dev/null; }
files() { local f; for f; do [[ -f $f ]] || return 1; done; }
absent() { local f; for f; do [[ ! -e $f ]] || return 1; done; }
runs() { wine_wait "$1" >/dev/null 2>&1; }
no_key() { ! wine reg query "$1" /reg:64 >/dev/null 2>&1; }

# --- per user, or all users: install 0.1.0, upgrade to 0.2.0, uninstall
cycle() {
  local mode=$1 setup1=$2 setup2=$3 install_flag app_dir start_menu desktop key hive admin
  if [[ $mode == peruser ]]; then
    install_flag=/CURRENTUSER admin=No hive=HKCU
    app_dir=$local_appdata/Programs/MentorDesk
    start_menu=$appdata/Microsoft/Windows/Start\ Menu/Programs
    desktop=$desktop_user
  else
    install_flag=/ALLUSERS admin=Yes hive=HKLM
    app_dir=$program_files/MentorDesk
    start_menu=$program_data/Microsoft/Windows/Start\ Menu/Programs
    desktop=$desktop_public
  fi
  key="$hive\\Software\\Microsoft\\Windows\\CurrentVersion\\Uninstall\\${app_id}_is1"
  local app_win data=$local_appdata/MentorDesk
  app_win=$(win_path "$app_dir")

  echo "--- $mode: install 0.1.0 ($install_flag)"
  setup "$setup1" "$mode-install" "$install_flag" || die "$mode Setup 0.1.0 exit code $?"
  check "Setup ran in administrative install mode: $admin" \
    log_has "$mode-install" "Administrative install mode: $admin"
  check "program folder is $app_win" test -f "$app_dir/mentordesk.exe"
  check "uninstaller unins000.exe and unins000.dat are in it" \
    files "$app_dir/unins000.exe" "$app_dir/unins000.dat"
  check "_internal holds the 0.1.0 files" files "$app_dir/_internal/only_in_0.1.0.pyd" \
    "$app_dir/_internal/dropped_package/__init__.pyc" "$app_dir/_internal/PySide6/QtCore.pyd"
  check "the installed mentordesk.exe runs (exit code 0)" runs "$app_win\\mentordesk.exe"
  check "Start-menu shortcut $start_menu/MentorDesk.lnk" test -f "$start_menu/MentorDesk.lnk"
  check "no desktop shortcut (the task is unchecked by default)" \
    absent "$desktop/MentorDesk.lnk"
  check "uninstall key $key: DisplayName MentorDesk" \
    test "$(reg_value "$key" DisplayName)" = MentorDesk
  check "  DisplayVersion 0.1.0" test "$(reg_value "$key" DisplayVersion)" = 0.1.0
  check "  DisplayIcon $app_win\\mentordesk.exe" \
    test "$(reg_value "$key" DisplayIcon)" = "$app_win\\mentordesk.exe"
  check "  InstallLocation $app_win\\" \
    test "$(reg_value "$key" InstallLocation)" = "$app_win\\"
  check "  UninstallString names unins000.exe" \
    grep -qF "$app_win\\unins000.exe" <<<"$(reg_value "$key" UninstallString)"

  # The user's data, as MentorDesk keeps it (mentordesk.paths: %LOCALAPPDATA%\MentorDesk).
  mkdir -p "$data/backups"
  printf 'not a real database\n' >"$data/mentordesk.sqlite3"
  printf 'not a real backup\n' >"$data/backups/backup-1.sqlite3"

  echo "--- $mode: upgrade to 0.2.0 (no /ALLUSERS or /CURRENTUSER: the earlier choice holds)"
  setup "$setup2" "$mode-upgrade" || die "$mode Setup 0.2.0 exit code $?"
  check "Setup kept the earlier install mode (administrative: $admin)" \
    log_has "$mode-upgrade" "Administrative install mode: $admin"
  check "upgrade went to the same folder" \
    log_has "$mode-upgrade" "Directory for uninstall files: $app_win"
  check "it appended to the same uninstall log (unins000.dat, no unins001)" \
    absent "$app_dir/unins001.exe" "$app_dir/unins001.dat"
  check "0.1.0's stale file _internal/only_in_0.1.0.pyd is gone" \
    test ! -e "$app_dir/_internal/only_in_0.1.0.pyd"
  check "0.1.0's stale package _internal/dropped_package is gone" \
    test ! -e "$app_dir/_internal/dropped_package"
  check "_internal holds the 0.2.0 files" files "$app_dir/_internal/only_in_0.2.0.pyd" \
    "$app_dir/_internal/PySide6/QtCore.pyd"
  check "  and the shared ones are 0.2.0's" \
    grep -qx 'Qt of 0.2.0' "$app_dir/_internal/PySide6/QtCore.pyd"
  check "DisplayVersion is now 0.2.0" test "$(reg_value "$key" DisplayVersion)" = 0.2.0
  check "InstallLocation unchanged" test "$(reg_value "$key" InstallLocation)" = "$app_win\\"
  check "Start-menu shortcut still there" test -f "$start_menu/MentorDesk.lnk"
  check "the data folder was not touched" grep -qx 'not a real database' "$data/mentordesk.sqlite3"

  echo "--- $mode: uninstall"
  local uninstall_log=$work/logs/$mode-uninstall.log
  wine_wait "$app_win\\unins000.exe" /VERYSILENT /SUPPRESSMSGBOXES \
    "/LOG=$(win_path "$uninstall_log")" >/dev/null 2>&1 || die "$mode uninstaller exit code $?"
  check "program folder $app_win is gone" test ! -e "$app_dir"
  check "Start-menu shortcut is gone" test ! -e "$start_menu/MentorDesk.lnk"
  check "uninstall key is gone" no_key "$key"
  check "the data folder and its files are still there" \
    files "$data/mentordesk.sqlite3" "$data/backups/backup-1.sqlite3"
  rm -rf "$data"
}

iss=installers/windows/mentordesk.iss
compile "$iss" 0.1.0 "$work/out/real-0.1.0"
compile "$iss" 0.2.0 "$work/out/real-0.2.0"
peruser_1=$work/out/real-0.1.0/MentorDesk-0.1.0-setup.exe
peruser_2=$work/out/real-0.2.0/MentorDesk-0.2.0-setup.exe

# Can this Wine install per user with the script as it is? (see the top of this file)
if ! setup "$peruser_1" probe /CURRENTUSER; then
  log_has probe 'Failed to expand shell folder constant "autopf"' ||
    die "per-user Setup failed: see $work/logs/probe.log (KEEP_WORK=1 keeps it)"
  echo "NOTE this Wine cannot resolve {autopf} per user (no FOLDERID_UserProgramFiles):"
  echo "     the per-user checks use DefaultDirName={localappdata}\\Programs\\MentorDesk"
  variant=installers/windows/mentordesk-wine-peruser.iss
  sed 's/^DefaultDirName={autopf}\\MentorDesk$/DefaultDirName={localappdata}\\Programs\\MentorDesk/' \
    "$src/$iss" >"$src/$variant"
  [[ $(diff "$src/$iss" "$src/$variant" | grep -c '^>') == 1 ]] ||
    die "DefaultDirName={autopf}\\MentorDesk is no longer in $iss: update this script"
  compile "$variant" 0.1.0 "$work/out/peruser-0.1.0"
  compile "$variant" 0.2.0 "$work/out/peruser-0.2.0"
  peruser_1=$work/out/peruser-0.1.0/MentorDesk-0.1.0-setup.exe
  peruser_2=$work/out/peruser-0.2.0/MentorDesk-0.2.0-setup.exe
else
  # It worked: undo the probe's install before the real per-user cycle.
  wine_wait "$(win_path "$local_appdata/Programs/MentorDesk/unins000.exe")" /VERYSILENT \
    /SUPPRESSMSGBOXES >/dev/null 2>&1 || die "could not uninstall the probe's install"
fi

cycle peruser "$peruser_1" "$peruser_2"
cycle allusers "$work/out/real-0.1.0/MentorDesk-0.1.0-setup.exe" \
  "$work/out/real-0.2.0/MentorDesk-0.2.0-setup.exe"

# --- the script's Sign path (ISCC /DSign /Smentordesk=...), with a throwaway self-signed
# certificate and osslsigncode standing in for signtool. ISCC waits for its sign tool, and
# Wine cannot wait for a Linux process ("WaitForSingleObject failed"), so the sign tool is a
# batch file that starts the Linux signer and polls for the file it writes when done.
signed() { osslsigncode verify -CAfile "$1" -in "$2" >/dev/null 2>&1; }
signing() {
  local dir=$work/sign out=$work/out/signed exe unins done_win
  if ! command -v osslsigncode >/dev/null || ! command -v openssl >/dev/null; then
    echo "SKIP signing: osslsigncode or openssl is not installed"
    return
  fi
  echo "--- signing: ISCC /DSign with a self-signed certificate (osslsigncode)"
  mkdir -p "$dir"
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj '/CN=MentorDesk test signing' \
    -addext extendedKeyUsage=codeSigning -keyout "$dir/key.pem" -out "$dir/cert.pem" \
    2>/dev/null
  # $1 is a Windows path on drive Z:, which Wine maps to /.
  cat >"$dir/sign.sh" <<EOF
#!/bin/sh
f=\$(printf %s "\$1" | sed 's/^[Zz]://; s/\\\\/\\//g')
if osslsigncode sign -certs '$dir/cert.pem' -key '$dir/key.pem' -n MentorDesk \\
    -in "\$f" -out "\$f.signed" >>'$dir/osslsigncode.log' 2>&1 && mv "\$f.signed" "\$f"; then
  echo 0 >'$dir/done'
else
  echo 1 >'$dir/done'
fi
EOF
  chmod +x "$dir/sign.sh"
  done_win=$(win_path "$dir/done")
  printf '%s\r\n' '@echo off' "del \"$done_win\" 2>nul" "start /unix $dir/sign.sh %~1" \
    ':wait' "if exist \"$done_win\" goto done" 'ping -n 2 127.0.0.1 >nul' 'goto wait' \
    ':done' "set /p rc=<\"$done_win\"" 'exit /b %rc%' >"$dir/sign.bat"
  # Worded as build_windows.ps1 words it (ConvertTo-InnoSignWord): each word between $q, Inno
  # Setup's quote, then $f, its placeholder for the file to sign.
  # shellcheck disable=SC2016  # literal: Inno Setup expands them, not bash
  local q='$q' f='$f'
  compile "$iss" 0.1.0 "$out" /DSign \
    "/Smentordesk=${q}cmd.exe$q $q/c$q $q$(win_path "$dir/sign.bat")$q $f"
  exe=$out/MentorDesk-0.1.0-setup.exe
  check "Setup is signed" signed "$dir/cert.pem" "$exe"
  setup "$exe" signed-install /ALLUSERS || die "signed Setup exit code $?"
  unins=$program_files/MentorDesk/unins000.exe
  check "the uninstaller it installed is signed too (SignedUninstaller=yes)" \
    signed "$dir/cert.pem" "$unins"
  wine_wait "$(win_path "$unins")" /VERYSILENT /SUPPRESSMSGBOXES >/dev/null 2>&1 ||
    die "the signed uninstaller failed"
  check "and it uninstalled" absent "$program_files/MentorDesk"
}
signing

# --- a pre-release version: build_windows.ps1 passes its leading numbers as AppNumericVersion,
# since the exe's version resource takes numbers only.
echo "--- version defines"
compile "$iss" 0.3.0rc1 "$work/out/rc" /DAppNumericVersion=0.3.0
rc_log=$work/out/rc-without-numeric.log
if (cd "$src" && wine "$iscc" /DAppVersion=0.3.0rc1 "/O$(win_path "$work/out/rc")" \
    "${iss//\//\\}") >"$rc_log" 2>&1; then
  check "without AppNumericVersion, ISCC refuses 0.3.0rc1" false
else
  check "without AppNumericVersion, ISCC refuses 0.3.0rc1 (VersionInfoVersion)" \
    grep -q 'directive "VersionInfoVersion" is invalid' "$rc_log"
fi

if ((failures)); then
  echo "--- $failures check(s) FAILED (KEEP_WORK=1 keeps the logs)"
  exit 1
fi
echo "--- every check passed"
