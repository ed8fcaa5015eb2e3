import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { AppList } from '../api';
import { createBackend } from '../core/backend';
import type { Backend } from '../core/backend-types';
import { appsList, fakePng, HOST_SECRET, writeAppsFolder } from '../core/testing/hostile-apps';
import { startWebHost, type WebHost } from './server';

/**
 * The web host on a real backend (no engine: listing programs needs none) while the machine's shared folder
 * holds what a hostile Windows wrote (issue 22): every call is answered, the list it carries is bounded.
 */
describe('web host: listApps on a hostile apps folder', () => {
  let root: string;
  let shared: string;
  let backend: Backend;
  let host: WebHost;
  let id: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-web-apps-'));
    shared = join(root, 'shared');
    await Promise.all([mkdir(shared), mkdir(join(root, 'renderer'))]);
    await writeFile(join(root, 'renderer', 'index.html'), '<!doctype html><title>Porthole</title>');
    const env = {
      ...process.env,
      DOCKER_HOST: `unix://${join(root, 'no-engine.sock')}`,
      XDG_DATA_HOME: join(root, 'xdg'),
    };
    backend = await createBackend({ configDir: join(root, 'config'), dataDir: join(root, 'data'), env, watch: false });
    const created = await backend.invoke('createMachine', {
      name: 'Office',
      password: 'Pa55word!',
      sharedFolders: [{ hostPath: shared, readOnly: false }],
    });
    if (!created.ok) throw new Error(created.error.message);
    id = (created.value as { id: string }).id;
    host = await startWebHost({ backend, rendererDir: join(root, 'renderer') });
  });
  afterEach(async () => {
    await host.close();
    await backend.dispose();
    await rm(root, { recursive: true, force: true });
  });

  /** Sends the calls on one connection and collects each answer by its id. */
  async function calls(
    requests: Array<{ action: string; request: unknown }>,
  ): Promise<Map<number, { ok: boolean; value?: unknown; error?: { message: string } }>> {
    const ws = await new Promise<WebSocket>((resolve, reject) => {
      const socket = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, {
        headers: { Origin: `http://127.0.0.1:${host.port}` },
        maxPayload: 256 * 1024 * 1024,
      });
      socket.once('open', () => resolve(socket));
      socket.once('error', reject);
    });
    const answers = new Map<number, { ok: boolean; value?: unknown; error?: { message: string } }>();
    ws.on('message', (data) => {
      const message = JSON.parse(data.toString()) as { t: string; id: number; ok: boolean };
      if (message.t === 'result') answers.set(message.id, message);
    });
    requests.forEach((r, i) => ws.send(JSON.stringify({ t: 'call', id: i + 1, action: r.action, request: r.request })));
    await expect.poll(() => answers.size, { timeout: 20_000 }).toBe(requests.length);
    ws.close();
    return answers;
  }

  it('apps.json that is a FIFO: eight listings at once are answered, and so is every other call', async () => {
    await mkdir(join(shared, '.porthole', 'apps'), { recursive: true });
    execFileSync('mkfifo', [join(shared, '.porthole', 'apps', 'apps.json')]);
    const answers = await calls([
      ...Array.from({ length: 8 }, () => ({ action: 'listApps', request: { id } })),
      { action: 'listMachines', request: {} },
    ]);
    for (let i = 1; i <= 8; i++)
      expect(answers.get(i)).toMatchObject({
        ok: true,
        value: { state: 'unreadable', warnings: ['apps.json is a named pipe, not a file.'] },
      });
    expect(answers.get(9)).toMatchObject({ ok: true });
    // And afterwards too: nothing is left waiting on the pipe.
    expect((await calls([{ action: 'listMachines', request: {} }])).get(1)).toMatchObject({ ok: true });
  });

  it('12,000 programs naming one 262 KB icon: one bounded answer, the icons within their budget', async () => {
    await writeAppsFolder(
      shared,
      appsList(12_000, () => 'ffffffffffff.png'),
    );
    await writeFile(join(shared, '.porthole', 'apps', 'icons', 'ffffffffffff.png'), fakePng(262_000));
    const answer = (await calls([{ action: 'listApps', request: { id } }])).get(1);
    expect(answer?.ok).toBe(true);
    const list = answer?.value as AppList;
    expect(list.apps).toHaveLength(2000);
    expect(JSON.stringify(list).length).toBeLessThan(16 * 1024 * 1024);
    expect(list.apps.filter((a) => a.icon !== null)).toHaveLength(32);
  });

  it('apps.json or an icon linked to host files: nothing of them is carried', async () => {
    await writeFile(join(root, 'shadow'), `${HOST_SECRET}\n`);
    await writeFile(join(root, 'host.png'), Buffer.concat([fakePng(64), Buffer.from(HOST_SECRET)]));
    const dir = await writeAppsFolder(
      shared,
      appsList(1, () => 'ffffffffffff.png'),
    );
    await symlink(join(root, 'host.png'), join(dir, 'icons', 'ffffffffffff.png'));
    const withIcon = (await calls([{ action: 'listApps', request: { id } }])).get(1);
    expect((withIcon?.value as AppList).apps[0]?.icon).toBeNull();
    await rm(join(dir, 'apps.json'));
    await symlink(join(root, 'shadow'), join(dir, 'apps.json'));
    const linked = (await calls([{ action: 'listApps', request: { id } }])).get(1);
    expect(linked).toMatchObject({ ok: true, value: { state: 'unreadable' } });
    expect(JSON.stringify([withIcon, linked])).not.toContain('HOSTSECRET');
    expect(JSON.stringify([withIcon, linked])).not.toContain(Buffer.from(HOST_SECRET).toString('base64').slice(0, 20));
  });
});
