import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APPS_FORMAT, appsFileEntrySchema, appSources } from '../../api';
import { CHANNEL_FOLDER, CHANNEL_SHARE, CHANNEL_SHARE_SCRIPT } from './channel';
import { decodeWindowsText } from './folder';
import { APPS_SCRIPT } from '../machine/porthole-apps.ps1';

/**
 * No PowerShell runs here (Debian has none): these hold the script to the schema the host parses, so a
 * change on one side that the other does not follow fails. The script's behaviour in Windows is for a
 * real guest to show (README, "Windows programs as Linux apps").
 */
describe('porthole-apps.ps1 against the schema it writes', () => {
  it('writes the format, the folder and the entry keys the schema reads, in that order', () => {
    expect(APPS_SCRIPT).toContain(`format = '${APPS_FORMAT}'`);
    expect(APPS_SCRIPT).toContain(`$Share = '\\\\host.lan\\${CHANNEL_SHARE}'`);
    expect(APPS_SCRIPT).toContain('$Out = "$Share\\apps"');
    // Porthole's share, not the person's first shared folder (none, or read-only, on many machines).
    expect(APPS_SCRIPT).not.toContain('host.lan\\Data');
    expect(CHANNEL_SHARE_SCRIPT).toContain(`[${CHANNEL_SHARE}]\\n    path = /storage/${CHANNEL_FOLDER}\\n`);
    expect(CHANNEL_SHARE_SCRIPT).toContain('read only = no');
    const entry = /\$apps\[\$id\] = \[ordered\]@\{ (.*) \}$/m.exec(APPS_SCRIPT)?.[1] ?? '';
    const keys = entry.split('; ').map((pair) => pair.split(' = ')[0]);
    expect(keys).toEqual(Object.keys(appsFileEntrySchema.shape));
  });

  it('names only the sources the schema knows', () => {
    const used = [...APPS_SCRIPT.matchAll(/ '(start-menu|app-paths|uwp|[a-z-]+)' \$/g)].map((m) => m[1]);
    expect(new Set(used)).toEqual(new Set(appSources));
  });

  it('makes the id the schema checks: 12 hex digits (6 bytes of SHA-1)', () => {
    expect(APPS_SCRIPT).toContain("$hash[0..5] | ForEach-Object { $_.ToString('x2') }");
  });

  it('writes UTF-8 with a BOM, atomically, and the sample fixture is written that way', async () => {
    expect(APPS_SCRIPT).toContain('New-Object Text.UTF8Encoding $true');
    expect(APPS_SCRIPT).toMatch(/apps\.json\.tmp[\s\S]*Move-Item -Force "\$Out\\apps\.json\.tmp" "\$Out\\apps\.json"/);
    const sample = await readFile(join(__dirname, 'fixtures', 'apps-sample', 'apps.json'));
    expect([...sample.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(decodeWindowsText(sample)).toContain('\r\n');
  });

  it('sets the two registry values RemoteApp needs for unlisted programs, and a logon task', () => {
    expect(APPS_SCRIPT).toContain('-Name fAllowUnlistedRemotePrograms -Type DWord -Value 1');
    expect(APPS_SCRIPT).toContain("TSAppAllowList' -Name fDisabledAllowList -Type DWord -Value 1");
    expect(APPS_SCRIPT).toContain('New-ScheduledTaskTrigger -AtLogOn');
    // New-Item -Force on an existing registry key would empty it: only made when missing.
    expect(APPS_SCRIPT).not.toMatch(/New-Item -Force[^\n]*HKLM|New-Item[^\n]*-Force \$policy/);
  });

  it('opens no port and sends nothing over the network', () => {
    expect(APPS_SCRIPT).not.toMatch(
      /HttpListener|TcpListener|Invoke-WebRequest|Invoke-RestMethod|New-NetFirewallRule/i,
    );
  });

  it('balances its braces and parentheses and quotes (a cheap check that it was not cut)', () => {
    // Comments out, then single-quoted strings (PowerShell's literal ones), which may hold any of these.
    const code = APPS_SCRIPT.split('\n')
      .map((line) => line.replace(/#.*$/, '').replace(/'[^'\n]*'/g, "''"))
      .join('\n');
    const count = (c: string): number => code.split(c).length - 1;
    expect(count('{')).toBe(count('}'));
    expect(count('(')).toBe(count(')'));
    expect(count('"') % 2).toBe(0);
  });
});
