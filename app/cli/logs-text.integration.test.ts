// `porthole logs ID` prints a container's log, which the guest and the image write: an escape sequence
// there must not retitle or clear the terminal, and a carriage return must not overwrite a line. A real
// container on this machine's engine writes such lines; the machine stands for it (as an adopted one does).
import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { runCliHere } from '../core/testing/cli';
import { MachineStore } from '../core/store/machine-store';

const exec = promisify(execFile);
const image = inject('standinImage');

// eslint-disable-next-line no-control-regex -- what must never reach a terminal from a log
const RAW_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\u200b]/;

const LINES = [
  '\u001b]0;pwned\u0007retitled',
  '\u001b[2J\u001b[Hcleared',
  'real line\roverwritten',
  '\u001b[1;31m❯ ERROR: in colour\u001b[0m',
  'bidi \u202etxt.exe',
];

describe('porthole logs: a container log with escape sequences', () => {
  let root = '';
  let container = '';
  let id = '';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-logs-text-'));
    vi.stubEnv('PORTHOLE_CONFIG_DIR', join(root, 'config'));
    vi.stubEnv('PORTHOLE_DATA_DIR', join(root, 'data'));
    const script = `printf '${LINES.map((l) => l.replaceAll('\u001b', '\\033').replaceAll('\u0007', '\\007').replaceAll('\r', '\\r')).join('\\n')}\\n'`;
    container = (
      await exec('docker', [
        'run',
        '-d',
        '--label',
        'porthole-test=logs-text',
        '--entrypoint',
        '/bin/sh',
        image,
        '-c',
        script,
      ])
    ).stdout.trim();
    await exec('docker', ['wait', container]);
    const created = await runCliHere('create', '--json', '--name', 'Log text');
    expect(created.code, created.err).toBe(0);
    id = (JSON.parse(created.out) as { id: string }).id;
    // The machine stands for that container, as a machine adopted from a hand-made container does.
    const store = new MachineStore(join(root, 'config'));
    await store.load();
    await store.update(id, (r) => ({ ...r, adoptedContainerId: container }));
  });
  afterAll(async () => {
    vi.unstubAllEnvs();
    if (container) await exec('docker', ['rm', '-f', container]).catch(() => undefined);
    if (root) await rm(root, { recursive: true, force: true });
  });

  it('prints each line once, its escapes visible and its colour codes dropped; --json keeps the lines exact', async () => {
    const plain = await runCliHere('logs', id);
    expect(plain.code, plain.err).toBe(0);
    expect(plain.out).not.toMatch(RAW_CONTROL);
    expect(plain.out.trimEnd().split('\n')).toEqual([
      '\\x1b]0;pwned\\x07retitled',
      '\\x1b[2J\\x1b[Hcleared',
      'real line\\roverwritten',
      '❯ ERROR: in colour',
      'bidi \\u202etxt.exe',
    ]);
    const json = await runCliHere('logs', id, '--json');
    expect((JSON.parse(json.out) as { lines: string[] }).lines).toEqual(LINES);
  });
});
