/**
 * `C:\OEM\porthole-apps.ps1`: lists the installed Windows programs for Porthole, with no network agent.
 * Kept as TypeScript text so the OEM folder is written from one place (machine/oem.ts); CRLF is added there.
 * The format it writes is `appsFileSchema` in app/api/apps.ts; fixtures/apps-sample is a hand-written sample.
 */
export const APPS_SCRIPT_NAME = 'porthole-apps.ps1';
export const APPS_TASK_NAME = 'Porthole app list';

export const APPS_SCRIPT = String.raw`# Written by Porthole. Lists this Windows' programs for the Linux host that runs it.
# -Install (install.bat, once, at the first logon after Setup): allows RemoteApp for any program and registers
#   a scheduled task that runs this script with -Watch at every logon.
# -Watch: writes the list, then again whenever a Start menu shortcut changes.
# Output: \\host.lan\Porthole\apps\apps.json and icons\<id>.png: Porthole's own share, writable whatever
# the machine's shared folders are (Porthole serves it once the machine has started).
# Nothing here listens on the network: Porthole only reads that folder.
param([switch]$Install, [switch]$Watch)
$ErrorActionPreference = 'Continue'
$Share = '\\host.lan\Porthole'
$Out = "$Share\apps"
$Keep = "$env:ProgramData\Porthole"
$Menus = @("$env:ProgramData\Microsoft\Windows\Start Menu\Programs", "$env:APPDATA\Microsoft\Windows\Start Menu\Programs")

# A stable id: 12 hex digits of the SHA-1 of what is launched, so a program keeps its id (and its menu entry).
function Get-Id([string]$Text) {
  $hash = [Security.Cryptography.SHA1]::Create().ComputeHash([Text.Encoding]::UTF8.GetBytes($Text.ToLowerInvariant()))
  -join ($hash[0..5] | ForEach-Object { $_.ToString('x2') })
}

# The program's own icon as a PNG; none when Windows has none to give.
function Save-Icon([string]$Path, [string]$Id) {
  try {
    $icon = [Drawing.Icon]::ExtractAssociatedIcon($Path)
    $bitmap = $icon.ToBitmap()
    $bitmap.Save("$Out\icons\$Id.png", [Drawing.Imaging.ImageFormat]::Png)
    $bitmap.Dispose()
    return "$Id.png"
  } catch { return $null }
}

function Write-List {
  Add-Type -AssemblyName System.Drawing
  New-Item -ItemType Directory -Force "$Out\icons" | Out-Null
  $apps = [ordered]@{}
  function Add-App([string]$Name, [string]$Target, [string]$Arguments, [string]$Source, [string]$IconFrom) {
    $id = Get-Id "$Target $Arguments"
    if ($apps.Contains($id)) { return }
    $apps[$id] = [ordered]@{ id = $id; name = $Name; target = $Target; args = $Arguments; source = $Source; icon = (Save-Icon $IconFrom $id) }
  }
  # Start menu shortcuts (all users and this user) to programs that exist.
  $shell = New-Object -ComObject WScript.Shell
  Get-ChildItem $Menus -Recurse -Filter *.lnk -ErrorAction SilentlyContinue | ForEach-Object {
    $link = $shell.CreateShortcut($_.FullName)
    if ($link.TargetPath -like '*.exe' -and (Test-Path $link.TargetPath)) { Add-App $_.BaseName $link.TargetPath $link.Arguments 'start-menu' $link.TargetPath }
  }
  # App Paths: programs registered to be started by name (Win+R), often without a shortcut.
  Get-ChildItem 'HKLM:\SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths' -ErrorAction SilentlyContinue | ForEach-Object {
    $exe = [string]$_.GetValue('')
    if ($exe) { $exe = [Environment]::ExpandEnvironmentVariables($exe.Trim('"')) }
    if ($exe -like '*.exe' -and (Test-Path $exe)) { Add-App ([IO.Path]::GetFileNameWithoutExtension($_.PSChildName)) $exe '' 'app-paths' $exe }
  }
  # UWP (Store) apps: RemoteApp starts them through explorer.exe and their AppUserModelID.
  Get-StartApps | Where-Object { $_.AppID -like '*!*' } | ForEach-Object {
    Add-App $_.Name "$env:windir\explorer.exe" "shell:AppsFolder\$($_.AppID)" 'uwp' $null
  }
  $document = [ordered]@{ format = 'porthole-apps/1'; written = (Get-Date).ToUniversalTime().ToString('o'); apps = @($apps.Values) }
  # Written aside, then moved over the old list: Porthole never reads half a file.
  [IO.File]::WriteAllText("$Out\apps.json.tmp", (ConvertTo-Json -InputObject $document -Depth 4), (New-Object Text.UTF8Encoding $true))
  Move-Item -Force "$Out\apps.json.tmp" "$Out\apps.json"
}

if ($Install) {
  # RemoteApp: let a client start any program, not only those on the server's allow list.
  $policy = 'HKLM:\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services'
  if (-not (Test-Path $policy)) { New-Item -Path $policy | Out-Null }
  Set-ItemProperty -Path $policy -Name fAllowUnlistedRemotePrograms -Type DWord -Value 1
  Set-ItemProperty -Path 'HKLM:\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Terminal Server\TSAppAllowList' -Name fDisabledAllowList -Type DWord -Value 1
  # C:\OEM is Setup's folder: keep our own copy for the task.
  New-Item -ItemType Directory -Force $Keep | Out-Null
  Copy-Item -Force $MyInvocation.MyCommand.Path "$Keep\porthole-apps.ps1"
  $action = New-ScheduledTaskAction -Execute 'powershell.exe' -Argument "-NoProfile -WindowStyle Hidden -ExecutionPolicy Bypass -File ""$Keep\porthole-apps.ps1"" -Watch"
  Register-ScheduledTask -TaskName '${APPS_TASK_NAME}' -Action $action -Trigger (New-ScheduledTaskTrigger -AtLogOn) -Force | Out-Null
  Start-ScheduledTask -TaskName '${APPS_TASK_NAME}'
}

if ($Watch) {
  # At logon the guest network may not be up yet, and nothing signals the share appearing: wait for it.
  while (-not (Test-Path $Share)) { Start-Sleep -Seconds 10 }
  Write-List
  $index = 0
  foreach ($menu in $Menus) {
    if (-not (Test-Path $menu)) { continue }
    $watcher = New-Object IO.FileSystemWatcher $menu, '*.lnk'
    $watcher.IncludeSubdirectories = $true
    foreach ($change in 'Created', 'Deleted', 'Renamed', 'Changed') { Register-ObjectEvent $watcher $change -SourceIdentifier "porthole-$index-$change" | Out-Null }
    $watcher.EnableRaisingEvents = $true
    $index++
  }
  while ($true) {
    Wait-Event | Out-Null
    Start-Sleep -Seconds 3 # an installer writes many shortcuts at once: one new list for them all
    Get-Event | Remove-Event
    Write-List
  }
}
`;
