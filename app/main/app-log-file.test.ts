import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { PortholeError } from '../api';
import { showAppLogFile } from './app-log-file';

// Real files in a temporary folder; only Electron's shell is a fake.
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'porthole-app-log-file-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function fakeShell(openPathResult = '') {
  return { showItemInFolder: vi.fn(), openPath: vi.fn(async () => openPathResult) };
}

describe('Show Porthole’s log file', () => {
  it('selects the log in the file manager when it exists, and never opens the file itself', async () => {
    const file = join(dir, 'porthole.log');
    await writeFile(file, 'line\n');
    const shell = fakeShell();
    await showAppLogFile(file, shell);
    expect(shell.showItemInFolder).toHaveBeenCalledWith(file);
    expect(shell.openPath).not.toHaveBeenCalled();
  });

  it('opens the folder when nothing was written yet', async () => {
    const shell = fakeShell();
    await showAppLogFile(join(dir, 'porthole.log'), shell);
    expect(shell.openPath).toHaveBeenCalledWith(dir);
    expect(shell.showItemInFolder).not.toHaveBeenCalled();
  });

  it('says where the log will be when even its folder is missing', async () => {
    const file = join(dir, 'state', 'porthole.log');
    const shell = fakeShell();
    const err = await showAppLogFile(file, shell).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PortholeError);
    expect((err as PortholeError).code).toBe('NOT_FOUND');
    expect((err as PortholeError).message).toContain(file);
    expect(shell.openPath).not.toHaveBeenCalled();
  });

  it('does not mistake a folder named like the log for the log', async () => {
    const file = join(dir, 'porthole.log');
    await mkdir(file);
    const shell = fakeShell();
    await showAppLogFile(file, shell);
    expect(shell.showItemInFolder).not.toHaveBeenCalled();
    expect(shell.openPath).toHaveBeenCalledWith(dir);
  });

  it('passes on the file manager’s failure with what to do', async () => {
    const shell = fakeShell('No application is registered');
    await expect(showAppLogFile(join(dir, 'porthole.log'), shell)).rejects.toMatchObject({
      code: 'INTERNAL',
      message: expect.stringContaining('No application is registered') as unknown,
      remedy: 'Open the folder by hand.',
    });
  });
});
