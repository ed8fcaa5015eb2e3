/**
 * The names rule over the web host's WebSocket, against a real backend (its engine an unreachable
 * socket): JSON.parse keeps a lone surrogate as it is, so the contract's schema must refuse it; NEL,
 * bidi overrides and zero-width characters are refused; look-alike names are one name.
 */
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { serverMessageSchema, type CallResult } from '../api';
import { createBackend, type Backend } from '../core/backend';
import { startWebHost, type WebHost } from './server';

describe('machine and snapshot names over the WebSocket', () => {
  let root: string;
  let backend: Backend;
  let host: WebHost;
  let ws: WebSocket;
  let nextId = 1;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-web-names-'));
    backend = await createBackend({
      configDir: join(root, 'config'),
      dataDir: join(root, 'data'),
      env: {
        ...process.env,
        DOCKER_HOST: `unix://${join(root, 'no-engine.sock')}`,
        XDG_DATA_HOME: join(root, 'xdg-data'),
      },
      watch: false,
    });
    const rendererDir = join(root, 'renderer');
    await mkdir(rendererDir);
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html>');
    host = await startWebHost({ backend, rendererDir });
    ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, {
      headers: { Origin: `http://127.0.0.1:${host.port}` },
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
  });
  afterAll(async () => {
    ws?.close();
    await host?.close();
    await backend?.dispose();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** One call as a page makes it: the frame is the JSON text (a lone surrogate travels as `\ud800`). */
  function call(action: string, request: unknown): Promise<CallResult> {
    const id = nextId++;
    return new Promise((resolve) => {
      const onMessage = (data: WebSocket.RawData): void => {
        const message = serverMessageSchema.parse(JSON.parse(data.toString()));
        if (message.t !== 'result' || message.id !== id) return;
        ws.off('message', onMessage);
        resolve(message.ok ? { ok: true, value: message.value } : { ok: false, error: message.error });
      };
      ws.on('message', onMessage);
      ws.send(JSON.stringify({ t: 'call', id, action, request }));
    });
  }

  const names = async (): Promise<string[]> => {
    const list = await call('listMachines', {});
    if (!list.ok) throw new Error(list.error.message);
    return (list.value as Array<{ name: string }>).map((m) => m.name);
  };

  it('refuses a lone surrogate, NEL, U+2028, a C1 control, a bidi override and a zero-width space in a new name', async () => {
    const frame = JSON.stringify({ name: 'Work\ud800' });
    expect(frame).toContain('\\ud800');
    for (const [name, code] of [
      ['Work\ud800', 'U+D800'],
      ['Work\u0085networks:', 'U+0085'],
      ['Work\u2028x', 'U+2028'],
      ['Work\u009b2J', 'U+009B'],
      ['Work\u202eexe.txt', 'U+202E'],
      ['Work\u200b', 'U+200B'],
    ]) {
      const result = await call('createMachine', { name });
      expect(result, name).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      if (!result.ok) expect(result.error.message).toContain(code);
    }
    expect(await names()).toEqual([]);
  });

  it('keeps a name NFC, and refuses “Café” in NFD (or in capitals) beside “Café” in NFC, on create and on rename', async () => {
    const created = await call('createMachine', { name: 'Cafe\u0301' });
    expect(created).toMatchObject({ ok: true, value: { name: 'Caf\u00e9' } });
    for (const name of ['Caf\u00e9', 'Cafe\u0301', 'CAFÉ', ' café ']) {
      const again = await call('createMachine', { name });
      expect(again, name).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      if (!again.ok) expect(again.error.message).toMatch(/^Another machine is already called “(Café|CAFÉ|café)”/);
    }
    const other = await call('createMachine', { name: 'Other' });
    expect(other.ok).toBe(true);
    const id = other.ok ? (other.value as { id: string }).id : '';
    const renamed = await call('updateMachine', { id, changes: { name: 'CAFE\u0301' } });
    expect(renamed).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    const bidi = await call('updateMachine', { id, changes: { name: 'Other\u202e' } });
    expect(bidi).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect((await names()).sort()).toEqual(['Café', 'Other']);
  });

  it('refuses a password with a C1 control, a bidi control or a zero-width mark on create and on change, naming it; an old one stored so does not block other changes', async () => {
    for (const [password, where] of [
      ['pass\u009b2J', 'character 5 is a terminal control character (U+009B)'],
      ['pass\u202eword', 'character 5 is an invisible text-direction mark (U+202E)'],
      ['\ufeffpass', 'character 1 is an invisible formatting mark (U+FEFF)'],
      ['pa\ud800ss', 'character 3 is half of a character (a lone surrogate) (U+D800)'],
    ]) {
      const result = await call('createMachine', { name: 'Secretive', password });
      expect(result, where).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      if (!result.ok) expect(result.error.message).toContain(where);
    }
    expect(await names()).not.toContain('Secretive');
    const made = await call('createMachine', { name: 'Secretive', password: 'Fine-Pass-1' });
    const id = made.ok ? (made.value as { id: string }).id : '';
    const changed = await call('updateMachine', { id, changes: { password: 'new\u2066one' } });
    expect(changed).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    if (!changed.ok)
      expect(changed.error.message).toContain('character 4 is an invisible text-direction mark (U+2066)');
    // An older Porthole's record holds such a password: the machine's other settings still change.
    const file = join(root, 'config', 'machines.json');
    const text = await readFile(file, 'utf8');
    await writeFile(file, text.replace('"Fine-Pass-1"', JSON.stringify('old\u202epass')));
    expect(await call('updateMachine', { id, changes: { ramGiB: 5 } })).toMatchObject({ ok: true });
    expect(await call('machinePassword', { id })).toMatchObject({ ok: true, value: { password: 'old\u202epass' } });
  });

  it('refuses a snapshot name with NEL or a lone surrogate before anything is done', async () => {
    // The machine “Café” made above (its id is its slug); the names are refused before its disk is looked at.
    const id = 'cafe';
    expect(await names()).toContain('Café');
    for (const name of ['Before\u0085updates', 'Before\udfff', 'x'.repeat(81)]) {
      const result = await call('takeSnapshot', { id, name });
      expect(result, name).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    }
  });
});
