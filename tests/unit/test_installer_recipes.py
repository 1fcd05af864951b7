"""The Windows and macOS installer recipes and the CI workflow agree with the project.

Nothing here can build a Windows or macOS installer on its own (no such machine runs the
tests; the Wine check below runs only where wine and Inno Setup are installed). What can
drift on any machine is checked instead: the files the recipes name exist, the names
they produce are the names CI uploads, they read the version the package declares, the
Inno Setup script keeps its upgrade identity and never deletes the user's data, and the
shell script is valid.
"""

from __future__ import annotations

import fnmatch
import os
import plistlib
import re
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

import mentordesk
from mentordesk import paths

ROOT = Path(__file__).resolve().parents[2]
WORKFLOW = ROOT / ".github" / "workflows" / "installers.yml"
ISS = ROOT / "installers" / "windows" / "mentordesk.iss"
BUILD_WINDOWS = ROOT / "installers" / "windows" / "build_windows.ps1"
CHECK_UNDER_WINE = ROOT / "installers" / "windows" / "check_under_wine.sh"
BUILD_MACOS = ROOT / "installers" / "macos" / "build_macos.sh"
BUILD_LINUX = ROOT / "installers" / "build_linux.sh"
ENTITLEMENTS = ROOT / "installers" / "macos" / "entitlements.plist"
SPEC = ROOT / "installers" / "mentordesk.spec"

# Inno Setup finds an installed MentorDesk by this id; a new one would install a second copy
# beside the first instead of upgrading it. Never change it.
APP_ID = "{{6C1E4C57-2E0B-4B8E-9A55-5F1D0C7E4A21}"

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="bash is not installed")


# --- reading the Inno Setup script


def _iss_sections() -> dict[str, list[str]]:
    """Section name (lower case) -> its lines, without comments and preprocessor lines."""
    sections: dict[str, list[str]] = {}
    current: list[str] | None = None
    for raw in ISS.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith((";", "#", "//")):
            continue
        header = re.fullmatch(r"\[(\w+)\]", line)
        if header:
            current = sections.setdefault(header.group(1).lower(), [])
        elif current is not None:
            current.append(line)
    return sections


def _iss_setup() -> dict[str, str]:
    """The [Setup] directives, by lower-case name."""
    setup: dict[str, str] = {}
    for line in _iss_sections()["setup"]:
        name, _, value = line.partition("=")
        setup[name.strip().lower()] = value.strip()
    return setup


def _iss_entries(section: str) -> list[dict[str, str]]:
    """The entries of a parameterised section ([Files], [Icons], ...), by lower-case name."""
    entries = []
    for line in _iss_sections().get(section, []):
        params = re.findall(r'(\w+):\s*("(?:[^"]|"")*"|[^;]*)', line)
        entries.append({name.lower(): value.strip().strip('"') for name, value in params})
    return entries


def _iss_path(value: str) -> Path:
    """A compile-time path of the .iss, which Inno Setup resolves against the script's folder."""
    return (ISS.parent / value.replace("\\", "/")).resolve()


def _spec_name(kind: str) -> str:
    """The name= given to the spec's EXE(...) or COLLECT(...)."""
    match = re.search(rf"^\w+ = {kind}\((.*?)^\)", SPEC.read_text(encoding="utf-8"), re.M | re.S)
    assert match, f"no {kind}(...) in {SPEC.name}"
    name = re.search(r'\bname="([^"]+)"', match.group(1))
    assert name, f"{kind}(...) in {SPEC.name} has no name="
    return name.group(1)


# --- reading the workflow


def _workflow() -> dict:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed")
    data = yaml.safe_load(WORKFLOW.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def _steps() -> list[tuple[str, dict]]:
    return [(job, step) for job, spec in _workflow()["jobs"].items() for step in spec["steps"]]


# --- the workflow


def test_the_workflow_runs_on_push_pull_request_and_by_hand() -> None:
    data = _workflow()
    # YAML 1.1 reads the bare key `on` as True.
    triggers = data.get("on", data.get(True))
    assert {"push", "pull_request", "workflow_dispatch"} <= set(triggers)
    assert set(data["jobs"]) == {"linux", "windows", "macos"}


def test_every_script_the_workflow_runs_exists_and_is_executable() -> None:
    scripts = set()
    for _, step in _steps():
        scripts |= set(re.findall(r"(?:\./)?((?:installers|scripts)/[\w./-]+\.(?:sh|ps1))",
                                  step.get("run", "")))
    assert scripts >= {"scripts/system-deps.sh", "installers/build_linux.sh",
                       "installers/windows/build_windows.ps1", "installers/macos/build_macos.sh"}
    for script in sorted(scripts):
        path = ROOT / script
        assert path.is_file(), f"the workflow runs {script}, which does not exist"
        if path.suffix == ".sh" and os.name == "posix":
            assert path.stat().st_mode & stat.S_IXUSR, f"{script} is not executable"


def test_actions_are_pinned_to_a_major_version() -> None:
    uses = [step["uses"] for _, step in _steps() if "uses" in step]
    assert uses
    for action in uses:
        assert re.fullmatch(r"[\w.-]+/[\w.-]+@v\d+", action), action


def _bash_value(script: Path, variable: str, **env: str) -> str:
    """Run the line of `script` that assigns `variable`, with `env` set first, and print it."""
    line = next(line for line in script.read_text(encoding="utf-8").splitlines()
                if line.startswith(f"{variable}="))
    setup = "".join(f"{name}={value!r}; " for name, value in env.items())
    result = subprocess.run(["bash", "-c", f'{setup}{line}; printf %s "${variable}"'],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout


@needs_bash
def test_each_job_uploads_the_file_its_script_makes() -> None:
    version = mentordesk.__version__
    setup = _iss_setup()
    windows = _iss_path(setup["outputdir"]) / (
        setup["outputbasefilename"].replace("{#AppVersion}", version) + ".exe")
    made = {
        "linux": ROOT / _bash_value(BUILD_LINUX, "archive", version=version),
        "windows": windows,
        "macos": ROOT / _bash_value(BUILD_MACOS, "dmg", version=version, arch="arm64"),
    }
    jobs = _workflow()["jobs"]
    for job, path in made.items():
        uploads = [step["with"]["path"] for step in jobs[job]["steps"]
                   if step.get("uses", "").startswith("actions/upload-artifact@")]
        relative = path.relative_to(ROOT).as_posix()
        assert any(fnmatch.fnmatch(relative, glob) for glob in uploads), (job, relative, uploads)


def test_the_windows_script_looks_for_the_setup_exe_where_inno_setup_writes_it() -> None:
    setup = _iss_setup()
    written = _iss_path(setup["outputdir"]) / (setup["outputbasefilename"] + ".exe")
    looked_for = re.search(r'\$setup = Join-Path \$Root "([^"]+)"',
                           BUILD_WINDOWS.read_text(encoding="utf-8"))
    assert looked_for, "build_windows.ps1 no longer names the setup exe it checks"
    expected = looked_for.group(1).replace("$version", "{#AppVersion}").replace("\\", "/")
    assert written.relative_to(ROOT).as_posix() == expected


# --- the Inno Setup script


def test_iss_input_files_exist_or_are_the_pyinstaller_bundle() -> None:
    setup = _iss_setup()
    for directive in ("setupiconfile", "licensefile", "infobeforefile", "infoafterfile",
                      "wizardimagefile", "wizardsmallimagefile"):
        if directive in setup:
            assert _iss_path(setup[directive]).is_file(), (directive, setup[directive])
    bundle = ROOT / "dist" / _spec_name("COLLECT")
    sources = [entry["source"] for entry in _iss_entries("files")]
    assert sources
    for source in sources:
        path = _iss_path(source)
        if ROOT / "dist" in path.parents:
            # Built by PyInstaller before ISCC runs: it must be the spec's one-folder bundle.
            assert path == bundle / "*" or bundle in path.parents, (source, bundle)
        else:
            assert list(path.parent.glob(path.name)), f"[Files] source {source} does not exist"


def test_iss_shortcuts_and_uninstall_icon_name_the_exe_the_spec_builds() -> None:
    exe = "{app}\\" + _spec_name("EXE") + ".exe"
    targets = [entry["filename"] for section in ("icons", "run")
               for entry in _iss_entries(section)]
    assert targets
    assert set(targets) == {exe}
    assert _iss_setup()["uninstalldisplayicon"] == exe


def test_iss_app_id_is_the_fixed_guid() -> None:
    app_id = _iss_setup()["appid"]
    assert re.fullmatch(r"\{\{[0-9A-F]{8}(-[0-9A-F]{4}){3}-[0-9A-F]{12}\}", app_id), app_id
    assert app_id == APP_ID, "a new AppId makes upgrades install a second copy"


def test_iss_never_deletes_the_users_data() -> None:
    sections = _iss_sections()
    for section in ("installdelete", "uninstalldelete"):
        for entry in _iss_entries(section):
            name = entry["name"]
            # Only below the program folder; the data folder is elsewhere.
            assert name.startswith("{app}\\") and ".." not in name, (section, name)
    code = "\n".join(sections.get("code", []))
    assert not re.search(r"\b(DelTree|DeleteFile|RemoveDir)\s*\(", code, re.I), (
        "[Code] deletes files: check it cannot reach the user's data")
    # What the uninstaller says is kept is where mentordesk.paths puts the data on Windows:
    # platformdirs' non-roaming user data dir is %LOCALAPPDATA%\<name>.
    messages = dict(line.split("=", 1) for line in sections["messages"])
    kept = f"%%LOCALAPPDATA%%\\{paths.APP_DIR_NAME}"
    assert kept in messages["ConfirmUninstall"] and kept in messages["UninstalledAll"]


def test_iss_installs_per_user_by_default_on_x64_only() -> None:
    setup = _iss_setup()
    assert setup["privilegesrequired"] == "lowest"
    assert "dialog" in setup["privilegesrequiredoverridesallowed"].split()
    assert setup["architecturesallowed"] == "x64compatible"
    assert setup["architecturesinstallin64bitmode"] == "x64compatible"
    assert setup["closeapplications"] in {"yes", "force"}


# --- the version


def _ps1_regexes() -> list[str]:
    """The .NET regexes build_windows.ps1 applies: the version, then its numeric part."""
    return re.findall(r"\[regex\]::Match\(\$\w+, '([^']+)'\)",
                      BUILD_WINDOWS.read_text(encoding="utf-8"))


def test_the_scripts_read_the_version_mentordesk_declares() -> None:
    init = (ROOT / "mentordesk" / "__init__.py").read_text(encoding="utf-8")
    version_re, _ = _ps1_regexes()
    windows = re.search(version_re, init)
    assert windows and windows.group(1) == mentordesk.__version__
    spec_re = re.search(r"re\.search\(r'([^']+)'", SPEC.read_text(encoding="utf-8"))
    assert spec_re, "the spec no longer reads __version__ with re.search"
    spec = re.search(spec_re.group(1), init)
    assert spec and spec.group(1) == mentordesk.__version__


@needs_bash
def test_build_macos_sh_reads_the_declared_version() -> None:
    assert _bash_value(BUILD_MACOS, "version") == mentordesk.__version__


@needs_bash
@pytest.mark.parametrize(("version", "numeric"), [("0.1.0", "0.1.0"), ("2.10.3rc1", "2.10.3")])
def test_version_parsing_handles_releases_and_pre_releases(
        tmp_path: Path, version: str, numeric: str) -> None:
    (tmp_path / "mentordesk").mkdir()
    (tmp_path / "mentordesk" / "__init__.py").write_text(
        f'"""Doc."""\n\n__version__ = "{version}"\nAPP_NAME = "MentorDesk"\n', encoding="utf-8")
    line = next(line for line in BUILD_MACOS.read_text(encoding="utf-8").splitlines()
                if line.startswith("version="))
    macos = subprocess.run(["bash", "-c", f'{line}; printf %s "$version"'], cwd=tmp_path,
                           capture_output=True, text=True, check=True).stdout
    assert macos == version
    version_re, numeric_re = _ps1_regexes()
    windows = re.search(version_re,
                        (tmp_path / "mentordesk" / "__init__.py").read_text(encoding="utf-8"))
    assert windows and windows.group(1) == version
    numeric_match = re.match(numeric_re, version)
    assert numeric_match and numeric_match.group(0) == numeric
    # VersionInfoVersion: at most four numbers, each a 16-bit value.
    parts = numeric_match.group(0).split(".")
    assert len(parts) <= 4 and all(0 <= int(p) <= 65535 for p in parts)


# --- the scripts are valid


@needs_bash
def test_build_macos_sh_is_valid_bash() -> None:
    result = subprocess.run(["bash", "-n", str(BUILD_MACOS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_build_macos_sh_passes_shellcheck() -> None:
    result = subprocess.run(["shellcheck", str(BUILD_MACOS)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck is not installed")
def test_check_under_wine_sh_passes_shellcheck() -> None:
    result = subprocess.run(["shellcheck", str(CHECK_UNDER_WINE)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


@pytest.mark.skipif(not (shutil.which("wine") and os.environ.get("INNOSETUP_DIR")),
                    reason="needs wine and INNOSETUP_DIR (installers/windows/check_under_wine.sh)")
def test_the_setup_installs_upgrades_and_uninstalls_under_wine() -> None:
    # About a minute: compiles the .iss up to seven times and runs Setup and the uninstaller
    # in a fresh Wine prefix, with a fake bundle.
    result = subprocess.run([str(CHECK_UNDER_WINE)], capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stdout[-6000:] + result.stderr[-3000:]


def test_build_windows_ps1_parses() -> None:
    why = "no PowerShell parser here (pip install tree-sitter tree-sitter-powershell)"
    tree_sitter = pytest.importorskip("tree_sitter", reason=why)
    powershell = pytest.importorskip("tree_sitter_powershell", reason=why)
    parser = tree_sitter.Parser(tree_sitter.Language(powershell.language()))
    tree = parser.parse(BUILD_WINDOWS.read_bytes())
    assert not tree.root_node.has_error


def test_entitlements_are_a_plist_of_enabled_hardened_runtime_exceptions() -> None:
    entitlements = plistlib.loads(ENTITLEMENTS.read_bytes())
    assert entitlements
    # Apple: include an entitlement only when its value is true.
    assert all(value is True for value in entitlements.values())
    assert all(key.startswith("com.apple.security.") for key in entitlements)


@needs_bash
def test_build_macos_sh_signs_with_these_entitlements_by_default() -> None:
    assert ROOT / _bash_value(BUILD_MACOS, "ENTITLEMENTS") == ENTITLEMENTS
