import { mkdtemp, open, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isWindowsSetupMedia } from '../../api';
import { bootMediaOf, startedStatus } from './media';

const SECTOR = 2048;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-media-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A sparse 12 MB ISO 9660 image whose primary volume is labelled `label`. */
async function iso(name: string, label: string): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, '');
  await truncate(path, 12_000_000);
  const primary = new Uint8Array(SECTOR);
  primary[0] = 1;
  primary.set(new TextEncoder().encode('CD001'), 1);
  primary[6] = 1;
  primary.set(new TextEncoder().encode(label.padEnd(32, ' ')), 40);
  const end = new Uint8Array(SECTOR);
  end[0] = 255;
  end.set(new TextEncoder().encode('CD001'), 1);
  end[6] = 1;
  const handle = await open(path, 'r+');
  try {
    await handle.write(primary, 0, SECTOR, 16 * SECTOR);
    await handle.write(end, 0, SECTOR, 17 * SECTOR);
  } finally {
    await handle.close();
  }
  return path;
}

describe('boot media: Windows setup or another ISO', () => {
  it('Microsoft’s labels are Windows setup; anything else, or no label, is not', () => {
    for (const label of [
      'CCCOMA_X64FRE_EN-US_DV9',
      'CPBA_X64FRE_DE-DE_DV5',
      'SSS_X64FREE_EN-US_DV9',
      'CENA_X64FREV_EN-US_DV9',
    ])
      expect(isWindowsSetupMedia({ volumeLabel: label })).toBe(true);
    for (const label of ['Debian 12.5.0 amd64 n', 'iPXE', 'Ubuntu-Server 24.04 LTS amd64', undefined])
      expect(isWindowsSetupMedia(label === undefined ? {} : { volumeLabel: label })).toBe(false);
  });

  it('no custom ISO: the image’s own Windows download, so Windows setup', async () => {
    await expect(bootMediaOf(undefined)).resolves.toBe('windows-setup');
  });

  it('reads the custom ISO’s label: Windows media install, any other ISO is only booted', async () => {
    await expect(bootMediaOf(await iso('win11.iso', 'CCCOMA_X64FRE_EN-US_DV9'))).resolves.toBe('windows-setup');
    await expect(bootMediaOf(await iso('debian.iso', 'Debian 12.5.0 amd64 n'))).resolves.toBe('other-iso');
  });

  it('an ISO that cannot be read now is not called Windows setup', async () => {
    await expect(bootMediaOf(join(dir, 'gone.iso'))).resolves.toBe('other-iso');
  });

  it('once the firmware hands over: ready when installed, else installing for Windows setup and "Running from ISO" for another ISO', () => {
    expect(startedStatus(true, 'other-iso')).toEqual({ phase: 'ready', message: 'Windows is running' });
    expect(startedStatus(true, 'windows-setup')).toEqual({ phase: 'ready', message: 'Windows is running' });
    expect(startedStatus(false, 'windows-setup')).toEqual({ phase: 'installing', message: 'Installing Windows…' });
    expect(startedStatus(false, 'other-iso')).toEqual({
      phase: 'running-iso',
      message: 'Running from ISO: it is not Windows setup, so nothing installs by itself; use it on the screen.',
    });
  });
});
