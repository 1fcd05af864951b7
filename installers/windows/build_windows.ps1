<#
.SYNOPSIS
Build the Windows installer of MentorDesk: dist\MentorDesk-<version>-setup.exe.

.DESCRIPTION
From a fresh checkout on Windows x64 with Python 3.11 and Inno Setup 6:
  1. creates .venv (unless it exists) and installs the project with its [build] extra;
  2. runs PyInstaller on installers\mentordesk.spec (dist\mentordesk\);
  3. runs the frozen smoke test, dist\mentordesk\mentordesk.exe --smoke-test, and stops on a
     non-zero exit code (the exe is windowed, so it prints nothing; only the code counts);
  4. signs mentordesk.exe when a certificate is configured (see below);
  5. compiles installers\windows\mentordesk.iss with ISCC, passing the version read from
     mentordesk\__init__.py, and prints the setup exe's path and size.

Run from anywhere:  powershell -ExecutionPolicy Bypass -File installers\windows\build_windows.ps1
(PowerShell 5.1 or 7.)

Environment (all optional):
  PYTHON                      path of the python.exe (3.11, 64-bit) that creates .venv
                              (default: "py -3.11" when the Python launcher has it, else
                              python.exe on PATH)
  ISCC                        full path of ISCC.exe (default: PATH, then the usual
                              Inno Setup 6 folders)
  WINDOWS_SIGN_CERT_SHA1      thumbprint of a code-signing certificate in the user's
                              certificate store (also how EV tokens and cloud HSMs appear)
  WINDOWS_SIGN_PFX            or a .pfx file, with WINDOWS_SIGN_PFX_PASSWORD (the password
                              then appears on signtool's and ISCC's command lines: prefer
                              the certificate store on a shared machine)
  WINDOWS_SIGN_TIMESTAMP_URL  RFC 3161 timestamp server (default http://timestamp.digicert.com)
With either certificate set, mentordesk.exe is signed here, and Setup and its uninstaller are
signed by ISCC through the .iss's SignTool (signtool.exe from the Windows SDK is required).

NEVER RUN: written without a Windows machine or PowerShell. The commands follow the
documented behaviour of PyInstaller, Inno Setup's ISCC and signtool, but the first real run
may still find mistakes. Only its ISCC command line was tried, under Wine, by
installers\windows\check_under_wine.sh: the /DAppVersion and /DAppNumericVersion defines, and
a sign tool line worded as ConvertTo-InnoSignWord words it (with another signer than signtool).
#>
$ErrorActionPreference = 'Stop'
Set-StrictMode -Version Latest

$Root = (Resolve-Path (Join-Path $PSScriptRoot '..\..')).Path
Set-Location $Root

function Assert-ExitCode([string]$What) {
    # Native programs do not throw in PowerShell; their exit code has to be checked.
    if ($LASTEXITCODE -ne 0) {
        throw "$What failed with exit code $LASTEXITCODE"
    }
}

function Get-BasePython {
    if ($env:PYTHON) { return , @($env:PYTHON) }
    if (Get-Command py.exe -ErrorAction SilentlyContinue) {
        # Windows PowerShell turns a redirected stderr line into an error, which 'Stop' would
        # throw; the launcher's "no such Python" is expected here.
        $saved = $ErrorActionPreference
        $ErrorActionPreference = 'Continue'
        try { & py.exe -3.11 -c "import sys" 2>$null } finally { $ErrorActionPreference = $saved }
        if ($LASTEXITCODE -eq 0) { return , @('py.exe', '-3.11') }
    }
    if (Get-Command python.exe -ErrorAction SilentlyContinue) { return , @('python.exe') }
    throw 'No Python found: install Python 3.11 (python.org, 64-bit) or set PYTHON.'
}

function Find-Iscc {
    if ($env:ISCC) {
        if (Test-Path -LiteralPath $env:ISCC) { return $env:ISCC }
        throw "ISCC is set to '$env:ISCC', which does not exist."
    }
    $onPath = Get-Command iscc.exe -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    # Inno Setup 6 installs per machine under Program Files (x86), or per user under
    # %LOCALAPPDATA%\Programs. Inno Setup 7 (64-bit) still accepts the /D and /S options.
    $candidates = @(
        (Join-Path ${env:ProgramFiles(x86)} 'Inno Setup 6\ISCC.exe'),
        (Join-Path $env:ProgramFiles 'Inno Setup 6\ISCC.exe'),
        (Join-Path $env:LOCALAPPDATA 'Programs\Inno Setup 6\ISCC.exe'),
        (Join-Path $env:ProgramFiles 'Inno Setup 7\ISCC.exe'),
        (Join-Path $env:LOCALAPPDATA 'Programs\Inno Setup 7\ISCC.exe')
    )
    foreach ($candidate in $candidates) {
        if (Test-Path -LiteralPath $candidate) { return $candidate }
    }
    throw 'ISCC.exe (Inno Setup 6) not found: install it (https://jrsoftware.org/isdl.php, or choco install innosetup) or set ISCC.'
}

function Find-SignTool {
    $onPath = Get-Command signtool.exe -ErrorAction SilentlyContinue
    if ($onPath) { return $onPath.Source }
    # The Windows 10/11 SDK keeps one folder per SDK version: take the newest x64 signtool.
    $kits = Join-Path ${env:ProgramFiles(x86)} 'Windows Kits\10\bin'
    $found = Get-ChildItem -Path $kits -Filter signtool.exe -Recurse -ErrorAction SilentlyContinue |
        Where-Object { $_.Directory.Name -eq 'x64' -and $_.Directory.Parent.Name -match '^\d+(\.\d+)+$' } |
        Sort-Object { [version]$_.Directory.Parent.Name } -Descending |
        Select-Object -First 1
    if ($found) { return $found.FullName }
    throw 'signtool.exe not found: install the Windows SDK (Signing Tools for Desktop Apps).'
}

# signtool's arguments for the configured certificate, or $null when signing is off.
function Get-SignArguments {
    if ($env:WINDOWS_SIGN_CERT_SHA1) {
        $cert = @('/sha1', $env:WINDOWS_SIGN_CERT_SHA1)
    } elseif ($env:WINDOWS_SIGN_PFX) {
        if (-not (Test-Path -LiteralPath $env:WINDOWS_SIGN_PFX)) {
            throw "WINDOWS_SIGN_PFX is set to '$env:WINDOWS_SIGN_PFX', which does not exist."
        }
        $cert = @('/f', $env:WINDOWS_SIGN_PFX)
        if ($env:WINDOWS_SIGN_PFX_PASSWORD) { $cert += @('/p', $env:WINDOWS_SIGN_PFX_PASSWORD) }
    } else {
        return $null
    }
    $timestamp = if ($env:WINDOWS_SIGN_TIMESTAMP_URL) { $env:WINDOWS_SIGN_TIMESTAMP_URL } else { 'http://timestamp.digicert.com' }
    return , (@('sign', '/fd', 'SHA256', '/tr', $timestamp, '/td', 'SHA256') + $cert)
}

# One word of an Inno Setup sign tool command: "$" doubled, and $q (Inno's quote) around it.
function ConvertTo-InnoSignWord([string]$Word) {
    return '$q' + $Word.Replace('$', '$$') + '$q'
}

# --- version: the same pattern as installers\mentordesk.spec
$init = Get-Content -LiteralPath (Join-Path $Root 'mentordesk\__init__.py') -Raw -Encoding UTF8
$match = [regex]::Match($init, '__version__ = "([^"]+)"')
if (-not $match.Success) { throw 'No __version__ = "..." in mentordesk\__init__.py' }
$version = $match.Groups[1].Value
# The exe's version resource takes up to four numbers only ("0.2.0rc1" -> "0.2.0").
$numeric = [regex]::Match($version, '^\d+(\.\d+){0,3}').Value
if (-not $numeric) { throw "Version '$version' does not start with a number." }
Write-Host "--- MentorDesk $version"

# --- virtual environment and the [build] extra
$venvPython = Join-Path $Root '.venv\Scripts\python.exe'
if (-not (Test-Path -LiteralPath $venvPython)) {
    $base = Get-BasePython
    $baseArgs = @()
    if ($base.Count -gt 1) { $baseArgs = $base[1..($base.Count - 1)] }
    Write-Host "--- creating .venv with $($base -join ' ')"
    & $base[0] @baseArgs -m venv .venv
    Assert-ExitCode 'python -m venv'
}
& $venvPython -c "import sys, struct; assert sys.version_info >= (3, 11), sys.version; assert struct.calcsize('P') == 8, '32-bit Python'"
Assert-ExitCode 'Checking .venv (it needs a 64-bit Python 3.11 or later; delete .venv to make it again)'
& $venvPython -m pip install --upgrade pip
Assert-ExitCode 'pip install --upgrade pip'
& $venvPython -m pip install -e '.[build]'
Assert-ExitCode 'pip install -e .[build]'

# --- PyInstaller
Write-Host '--- PyInstaller'
& $venvPython -m PyInstaller --noconfirm --clean --distpath dist --workpath build installers\mentordesk.spec
Assert-ExitCode 'PyInstaller'
$exe = Join-Path $Root 'dist\mentordesk\mentordesk.exe'
if (-not (Test-Path -LiteralPath $exe)) { throw "PyInstaller made no $exe" }

# --- frozen smoke test. The exe is a GUI-subsystem program: PowerShell would not wait for it
# when called directly, and it has no console for its output, so only the exit code tells.
Write-Host '--- frozen smoke test'
$started = Get-Date
$proc = Start-Process -FilePath $exe -ArgumentList '--smoke-test' -Wait -PassThru -NoNewWindow
$seconds = ((Get-Date) - $started).TotalSeconds
if ($null -eq $proc.ExitCode -or $proc.ExitCode -ne 0) {
    throw ("Frozen smoke test failed (exit code {0}). Build once with console=True in the spec to see which step." -f $proc.ExitCode)
}
Write-Host ("smoke test passed in {0:N1} s" -f $seconds)

# --- optional signing of the exe (before ISCC packs it)
$signArgs = Get-SignArguments
$isccSignArgs = @()
if ($signArgs) {
    $signtool = Find-SignTool
    Write-Host "--- signing mentordesk.exe with $signtool"
    & $signtool @signArgs $exe
    Assert-ExitCode 'signtool sign mentordesk.exe'
    & $signtool verify /pa $exe
    Assert-ExitCode 'signtool verify mentordesk.exe'
    # The same command for ISCC's sign tool "mentordesk" ($f is the file Inno Setup signs).
    $command = ((@($signtool) + $signArgs) | ForEach-Object { ConvertTo-InnoSignWord $_ }) -join ' '
    $isccSignArgs = @('/DSign', "/Smentordesk=$command `$f")
} else {
    Write-Host '--- not signing (no WINDOWS_SIGN_CERT_SHA1 or WINDOWS_SIGN_PFX)'
}

# --- Inno Setup
$iscc = Find-Iscc
Write-Host "--- Inno Setup: $iscc"
& $iscc "/DAppVersion=$version" "/DAppNumericVersion=$numeric" @isccSignArgs installers\windows\mentordesk.iss
Assert-ExitCode 'ISCC'

$setup = Join-Path $Root "dist\MentorDesk-$version-setup.exe"
if (-not (Test-Path -LiteralPath $setup)) { throw "ISCC reported success but made no $setup" }
$size = (Get-Item -LiteralPath $setup).Length
Write-Host ("--- {0}  ({1:N1} MB)" -f $setup, ($size / 1048576))
