; Inno Setup 6 script: an installer for the one-folder bundle in dist\mentordesk\.
; DRAFT, not yet built or tested on Windows. Build it after PyInstaller, from the
; repository root:   iscc /DAppVersion=0.1.0 installers\windows\mentordesk.iss
; (installers\README.md: pass the version from mentordesk\__init__.py; signing).

#ifndef AppVersion
  #define AppVersion "0.0.0"
#endif

[Setup]
AppId={{6C1E4C57-2E0B-4B8E-9A55-5F1D0C7E4A21}
AppName=MentorDesk
AppVersion={#AppVersion}
AppPublisher=MentorDesk
DefaultDirName={autopf}\MentorDesk
DefaultGroupName=MentorDesk
DisableProgramGroupPage=yes
; Per-user install by default (no administrator needed); the user may choose all users.
PrivilegesRequired=lowest
PrivilegesRequiredOverridesAllowed=dialog
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
OutputDir=..\..\dist
OutputBaseFilename=MentorDesk-{#AppVersion}-setup
SetupIconFile=..\..\resources\icons\mentordesk.ico
UninstallDisplayIcon={app}\mentordesk.exe
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
; Signing: define a sign tool named "signtool" in the Inno Setup IDE or with
; iscc /S"signtool=signtool.exe sign /fd SHA256 /tr http://timestamp.digicert.com /td SHA256 /a $f"
; and uncomment the next line.
; SignTool=signtool

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "..\..\dist\mentordesk\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\MentorDesk"; Filename: "{app}\mentordesk.exe"
Name: "{autodesktop}\MentorDesk"; Filename: "{app}\mentordesk.exe"; Tasks: desktopicon

[Run]
Filename: "{app}\mentordesk.exe"; Description: "{cm:LaunchProgram,MentorDesk}"; Flags: nowait postinstall skipifsilent

; The user's data (database, backups) lives in %LOCALAPPDATA%\MentorDesk and is kept on
; uninstall on purpose.
