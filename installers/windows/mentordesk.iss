; Inno Setup 6 script: the Windows installer of the one-folder bundle in dist\mentordesk\.
;
; Compiled with Inno Setup 6.4.1 under Wine 8.0 (no errors, no warnings, also with /DSign) and
; its Setup run there silently, per user and for all users: install, upgrade, uninstall;
; installers/windows/check_under_wine.sh repeats that with a FAKE bundle. Never yet compiled
; or run on Windows itself, nor with the real PyInstaller bundle; under Wine, the per-user
; default folder ({autopf} = %LOCALAPPDATA%\Programs) and the Restart Manager could not be
; tried (see that script). installers\windows\build_windows.ps1 builds this after
; PyInstaller and the frozen smoke test; by hand, from the repository root:
;
;   iscc /DAppVersion=0.1.0 installers\windows\mentordesk.iss
;
; Defines (ISCC /D<name>=<value>):
;   AppVersion         required; the version from mentordesk\__init__.py (__version__).
;   AppNumericVersion  optional; up to four dot-separated numbers for the exe's version
;                      resource (VersionInfoVersion accepts nothing else, e.g. no "rc1").
;                      Defaults to AppVersion, which is right for versions like 0.1.0.
;   Sign               optional; when defined, Setup and the uninstaller are signed through
;                      the sign tool named "mentordesk", which ISCC must be given, e.g.
;                      iscc /DSign "/Smentordesk=signtool.exe sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /sha1 <thumbprint> $f" ...
;                      ($f is the file to sign; build_windows.ps1 composes this line.)
;
; The user's data (database and backups) lives in %LOCALAPPDATA%\MentorDesk, outside {app},
; and is never touched by this script: uninstalling removes the program only.

; x64compatible (below) arrived in Inno Setup 6.3.
#if VER < EncodeVer(6,3,0)
  #error Inno Setup 6.3 or later is needed to compile this script
#endif
#ifndef AppVersion
  #error Pass the version: iscc /DAppVersion=<__version__ of mentordesk\__init__.py> mentordesk.iss
#endif
#ifndef AppNumericVersion
  #define AppNumericVersion AppVersion
#endif

[Setup]
; Never change AppId: it is how Setup recognises an earlier install of MentorDesk and
; upgrades it in place (same folder, same install mode) instead of installing beside it.
; The doubled brace is Inno Setup's escape for a literal "{".
AppId={{6C1E4C57-2E0B-4B8E-9A55-5F1D0C7E4A21}
AppName=MentorDesk
AppVersion={#AppVersion}
AppVerName=MentorDesk {#AppVersion}
AppPublisher=MentorDesk
AppCopyright=Copyright (C) MentorDesk
AppComments=Run a workplace peer-mentoring programme from one offline desktop app.
VersionInfoVersion={#AppNumericVersion}
VersionInfoProductVersion={#AppNumericVersion}
VersionInfoTextVersion={#AppVersion}
VersionInfoProductTextVersion={#AppVersion}
VersionInfoProductName=MentorDesk
VersionInfoCompany=MentorDesk
VersionInfoDescription=MentorDesk Setup

; Per-user install by default (no administrator needed, {autopf} is then
; %LOCALAPPDATA%\Programs); the first page lets the user choose "all users" instead
; ({autopf} = Program Files, needs elevation). /CURRENTUSER or /ALLUSERS on Setup's command
; line skip that question. An upgrade keeps the earlier choice (UsePreviousPrivileges=yes,
; the default).
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
DefaultDirName={autopf}\MentorDesk
DisableProgramGroupPage=yes

; The bundle is 64-bit only (64-bit Python and Qt); x64compatible also admits Windows 11 on
; Arm64, which runs x64 programs under emulation. Qt 6 needs Windows 10 or later.
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0

; A running MentorDesk holds its exe and DLLs open: Setup then stops on "Preparing to
; Install", lists it and offers to close it (Windows Restart Manager). .pyd files are the
; Python extension modules, DLLs under another name. The app does not register with the
; Restart Manager, so it is not started again afterwards; the Finish page offers that.
CloseApplications=yes
CloseApplicationsFilter=*.exe,*.dll,*.pyd
RestartApplications=no
; Two copies of Setup must not run at once.
SetupMutex=MentorDeskSetupMutex

OutputDir=..\..\dist
OutputBaseFilename=MentorDesk-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\mentordesk.ico
UninstallDisplayIcon={app}\mentordesk.exe
UninstallDisplayName=MentorDesk
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern

#ifdef Sign
SignTool=mentordesk
SignedUninstaller=yes
#endif

[Languages]
Name: "english"; MessagesFile: "compiler:Default.isl"

[Messages]
; %1 is "MentorDesk"; "%%" is a literal percent sign, "%n" a line break.
ConfirmUninstall=Are you sure you want to remove %1 from this computer?%n%nYour MentorDesk data (the programme database and its backups in %%LOCALAPPDATA%%\MentorDesk) is not removed.
UninstalledAll=%1 was removed from your computer.%n%nYour MentorDesk data was kept in %%LOCALAPPDATA%%\MentorDesk. Delete that folder yourself if you no longer need it.

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[InstallDelete]
; An upgrade must not leave an older version's modules beside the new ones (a stale .pyd or
; package directory can shadow the new one), so the bundle's library folder (PyInstaller 6's
; contents directory, "_internal") is emptied first. It holds program files only.
Type: filesandordirs; Name: "{app}\_internal"

[Files]
Source: "..\..\dist\mentordesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
; The exe carries the icon (the spec's EXE icon=), so shortcuts show it without IconFilename.
Name: "{autoprograms}\MentorDesk"; Filename: "{app}\mentordesk.exe"; WorkingDir: "{app}"; Comment: "Run the mentoring programme"
Name: "{autodesktop}\MentorDesk"; Filename: "{app}\mentordesk.exe"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
; A postinstall entry runs as the user who started Setup (runasoriginaluser is the default
; with postinstall), so after an "all users" install the app does not start elevated and
; creates its data in that user's own %LOCALAPPDATA%.
Filename: "{app}\mentordesk.exe"; Description: "{cm:LaunchProgram,MentorDesk}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] section on purpose: the uninstaller removes exactly what [Files]
; installed, and the data folder is not among it.
