; Handover per-user installer (NSIS 3.08+; built by packaging/dist.sh, which passes the
; defines below). No admin rights: everything goes to the user's profile and HKCU.
;
;   makensis -V2 -DVERSION=0.1.0 -DNUMVER=0.1.0.7 -DAPP_EXE=/abs/handover.exe \
;     -DCLI_EXE=/abs/handover-cli.exe -DICON=/abs/handover.ico \
;     -DOUTFILE=/abs/Handover-0.1.0-setup.exe [-DSIGN_UNINST=/abs/packaging/sign.sh] handover.nsi
;
; Silent install / uninstall: Handover-<version>-setup.exe /S, Uninstall.exe /S.

Unicode true
ManifestDPIAware true
ManifestSupportedOS all

!include "MUI2.nsh"
!include "LogicLib.nsh"
!include "FileFunc.nsh"
!include "x64.nsh"
!include "WinVer.nsh"

!macro REQUIRE name
  !ifndef ${name}
    !error "missing -D${name}=... (run packaging/dist.sh windows)"
  !endif
!macroend
!insertmacro REQUIRE VERSION   ; shown to people, e.g. 0.1.0 or 0.1.0-3-gabc1234
!insertmacro REQUIRE NUMVER    ; x.y.z.w for the version resource
!insertmacro REQUIRE APP_EXE   ; GUI build (-H=windowsgui)
!insertmacro REQUIRE CLI_EXE   ; the same build with the console subsystem
!insertmacro REQUIRE ICON
!insertmacro REQUIRE OUTFILE

!define APPNAME   "Handover"
!define PUBLISHER "Handover"
!define EXE       "handover.exe"
!define CLIEXE    "handover-cli.exe"
!define APPKEY    "Software\Handover"
!define UNINSTKEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\Handover"
!define EXT       ".handover"
!define PROGID    "Handover.Migration"
!define MIME      "application/x-handover"

!ifdef SIGN_UNINST
  ; sign the uninstaller that makensis embeds (NSIS 3.08+); %1 is its temp path
  !uninstfinalize '"${SIGN_UNINST}" "%1"' = 0
!endif

Name "${APPNAME}"
OutFile "${OUTFILE}"
InstallDir "$LOCALAPPDATA\Programs\Handover"
RequestExecutionLevel user
SetCompressor /SOLID lzma
; 64 MB window: handover-cli.exe is handover.exe with one header byte changed, so the
; second copy costs almost nothing (the default 8 MB window halves the ratio)
SetCompressorDictSize 64
BrandingText "${APPNAME} ${VERSION}"
ShowInstDetails hide
ShowUninstDetails hide

VIProductVersion "${NUMVER}"
VIFileVersion "${NUMVER}"
VIAddVersionKey "ProductName" "${APPNAME}"
VIAddVersionKey "ProductVersion" "${VERSION}"
VIAddVersionKey "FileVersion" "${NUMVER}"
VIAddVersionKey "FileDescription" "${APPNAME} Setup"
VIAddVersionKey "CompanyName" "${PUBLISHER}"
VIAddVersionKey "LegalCopyright" "Copyright (C) The Handover authors"
VIAddVersionKey "OriginalFilename" "Handover-${VERSION}-setup.exe"

!define MUI_ICON "${ICON}"
!define MUI_UNICON "${ICON}"
!define MUI_ABORTWARNING
!define MUI_WELCOMEPAGE_TITLE "Install ${APPNAME} ${VERSION}"
!define MUI_WELCOMEPAGE_TEXT "${APPNAME} moves your firm's data into Clio Manage.$\r$\n$\r$\nIt is installed for your Windows account only and does not need administrator rights.$\r$\n$\r$\nIf ${APPNAME} is already installed it is updated in place; your migrations and settings are kept.$\r$\n$\r$\nClick Next to continue."
!define MUI_FINISHPAGE_RUN "$INSTDIR\${EXE}"
!define MUI_FINISHPAGE_RUN_TEXT "Start ${APPNAME} now"

!insertmacro MUI_PAGE_WELCOME
!define MUI_PAGE_CUSTOMFUNCTION_PRE SkipDirectoryOnUpgrade
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "English"

Var Upgrade

Function .onInit
  ${IfNot} ${RunningX64}
  ${OrIfNot} ${AtLeastWin10}
    MessageBox MB_OK|MB_ICONSTOP "${APPNAME} needs 64-bit Windows 10 or later.$\r$\n$\r$\nOn an older PC, export your data there onto a USB stick and run ${APPNAME} on a newer one." /SD IDOK
    Abort
  ${EndIf}
  SetRegView 64
  SetShellVarContext current
  ; upgrade in place: reuse the folder of the existing installation
  StrCpy $Upgrade 0
  ReadRegStr $0 HKCU "${UNINSTKEY}" "InstallLocation"
  ${If} $0 != ""
  ${AndIf} ${FileExists} "$0\${EXE}"
    StrCpy $INSTDIR $0
    StrCpy $Upgrade 1
  ${EndIf}
FunctionEnd

Function SkipDirectoryOnUpgrade
  ${If} $Upgrade = 1
    Abort ; skips the page
  ${EndIf}
FunctionEnd

; Files of a running program can't be replaced. Ask the app to close (taskkill without /F
; sends WM_CLOSE, like clicking the window's X, so nothing is killed mid-write), then ask
; the person. A running handover-cli.exe (maybe a long migration) is never closed for them.
!macro DEFINE_ENSURE_CLOSED prefix
Function ${prefix}EnsureClosed
  StrCpy $1 0
  retry:
  ClearErrors
  ${If} ${FileExists} "$INSTDIR\${EXE}"
    FileOpen $0 "$INSTDIR\${EXE}" a
    ${If} ${Errors}
      ${If} $1 = 0
        DetailPrint "Closing the running ${APPNAME}..."
        nsExec::Exec '"$SYSDIR\taskkill.exe" /IM ${EXE}'
        Pop $2
        StrCpy $1 1
        Sleep 3000
        Goto retry
      ${EndIf}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "${APPNAME} is still running.$\r$\n$\r$\nPlease close its window, then click Retry." /SD IDCANCEL IDRETRY retry
      Abort "${APPNAME} is still running."
    ${EndIf}
    FileClose $0
  ${EndIf}
  ClearErrors
  ${If} ${FileExists} "$INSTDIR\${CLIEXE}"
    FileOpen $0 "$INSTDIR\${CLIEXE}" a
    ${If} ${Errors}
      MessageBox MB_RETRYCANCEL|MB_ICONEXCLAMATION "The ${APPNAME} command line (${CLIEXE}) is still running.$\r$\n$\r$\nWait for it to finish or stop it, then click Retry." /SD IDCANCEL IDRETRY retry
      Abort "${CLIEXE} is still running."
    ${EndIf}
    FileClose $0
  ${EndIf}
FunctionEnd
!macroend
!insertmacro DEFINE_ENSURE_CLOSED ""
!insertmacro DEFINE_ENSURE_CLOSED "un."

Section "Install"
  Call EnsureClosed

  SetOutPath "$INSTDIR"
  File "/oname=${EXE}" "${APP_EXE}"
  File "/oname=${CLIEXE}" "${CLI_EXE}"
  WriteUninstaller "$INSTDIR\Uninstall.exe"

  CreateShortcut "$SMPROGRAMS\${APPNAME}.lnk" "$INSTDIR\${EXE}" "" "$INSTDIR\${EXE}" 0 SW_SHOWNORMAL "" "Move your firm's data into Clio Manage"

  ; .handover files open in Handover (per user: HKCU\Software\Classes)
  WriteRegStr HKCU "Software\Classes\${EXT}" "" "${PROGID}"
  WriteRegStr HKCU "Software\Classes\${EXT}" "Content Type" "${MIME}"
  WriteRegStr HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}" ""
  WriteRegStr HKCU "Software\Classes\${PROGID}" "" "Handover migration"
  WriteRegStr HKCU "Software\Classes\${PROGID}\DefaultIcon" "" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "Software\Classes\${PROGID}\shell\open\command" "" '"$INSTDIR\${EXE}" "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)' ; SHCNE_ASSOCCHANGED

  WriteRegStr HKCU "${APPKEY}" "InstallDir" "$INSTDIR"
  WriteRegStr HKCU "${APPKEY}" "Version" "${VERSION}"

  ; Settings > Apps / Add or Remove Programs (per user)
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayName" "${APPNAME}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKCU "${UNINSTKEY}" "Publisher" "${PUBLISHER}"
  WriteRegStr HKCU "${UNINSTKEY}" "DisplayIcon" "$INSTDIR\${EXE},0"
  WriteRegStr HKCU "${UNINSTKEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKCU "${UNINSTKEY}" "UninstallString" '"$INSTDIR\Uninstall.exe"'
  WriteRegStr HKCU "${UNINSTKEY}" "QuietUninstallString" '"$INSTDIR\Uninstall.exe" /S'
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoModify" 1
  WriteRegDWORD HKCU "${UNINSTKEY}" "NoRepair" 1
  ${GetSize} "$INSTDIR" "/S=0K" $0 $1 $2
  IntFmt $0 "0x%08X" $0
  WriteRegDWORD HKCU "${UNINSTKEY}" "EstimatedSize" "$0"
SectionEnd

Function un.onInit
  SetRegView 64
  SetShellVarContext current
FunctionEnd

; Removes exactly what the installer created. User data is kept: migrations (*.handover)
; wherever they were saved, app settings under %APPDATA%\fyne\com.handover.app, and
; credentials in Windows Credential Manager. RMDir without /r leaves a folder that still
; holds the person's own files.
Section "Uninstall"
  Call un.EnsureClosed

  Delete "$INSTDIR\${EXE}"
  Delete "$INSTDIR\${CLIEXE}"
  Delete "$INSTDIR\Uninstall.exe"
  RMDir "$INSTDIR"

  Delete "$SMPROGRAMS\${APPNAME}.lnk"

  ReadRegStr $0 HKCU "Software\Classes\${EXT}" ""
  ${If} $0 == "${PROGID}"
    DeleteRegValue HKCU "Software\Classes\${EXT}" ""
  ${EndIf}
  ReadRegStr $0 HKCU "Software\Classes\${EXT}" "Content Type"
  ${If} $0 == "${MIME}"
    DeleteRegValue HKCU "Software\Classes\${EXT}" "Content Type"
  ${EndIf}
  DeleteRegValue HKCU "Software\Classes\${EXT}\OpenWithProgids" "${PROGID}"
  DeleteRegKey /ifempty HKCU "Software\Classes\${EXT}\OpenWithProgids"
  DeleteRegKey /ifempty HKCU "Software\Classes\${EXT}"
  DeleteRegKey HKCU "Software\Classes\${PROGID}"
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'

  DeleteRegKey HKCU "${APPKEY}"
  DeleteRegKey HKCU "${UNINSTKEY}"
SectionEnd
