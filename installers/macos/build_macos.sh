#!/usr/bin/env bash
# Build MentorDesk.app and a drag-to-Applications disk image on macOS:
#   dist/MentorDesk.app  and  dist/MentorDesk-<version>-macos-<arch>.dmg
#
# NEVER RUN ON A MAC: written on Linux, where only `bash -n` and shellcheck checked it. The
# commands follow Apple's codesign/hdiutil/notarytool documentation and PyInstaller's macOS
# notes, but the first real run may still find mistakes. See installers/macos/NOTES.md.
#
# Steps: .venv with the [build] extra; PyInstaller (installers/mentordesk.spec, whose BUNDLE
# step makes the .app); the frozen smoke test; optional signing with the hardened runtime;
# the .dmg; optional notarisation and stapling.
#
# Environment (all optional):
#   BASE_PYTHON           the Python 3.11 that creates .venv when it is missing
#                         (default: python3.11, else python3)
#   MACOS_SIGN_IDENTITY   a "Developer ID Application: Name (TEAMID)" identity in the
#                         keychain; unset = the ad-hoc signature PyInstaller gives every build
#   MACOS_ENTITLEMENTS    entitlements for the main executable
#                         (default: installers/macos/entitlements.plist)
#   Notarisation, with MACOS_SIGN_IDENTITY, by one of:
#     MACOS_NOTARY_PROFILE                      a `xcrun notarytool store-credentials` profile
#     MACOS_NOTARY_KEY, MACOS_NOTARY_KEY_ID, MACOS_NOTARY_ISSUER
#                                               an App Store Connect API key (.p8), its id, issuer
#     MACOS_NOTARY_APPLE_ID, MACOS_NOTARY_TEAM_ID, MACOS_NOTARY_PASSWORD
#                                               an Apple ID with an app-specific password
#
# Written for the bash 3.2 that macOS ships (no associative arrays, no empty arrays).
set -euo pipefail
cd "$(dirname "$0")/../.."

APP=dist/MentorDesk.app
EXE="$APP/Contents/MacOS/mentordesk"
VENV_PY=.venv/bin/python
ENTITLEMENTS=${MACOS_ENTITLEMENTS:-installers/macos/entitlements.plist}
SIGN_IDENTITY=${MACOS_SIGN_IDENTITY:-}

die() { echo "build_macos.sh: $*" >&2; exit 1; }

[ "$(uname -s)" = Darwin ] || die "this builds the macOS app; run it on a Mac"

# The version, read the way installers/mentordesk.spec reads it (no import).
version=$(sed -n 's/^__version__ = "\([^"]*\)"$/\1/p' mentordesk/__init__.py)
[ -n "$version" ] || die 'no __version__ = "..." line in mentordesk/__init__.py'
arch=$(uname -m)
dmg="dist/MentorDesk-${version}-macos-${arch}.dmg"
echo "--- MentorDesk $version ($arch)"

# Which notarisation credentials, if any (as notarytool arguments). A flag, not the array's
# length: bash 3.2 with `set -u` treats an empty array as unset.
notarise=no
notary_args=(none)
if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
    notary_args=(--keychain-profile "$MACOS_NOTARY_PROFILE")
elif [ -n "${MACOS_NOTARY_KEY:-}" ]; then
    notary_args=(--key "$MACOS_NOTARY_KEY" --key-id "${MACOS_NOTARY_KEY_ID:?MACOS_NOTARY_KEY_ID is needed with MACOS_NOTARY_KEY}"
                 --issuer "${MACOS_NOTARY_ISSUER:?MACOS_NOTARY_ISSUER is needed with MACOS_NOTARY_KEY}")
elif [ -n "${MACOS_NOTARY_APPLE_ID:-}" ]; then
    notary_args=(--apple-id "$MACOS_NOTARY_APPLE_ID"
                 --team-id "${MACOS_NOTARY_TEAM_ID:?MACOS_NOTARY_TEAM_ID is needed with MACOS_NOTARY_APPLE_ID}"
                 --password "${MACOS_NOTARY_PASSWORD:?MACOS_NOTARY_PASSWORD is needed with MACOS_NOTARY_APPLE_ID}")
fi
[ "${notary_args[0]}" = none ] || notarise=yes
if [ "$notarise" = yes ] && [ -z "$SIGN_IDENTITY" ]; then
    die "notarisation needs a signed app: set MACOS_SIGN_IDENTITY too"
fi

# --- virtual environment and the [build] extra
if [ ! -x "$VENV_PY" ]; then
    base=${BASE_PYTHON:-}
    if [ -z "$base" ]; then
        if command -v python3.11 >/dev/null 2>&1; then base=python3.11; else base=python3; fi
    fi
    echo "--- creating .venv with $base"
    "$base" -m venv .venv
fi
"$VENV_PY" -c 'import sys; assert sys.version_info >= (3, 11), sys.version' \
    || die ".venv needs Python 3.11 or later; delete it and set BASE_PYTHON"
"$VENV_PY" -m pip install --quiet --upgrade pip
"$VENV_PY" -m pip install --quiet -e ".[build]"

# --- PyInstaller: dist/mentordesk/ and, on macOS, the spec's BUNDLE dist/MentorDesk.app
echo "--- PyInstaller"
"$VENV_PY" -m PyInstaller --noconfirm --clean --distpath dist --workpath build \
    installers/mentordesk.spec
[ -x "$EXE" ] || die "PyInstaller made no $EXE (is the spec's BUNDLE step there?)"
bundle_version=$(/usr/libexec/PlistBuddy -c 'Print :CFBundleShortVersionString' "$APP/Contents/Info.plist")
[ "$bundle_version" = "$version" ] \
    || die "Info.plist says version $bundle_version, mentordesk/__init__.py says $version"

echo "--- frozen smoke test"
time "$EXE" --smoke-test

# --- signing, inside out: every Mach-O file, then each nested .framework, then the app
# with the entitlements (Apple discourages `codesign --deep` for signing; it is used only to
# verify). Without an identity the app keeps PyInstaller's ad-hoc signature, which runs on the
# machine that built it but not, downloaded, past Gatekeeper.
sign() {
    codesign --force --timestamp --options runtime --sign "$SIGN_IDENTITY" "$@"
}
deepest_first() {
    # Paths from stdin, most path components first.
    awk -F/ '{ print NF "\t" $0 }' | sort -rn | cut -f2-
}
if [ -n "$SIGN_IDENTITY" ]; then
    echo "--- signing with \"$SIGN_IDENTITY\""
    [ -f "$ENTITLEMENTS" ] || die "no entitlements file $ENTITLEMENTS"
    find "$APP/Contents" -type f ! -path "$EXE" | deepest_first | while IFS= read -r f; do
        case $(file -b "$f") in
            Mach-O*) sign "$f" ;;
        esac
    done
    find "$APP/Contents" -type d -name '*.framework' | deepest_first | while IFS= read -r d; do
        sign "$d"
    done
    sign --entitlements "$ENTITLEMENTS" "$APP"
    codesign --verify --deep --strict --verbose=2 "$APP"
    # The hardened runtime is what a user's Mac enforces: the smoke test again, signed.
    echo "--- frozen smoke test, signed"
    "$EXE" --smoke-test
else
    echo "--- not signing (MACOS_SIGN_IDENTITY is not set)"
fi

# --- the disk image: the app beside a link to /Applications, compressed (UDZO)
echo "--- disk image"
staging=build/dmg
rm -rf "$staging" "$dmg"
mkdir -p "$staging"
ditto "$APP" "$staging/MentorDesk.app"   # ditto keeps symlinks, signatures and attributes
ln -s /Applications "$staging/Applications"
# `hdiutil create` fails now and then with "Resource busy" on CI Macs
# (actions/runner-images#7522); trying again is the known remedy.
attempt=1
until hdiutil create -volname MentorDesk -srcfolder "$staging" -ov -format UDZO "$dmg"; do
    [ "$attempt" -lt 5 ] || die "hdiutil create failed $attempt times"
    attempt=$((attempt + 1))
    echo "hdiutil create failed; attempt $attempt in 10 s"
    sleep 10
done
if [ -n "$SIGN_IDENTITY" ]; then
    codesign --force --timestamp --sign "$SIGN_IDENTITY" "$dmg"
fi

# --- notarisation and stapling. `notarytool submit --wait` exits 0 even when Apple rejects
# the upload, so the JSON status decides.
if [ "$notarise" = yes ]; then
    echo "--- notarising (this waits for Apple)"
    result=$(xcrun notarytool submit "$dmg" "${notary_args[@]}" --wait --output-format json)
    echo "$result"
    field() { "$VENV_PY" -c 'import json, sys; print(json.loads(sys.argv[1]).get(sys.argv[2], ""))' "$result" "$1"; }
    status=$(field status)
    if [ "$status" != Accepted ]; then
        xcrun notarytool log "$(field id)" "${notary_args[@]}" || true
        die "notarisation status: ${status:-unknown}"
    fi
    xcrun stapler staple "$dmg"
    xcrun stapler validate "$dmg"
    spctl --assess --type open --context context:primary-signature --verbose=2 "$dmg"
else
    echo "--- not notarising (no MACOS_NOTARY_* credentials)"
fi

echo "--- sizes"
du -sh "$APP"
du -h "$dmg"
