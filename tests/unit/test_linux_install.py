"""installers/linux: install.sh and build_appimage.sh run against a fake bundle.

The fake bundle is what build_linux.sh packs, minus PyInstaller: a ``mentordesk`` shell
script that prints its arguments, ``_internal/resources/icons/`` copied from the
repository, and install.sh with its .desktop template beside it. HOME and XDG_DATA_HOME
point into the test's temporary folder, so nothing outside it is touched.
"""

from __future__ import annotations

import os
import shutil
import stat
import subprocess
from pathlib import Path

import pytest
from PIL import Image

ROOT = Path(__file__).resolve().parents[2]
LINUX = ROOT / "installers" / "linux"
ICONS = ROOT / "resources" / "icons"
HICOLOR_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)
FAKE_PROGRAM = '#!/bin/sh\necho "{tag}"\nfor arg in "$@"; do echo "arg=$arg"; done\n'

needs_validator = pytest.mark.skipif(
    shutil.which("desktop-file-validate") is None,
    reason="desktop-file-validate is missing (apt package desktop-file-utils; "
           "scripts/system-deps.sh installs it)")


def make_bundle(folder: Path, tag: str = "mentordesk v1") -> Path:
    """A fake unpacked bundle at ``folder`` whose program prints ``tag`` and its arguments."""
    (folder / "_internal" / "resources").mkdir(parents=True)
    shutil.copytree(ICONS, folder / "_internal" / "resources" / "icons")
    set_program(folder, tag)
    for name in ("install.sh", "mentordesk.desktop"):
        shutil.copy2(LINUX / name, folder / name)
    return folder


def set_program(folder: Path, tag: str) -> None:
    """Write the fake ``mentordesk`` executable."""
    program = folder / "mentordesk"
    program.write_text(FAKE_PROGRAM.format(tag=tag))
    program.chmod(0o755)


def files(root: Path) -> set[str]:
    """Every file and link under ``root`` (not the folders), relative to it."""
    return {str(p.relative_to(root)) for p in root.rglob("*") if p.is_symlink() or p.is_file()}


def run(command: list[str | Path], env: dict[str, str],
        cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """Run a script and return its result (never raises on a failing exit status)."""
    return subprocess.run([str(c) for c in command], env=env, cwd=cwd, capture_output=True,
                          text=True, timeout=60, check=False)


def validate(desktop: Path) -> None:
    """desktop-file-validate passes (it prints errors and hints, and exits 1 on errors)."""
    result = subprocess.run(["desktop-file-validate", str(desktop)], capture_output=True,
                            text=True, check=False)
    assert result.returncode == 0 and not result.stdout.strip(), result.stdout + result.stderr


def desktop_values(desktop: Path) -> dict[str, str]:
    """The keys of a .desktop file's [Desktop Entry] group."""
    values = {}
    for line in desktop.read_text().splitlines():
        if "=" in line and not line.startswith("#"):
            key, value = line.split("=", 1)
            values[key] = value
    return values


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """The fake user's home folder."""
    folder = tmp_path / "home"
    folder.mkdir()
    return folder


@pytest.fixture
def env(home: Path) -> dict[str, str]:
    """An environment with HOME in the temporary folder and XDG_DATA_HOME unset."""
    environment = {k: v for k, v in os.environ.items()
                   if k not in {"XDG_DATA_HOME", "MENTORDESK_DATA_DIR", "DESTDIR"}}
    environment["HOME"] = str(home)
    return environment


@pytest.fixture
def bundle(tmp_path: Path) -> Path:
    """A fake bundle unpacked in the temporary folder."""
    return make_bundle(tmp_path / "download" / "mentordesk")


def test_the_template_is_a_valid_menu_entry() -> None:
    values = desktop_values(LINUX / "mentordesk.desktop")
    assert values["Icon"] == "mentordesk"
    assert "Office" in values["Categories"].split(";")
    # Qt sets WM_CLASS to (argv[0]'s name, the application name) = ("mentordesk", "MentorDesk").
    assert values["StartupWMClass"] == "MentorDesk"
    if shutil.which("desktop-file-validate"):
        validate(LINUX / "mentordesk.desktop")


def test_per_user_install_puts_every_file_in_place(
        bundle: Path, home: Path, env: dict[str, str], tmp_path: Path) -> None:
    xdg = tmp_path / "xdg-data"
    env["XDG_DATA_HOME"] = str(xdg)
    result = run([bundle / "install.sh"], env)
    assert result.returncode == 0, result.stderr

    program = home / ".local" / "opt" / "mentordesk" / "mentordesk"
    assert program.is_file() and os.access(program, os.X_OK)
    link = home / ".local" / "bin" / "mentordesk"
    assert link.is_symlink() and link.resolve() == program.resolve()
    ran = run([link, "--db", "a file.sqlite3"], env)
    assert ran.stdout.splitlines() == ["mentordesk v1", "arg=--db", "arg=a file.sqlite3"]

    desktop = xdg / "applications" / "mentordesk.desktop"
    values = desktop_values(desktop)
    assert values["Exec"] == str(program)
    assert values["TryExec"] == str(program)
    assert values["StartupWMClass"] == "MentorDesk"
    for size in HICOLOR_SIZES:
        png = xdg / "icons" / "hicolor" / f"{size}x{size}" / "apps" / "mentordesk.png"
        with Image.open(png) as image:
            assert image.size == (size, size)
    svg = xdg / "icons" / "hicolor" / "scalable" / "apps" / "mentordesk.svg"
    assert svg.read_bytes() == (ICONS / "mentordesk.svg").read_bytes()
    # No cache is created where none was (a stale per-user cache hides later icons).
    assert not (xdg / "icons" / "hicolor" / "icon-theme.cache").exists()
    assert not (xdg / "applications" / "mimeinfo.cache").exists()
    assert bundle.is_dir(), "without --move the unpacked folder stays"
    assert "installed in" in result.stdout and "--uninstall" in result.stdout


@needs_validator
def test_installed_menu_entry_passes_desktop_file_validate(
        bundle: Path, home: Path, env: dict[str, str]) -> None:
    assert run([bundle / "install.sh"], env).returncode == 0
    validate(home / ".local" / "share" / "applications" / "mentordesk.desktop")


def test_prefix_install_quotes_a_path_with_spaces(
        bundle: Path, env: dict[str, str], tmp_path: Path) -> None:
    prefix = tmp_path / "pack ager"
    result = run([bundle / "install.sh", "--prefix", prefix], env)
    assert result.returncode == 0, result.stderr
    program = prefix / "lib" / "mentordesk" / "mentordesk"
    assert (prefix / "bin" / "mentordesk").resolve() == program.resolve()
    desktop = prefix / "share" / "applications" / "mentordesk.desktop"
    assert desktop_values(desktop)["Exec"] == f'"{program}"'
    assert (prefix / "share" / "icons" / "hicolor" / "48x48" / "apps" / "mentordesk.png").is_file()
    if shutil.which("desktop-file-validate"):
        validate(desktop)
    result = run([program.parent / "install.sh", "--uninstall", "--prefix", prefix], env)
    assert result.returncode == 0, result.stderr
    assert files(prefix) == set()


def test_system_install_staged_with_destdir_points_at_the_final_paths(
        bundle: Path, env: dict[str, str], tmp_path: Path) -> None:
    stage = tmp_path / "stage"
    env["DESTDIR"] = str(stage)
    result = run([bundle / "install.sh", "--system"], env)
    assert result.returncode == 0, result.stderr
    assert (stage / "opt" / "mentordesk" / "mentordesk").is_file()
    assert os.readlink(stage / "usr" / "local" / "bin" / "mentordesk") == \
        "/opt/mentordesk/mentordesk"
    desktop = stage / "usr" / "share" / "applications" / "mentordesk.desktop"
    assert desktop_values(desktop)["Exec"] == "/opt/mentordesk/mentordesk"
    assert (stage / "usr" / "share" / "icons" / "hicolor" / "256x256" / "apps"
            / "mentordesk.png").is_file()


@pytest.mark.skipif(os.geteuid() == 0, reason="running as root, so --system is allowed")
def test_system_install_without_root_says_so(bundle: Path, env: dict[str, str]) -> None:
    result = run([bundle / "install.sh", "--system"], env)
    assert result.returncode != 0
    assert "needs root" in result.stderr


def test_reinstall_upgrades_without_stale_files(
        bundle: Path, home: Path, env: dict[str, str]) -> None:
    assert run([bundle / "install.sh"], env).returncode == 0
    installed = home / ".local" / "opt" / "mentordesk"
    (installed / "_internal" / "from_the_old_version.so").write_text("stale")
    icons = home / ".local" / "share" / "icons" / "hicolor"
    assert (icons / "512x512" / "apps" / "mentordesk.png").is_file()

    # The next version: a new program, and one icon size fewer.
    set_program(bundle, "mentordesk v2")
    shutil.rmtree(bundle / "_internal" / "resources" / "icons" / "hicolor" / "512x512")
    result = run([bundle / "install.sh"], env)
    assert result.returncode == 0, result.stderr

    assert not (installed / "_internal" / "from_the_old_version.so").exists()
    assert files(installed) == files(bundle) | {".install-manifest"}
    assert not (icons / "512x512").exists(), "an icon the new version lacks was left behind"
    ran = run([home / ".local" / "bin" / "mentordesk"], env)
    assert ran.stdout.splitlines() == ["mentordesk v2"]
    assert not list(installed.parent.glob(".mentordesk-*")), "staging folders left behind"


def test_uninstall_removes_everything_it_installed_and_keeps_the_data(
        bundle: Path, home: Path, env: dict[str, str]) -> None:
    data = home / ".local" / "share" / "MentorDesk"
    data.mkdir(parents=True)
    (data / "mentordesk.sqlite3").write_bytes(b"the programme")
    other = home / ".local" / "share" / "applications" / "someone-else.desktop"
    other.parent.mkdir(parents=True)
    other.write_text("[Desktop Entry]\n")
    before = files(home)

    assert run([bundle / "install.sh"], env).returncode == 0
    assert len(files(home)) > len(before) + 10
    installed = home / ".local" / "opt" / "mentordesk"
    result = run([installed / "install.sh", "--uninstall"], env)
    assert result.returncode == 0, result.stderr

    assert files(home) == before
    assert not installed.exists()
    assert (data / "mentordesk.sqlite3").read_bytes() == b"the programme"
    assert f"Your data was kept: {data}" in result.stdout


def test_uninstall_reports_the_data_folder_set_by_the_environment(
        bundle: Path, env: dict[str, str], tmp_path: Path) -> None:
    env["MENTORDESK_DATA_DIR"] = str(tmp_path / "elsewhere")
    assert run([bundle / "install.sh"], env).returncode == 0
    result = run([bundle / "install.sh", "--uninstall"], env)
    assert result.returncode == 0, result.stderr
    assert f"Your data was kept: {tmp_path / 'elsewhere'}" in result.stdout


def test_uninstall_only_removes_paths_where_it_installs(
        bundle: Path, home: Path, env: dict[str, str], tmp_path: Path) -> None:
    precious = tmp_path / "precious.txt"
    precious.write_text("keep me")
    assert run([bundle / "install.sh"], env).returncode == 0
    manifest = home / ".local" / "opt" / "mentordesk" / ".install-manifest"
    manifest.write_text(manifest.read_text() + f"{precious}\n")
    result = run([bundle / "install.sh", "--uninstall"], env)
    assert result.returncode == 0, result.stderr
    assert precious.read_text() == "keep me"
    assert "not removing" in result.stderr


def test_uninstall_without_an_install_fails_clearly(bundle: Path, env: dict[str, str]) -> None:
    result = run([bundle / "install.sh", "--uninstall"], env)
    assert result.returncode != 0
    assert "no MentorDesk install found" in result.stderr


def test_move_puts_the_unpacked_folder_in_place(
        bundle: Path, home: Path, env: dict[str, str]) -> None:
    expected = files(bundle)
    result = run([bundle / "install.sh", "--move"], env)
    assert result.returncode == 0, result.stderr
    assert not bundle.exists()
    assert files(home / ".local" / "opt" / "mentordesk") == expected | {".install-manifest"}
    assert run([home / ".local" / "bin" / "mentordesk"], env).returncode == 0


def test_a_folder_without_the_program_is_refused(
        bundle: Path, home: Path, env: dict[str, str]) -> None:
    (bundle / "mentordesk").unlink()
    result = run([bundle / "install.sh"], env)
    assert result.returncode != 0
    assert "no executable 'mentordesk' next to install.sh" in result.stderr
    assert not (home / ".local").exists()


def test_a_foreign_folder_in_the_way_is_not_replaced(
        bundle: Path, home: Path, env: dict[str, str]) -> None:
    foreign = home / ".local" / "opt" / "mentordesk" / "notes.txt"
    foreign.parent.mkdir(parents=True)
    foreign.write_text("mine")
    result = run([bundle / "install.sh"], env)
    assert result.returncode != 0
    assert "is not a MentorDesk install" in result.stderr
    assert foreign.read_text() == "mine"


def test_a_command_not_made_by_the_installer_is_not_overwritten(
        bundle: Path, home: Path, env: dict[str, str]) -> None:
    command = home / ".local" / "bin" / "mentordesk"
    command.parent.mkdir(parents=True)
    command.write_text("#!/bin/sh\n# pip's console script\n")
    result = run([bundle / "install.sh"], env)
    assert result.returncode != 0
    assert "not a link made by this script" in result.stderr
    assert "pip's console script" in command.read_text()


def test_rerunning_the_installed_copy_refreshes_the_menu_entry(
        bundle: Path, home: Path, env: dict[str, str]) -> None:
    assert run([bundle / "install.sh"], env).returncode == 0
    installed = home / ".local" / "opt" / "mentordesk"
    desktop = home / ".local" / "share" / "applications" / "mentordesk.desktop"
    desktop.unlink()
    before = files(installed)
    result = run([installed / "install.sh"], env)
    assert result.returncode == 0, result.stderr
    assert files(installed) == before
    assert desktop_values(desktop)["Exec"] == str(installed / "mentordesk")


def test_a_program_folder_overlapping_the_data_folder_is_refused(
        bundle: Path, env: dict[str, str], tmp_path: Path) -> None:
    env["MENTORDESK_DATA_DIR"] = str(tmp_path / "prefix" / "LIB")
    data = tmp_path / "prefix" / "LIB" / "mentordesk.sqlite3"
    data.parent.mkdir(parents=True)
    data.write_text("data")
    result = run([bundle / "install.sh", "--prefix", tmp_path / "prefix"], env)
    assert result.returncode != 0
    assert "overlap" in result.stderr
    assert data.read_text() == "data"


def test_help_and_unknown_options(bundle: Path, env: dict[str, str]) -> None:
    result = run([bundle / "install.sh", "--help"], env)
    assert result.returncode == 0
    assert "--uninstall" in result.stdout and "~/.local/opt/mentordesk" in result.stdout
    result = run([bundle / "install.sh", "--frobnicate"], env)
    assert result.returncode != 0
    assert "unknown option: --frobnicate" in result.stderr
    result = run([bundle / "install.sh", "--prefix"], env)
    assert result.returncode != 0
    assert "--prefix needs a folder" in result.stderr


@pytest.fixture
def dist(tmp_path: Path) -> Path:
    """A fake dist/ folder holding a bundle, as build_linux.sh leaves it."""
    folder = tmp_path / "dist"
    make_bundle(folder / "mentordesk", tag="appimage bundle")
    return folder


def test_build_appimage_assembles_a_working_appdir(
        dist: Path, env: dict[str, str]) -> None:
    env["APPIMAGETOOL"] = "no-such-appimagetool"
    result = run([LINUX / "build_appimage.sh", "--dist", dist], env)
    assert result.returncode == 0, result.stderr
    assert "https://github.com/AppImage/appimagetool/releases" in result.stderr

    appdir = dist / "MentorDesk.AppDir"
    apprun = appdir / "AppRun"
    assert os.stat(apprun).st_mode & stat.S_IXUSR
    ran = run([apprun, "--smoke-test", "two words"], env, cwd=dist.parent)
    assert ran.stdout.splitlines() == ["appimage bundle", "arg=--smoke-test", "arg=two words"]
    # Through a link too, as the AppImage runtime and desktop integrations may call it.
    (dist / "linked").symlink_to(apprun)
    assert run([dist / "linked"], env).stdout.splitlines() == ["appimage bundle"]

    values = desktop_values(appdir / "mentordesk.desktop")
    assert values["Exec"] == "mentordesk" and "TryExec" not in values
    assert values["Icon"] == "mentordesk"
    assert (appdir / "usr" / "share" / "applications" / "mentordesk.desktop").is_file()
    assert os.readlink(appdir / ".DirIcon") == "mentordesk.png"
    with Image.open(appdir / "mentordesk.png") as icon:
        assert icon.size == (256, 256)
    for size in HICOLOR_SIZES:
        assert (appdir / "usr" / "share" / "icons" / "hicolor" / f"{size}x{size}" / "apps"
                / "mentordesk.png").is_file()
    assert not (appdir / "usr" / "lib" / "mentordesk" / "install.sh").exists()
    if shutil.which("desktop-file-validate"):
        validate(appdir / "mentordesk.desktop")


def test_build_appimage_runs_appimagetool_on_the_appdir(
        dist: Path, env: dict[str, str], tmp_path: Path) -> None:
    calls = tmp_path / "calls.txt"
    tool = tmp_path / "fake-appimagetool"
    tool.write_text(f'#!/bin/sh\necho "ARCH=$ARCH $*" > "{calls}"\n')
    tool.chmod(0o755)
    env.update(APPIMAGETOOL=str(tool), VERSION="9.8.7", ARCH="x86_64")
    result = run([LINUX / "build_appimage.sh", "--dist", dist], env)
    assert result.returncode == 0, result.stderr
    appimage = dist / "MentorDesk-9.8.7-x86_64.AppImage"
    assert calls.read_text().split() == ["ARCH=x86_64", str(dist / "MentorDesk.AppDir"),
                                         str(appimage)]


def test_build_appimage_without_a_bundle_fails_clearly(
        tmp_path: Path, env: dict[str, str]) -> None:
    result = run([LINUX / "build_appimage.sh", "--dist", tmp_path / "empty"], env)
    assert result.returncode != 0
    assert "no PyInstaller bundle" in result.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None,
                    reason="shellcheck is missing (scripts/system-deps.sh installs it)")
def test_shellcheck_is_clean() -> None:
    scripts = [LINUX / "install.sh", LINUX / "build_appimage.sh", LINUX / "AppRun"]
    result = subprocess.run(["shellcheck", *map(str, scripts)], capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout
