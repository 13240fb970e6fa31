; Ferry's Windows installer (NSIS 3, built by packaging/build-windows.sh):
;   makensis -DVERSION=0.1.0 -DEXE=path\to\ferry.exe -DOUTFILE=setup.exe -DLICENSE=license.txt \
;       packaging/windows/ferry.nsi
; Installs for the current user (no administrator rights) into %LOCALAPPDATA%\Programs\Ferry:
; ferry.exe, a Start-menu shortcut and an uninstaller (listed in Settings > Apps). Opening ftp://,
; ftps:// and ftpes:// links with Ferry is an opt-in component (unchecked by default; /URLHANDLER
; selects it in a silent install, /S). Nothing else is installed, downloaded or offered.

; A 64-bit installer for a 64-bit program (it also runs under a 64-bit-only Wine).
Target amd64-unicode
!include MUI2.nsh
!include FileFunc.nsh
!include LogicLib.nsh
!include x64.nsh

!ifndef VERSION | EXE | OUTFILE | LICENSE
  !error "define VERSION, EXE, OUTFILE and LICENSE (see the top of this file)"
!endif

!define APP "Ferry"
!define UNINSTALL_KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Ferry"
!define APP_PATHS_KEY "Software\Microsoft\Windows\CurrentVersion\App Paths\ferry.exe"
!define PROGID "Ferry.Url"
!define CAPABILITIES_KEY "Software\Ferry\Capabilities"
!define HOMEPAGE "https://github.com/ferry-ftp/ferry"

Name "${APP}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Ferry"
InstallDirRegKey HKCU "${UNINSTALL_KEY}" "InstallLocation"
RequestExecutionLevel user
SetCompressor /SOLID lzma
ShowInstDetails show
ShowUninstDetails show

VIProductVersion "${VERSION}.0"
VIAddVersionKey "ProductName" "${APP}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${VERSION}"
VIAddVersionKey "FileDescription" "${APP} ${VERSION} Setup"
VIAddVersionKey "LegalCopyright" "The Ferry contributors; MIT OR Apache-2.0"

!define MUI_ICON "ferry.ico"
!define MUI_UNICON "ferry.ico"
!define MUI_ABORTWARNING
!define MUI_COMPONENTSPAGE_NODESC
!define MUI_FINISHPAGE_RUN "$INSTDIR\ferry.exe"
!define MUI_FINISHPAGE_RUN_TEXT "Start Ferry"

!insertmacro MUI_PAGE_LICENSE "${LICENSE}"
!insertmacro MUI_PAGE_COMPONENTS
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Section "Ferry (required)" SecApp
  SectionIn RO
  SetOutPath "$INSTDIR"
  File "/oname=ferry.exe" "${EXE}"
  File "/oname=README.md" "../../README.md"
  WriteUninstaller "$INSTDIR\uninstall.exe"
  CreateShortcut "$SMPROGRAMS\Ferry.lnk" "$INSTDIR\ferry.exe" "" "$INSTDIR\ferry.exe" 0

  ; Win+R and `start ferry` find ferry.exe without it being on PATH.
  WriteRegStr HKCU "${APP_PATHS_KEY}" "" "$INSTDIR\ferry.exe"

  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayName" "${APP}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "DisplayIcon" "$INSTDIR\ferry.exe,0"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "Publisher" "The Ferry project"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "URLInfoAbout" "${HOMEPAGE}"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTALL_KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKCU "${UNINSTALL_KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  WriteRegDWORD HKCU "${UNINSTALL_KEY}" "EstimatedSize" $0
SectionEnd

!macro RegisterScheme SCHEME DESCRIPTION
  WriteRegStr HKCU "Software\Classes\${SCHEME}" "" "URL:${DESCRIPTION}"
  WriteRegStr HKCU "Software\Classes\${SCHEME}" "URL Protocol" ""
  WriteRegStr HKCU "Software\Classes\${SCHEME}\DefaultIcon" "" "$INSTDIR\ferry.exe,0"
  WriteRegStr HKCU "Software\Classes\${SCHEME}\shell\open\command" "" '"$INSTDIR\ferry.exe" "%1"'
  WriteRegStr HKCU "${CAPABILITIES_KEY}\URLAssociations" "${SCHEME}" "${PROGID}"
!macroend

Section /o "Open ftp:// links with Ferry" SecUrlHandler
  ; A ProgID and capabilities, so that Ferry is offered in Settings > Default apps, and the
  ; schemes themselves for the current user (Windows still lets a choice made there win).
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "FTP link"
  WriteRegStr HKCU "Software\Classes\${PROGID}" "URL Protocol" ""
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\ferry.exe,0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\ferry.exe" "%1"'
  WriteRegStr HKCU "${CAPABILITIES_KEY}" "ApplicationName" "${APP}"
  WriteRegStr HKCU "${CAPABILITIES_KEY}" "ApplicationDescription" "FTP and FTPS client"
  WriteRegStr HKCU "Software\RegisteredApplications" "${APP}" "${CAPABILITIES_KEY}"
  !insertmacro RegisterScheme "ftp" "File Transfer Protocol"
  !insertmacro RegisterScheme "ftps" "FTP over implicit TLS"
  !insertmacro RegisterScheme "ftpes" "FTP over explicit TLS"
  ; Tell Explorer that associations changed (SHCNE_ASSOCCHANGED).
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd

Function .onInit
  ${IfNot} ${RunningX64}
    MessageBox MB_ICONSTOP "Ferry needs 64-bit Windows."
    Abort
  ${EndIf}
  SetRegView 64
  ${GetParameters} $0
  ClearErrors
  ${GetOptions} $0 "/URLHANDLER" $1
  ${IfNot} ${Errors}
    SectionSetFlags ${SecUrlHandler} ${SF_SELECTED}
  ${EndIf}
FunctionEnd

Function un.onInit
  SetRegView 64
FunctionEnd

; Removes a scheme's key only when it still opens this Ferry.
!macro UnregisterScheme SCHEME
  ReadRegStr $0 HKCU "Software\Classes\${SCHEME}\shell\open\command" ""
  ${If} $0 == '"$INSTDIR\ferry.exe" "%1"'
    DeleteRegKey HKCU "Software\Classes\${SCHEME}"
  ${EndIf}
!macroend

Section "Uninstall"
  !insertmacro UnregisterScheme "ftp"
  !insertmacro UnregisterScheme "ftps"
  !insertmacro UnregisterScheme "ftpes"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  DeleteRegValue HKCU "Software\RegisteredApplications" "${APP}"
  DeleteRegKey HKCU "Software\Ferry\Capabilities"
  DeleteRegKey /ifempty HKCU "Software\Ferry"
  DeleteRegKey HKCU "${APP_PATHS_KEY}"
  DeleteRegKey HKCU "${UNINSTALL_KEY}"
  Delete "$SMPROGRAMS\Ferry.lnk"
  Delete "$INSTDIR\ferry.exe"
  Delete "$INSTDIR\README.md"
  Delete "$INSTDIR\uninstall.exe"
  RMDir "$INSTDIR"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'
SectionEnd
