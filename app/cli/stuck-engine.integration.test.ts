// An engine that accepts the connection and never answers (issue 22): every `porthole` verb, the built CLI in a
// child process, ends within its deadline with a plain message, and the web host serves the UI meanwhile.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { EngineStatus, HostReport, MachineView } from '../api';
import { requireBuiltCli, runCli, type CliRun } from '../core/testing/cli';
import { StuckEngine } from '../core/testing/stuck-engine';

const DEADLINE_MS = 1500;
/**
 * A verb's bound: the host check's engine probe (2 s, twice for check and create), the engine deadline, and
 * Node's start-up on a loaded 2-core machine. Without deadlines each of them waited for ever.
 */
const VERB_BOUND_MS = 2 * 2000 + DEADLINE_MS + 9000;
const NOT_ANSWERING = /^The container engine at unix:\/\/\S+stuck\.sock did not answer within 1\.5 s\./m;

let root = '';
let engine: StuckEngine;
let env: NodeJS.ProcessEnv = {};
let id = '';

beforeAll(async () => {
  requireBuiltCli();
  root = await mkdtemp(join(tmpdir(), 'porthole-stuck-'));
  engine = await StuckEngine.listen(join(root, 'stuck.sock'));
  env = {
    ...process.env,
    DOCKER_HOST: engine.host,
    PORTHOLE_CONFIG_DIR: join(root, 'config'),
    PORTHOLE_DATA_DIR: join(root, 'data'),
    XDG_STATE_HOME: join(root, 'state'),
    PORTHOLE_ENGINE_DEADLINE_MS: String(DEADLINE_MS),
  };
  const created = await timed(['create', '--name', 'Stuck', '--no-kvm', '--json']);
  expect(created.code, created.stderr).toBe(0);
  id = (JSON.parse(created.stdout) as { id: string }).id;
  await writeFile(
    join(root, 'compose.yml'),
    (await timed(['export', id])).stdout.replaceAll(join(root, 'data'), join(root, 'elsewhere')),
  );
});

afterAll(async () => {
  await engine?.close();
  if (root) await rm(root, { recursive: true, force: true });
});

async function timed(args: string[], extra: NodeJS.ProcessEnv = {}): Promise<CliRun & { ms: number }> {
  const started = Date.now();
  const run = await runCli(args, { ...env, ...extra }, 90_000);
  return { ...run, ms: Date.now() - started };
}

/** Runs `fn` over `items`, `limit` at a time (each verb is a Node process: the machine has 2 cores). */
async function inTurns<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await fn(items[i]!);
      }
    }),
  );
  return results;
}

describe('porthole against an engine that accepts and never answers', () => {
  it('every verb ends within its deadline: those that need the engine say it did not answer, naming it, and fail', async () => {
    const snap = '20261129-023000-a1b2c3';
    // The verb table of app/cli/main.ts. `code`: the exit code; `engine`: its message is the engine's deadline.
    const verbs: Array<{ args: string[]; code: number; engine?: true; out?: RegExp; err?: RegExp }> = [
      { args: ['machines'], code: 1, engine: true, out: /engine not reachable/ },
      { args: ['start', id], code: 1, engine: true },
      { args: ['stop', id], code: 1, engine: true },
      { args: ['restart', id], code: 1, engine: true },
      { args: ['kill', id], code: 1, engine: true },
      { args: ['apply', id], code: 1, engine: true },
      { args: ['fix', id, 'software-emulation'], code: 1, engine: true },
      { args: ['rm', id], code: 1, engine: true },
      { args: ['logs', id], code: 1, engine: true },
      { args: ['adoptable'], code: 1, engine: true },
      { args: ['adopt', 'some-container'], code: 1, engine: true },
      { args: ['snapshot', id], code: 1, engine: true },
      // A snapshot is named by id or name from the list, which needs no engine: an unknown one is said first.
      { args: ['restore', id, snap, '--yes'], code: 1, err: /has no snapshot with the id or name/ },
      // The host check says it in its own words (its probe's 2 s), and is not ready.
      {
        args: ['check'],
        code: 1,
        out: /^✗ Container engine: .*accepted the connection but did not answer within 2000 ms/m,
      },
      // What needs no engine still works.
      { args: ['password', id], code: 0, out: /^\S{8,}\n$/ },
      { args: ['export', id], code: 0, out: /^services:/m },
      { args: ['screen', id], code: 0, out: /^ws:\/\/127\.0\.0\.1:\d+\/websockify$/m },
      { args: ['logs', '--app'], code: 0 },
      { args: ['snapshots', id], code: 0, out: /^No snapshots yet/ },
      { args: ['usb'], code: 0 },
      { args: ['usb', 'add', id, '1234:5678'], code: 0, out: /^Gave USB device 1234:5678/ },
      { args: ['import', join(root, 'compose.yml')], code: 0, out: /^Imported Stuck/ },
      { args: ['create', '--name', 'Second', '--no-kvm'], code: 0, out: /^Created Second/ },
      // Refused for their own reasons, which they say.
      { args: ['rdp', id], code: 1, err: /^The machine is not running\./ },
      { args: ['apps', id], code: 1, out: /writes the list after you sign in for the first time/ },
      { args: ['app', id, 'notepad'], code: 1, err: /^No program called "notepad" is listed\./ },
      { args: ['restore', id, snap], code: 1, err: /has no snapshot with the id or name/ },
      { args: ['rm-snapshot', id, snap], code: 1, err: /has no snapshot/ },
    ];
    // The default deadline (10 s), not the tests' shorter one, bounds a verb too.
    const byDefault = timed(['machines'], { PORTHOLE_ENGINE_DEADLINE_MS: '' });
    const runs = await inTurns(verbs, 4, (v) => timed(v.args));
    const report = verbs.map((v, i) => `${v.args.join(' ')}: exit ${runs[i]!.code} in ${runs[i]!.ms} ms`).join('\n');
    console.log(report);
    for (const [i, verb] of verbs.entries()) {
      const run = runs[i]!;
      const name = `porthole ${verb.args.join(' ')}\n${run.stdout}\n${run.stderr}`;
      expect(run.ms, name).toBeLessThan(VERB_BOUND_MS);
      expect(run.code, name).toBe(verb.code);
      if (verb.engine) {
        expect(run.stderr, name).toMatch(NOT_ANSWERING);
        expect(run.stderr, name).toMatch(/restart it if it is stuck/);
      }
      if (verb.out) expect(run.stdout, name).toMatch(verb.out);
      if (verb.err) expect(run.stderr, name).toMatch(verb.err);
      // Plain words: no stack trace, no raw socket error.
      expect(run.stderr, name).not.toMatch(/\n\s+at |AbortError|ECONN|EPIPE|ETIMEDOUT/);
    }
    // After its add (the batch runs 4 at a time).
    const removed = await timed(['usb', 'remove', id, '1234:5678']);
    expect(removed.ms).toBeLessThan(VERB_BOUND_MS);
    expect(removed.stdout).toMatch(/^Took USB device 1234:5678/);
    const slow = await byDefault;
    expect(slow.code, slow.stderr).toBe(1);
    expect(slow.stderr).toMatch(/^The container engine at unix:\/\/\S+stuck\.sock did not answer within 10 s\./m);
    expect(slow.ms).toBeLessThan(2000 + 10_000 + 9000);
    // Every request that passed its deadline was ended by Porthole: none is left open on the engine.
    expect(engine.accepted).toBeGreaterThan(verbs.length);
    await expect.poll(() => engine.open, { timeout: 5000 }).toBe(0);
  });

  it('--json: the error as an envelope on standard output, with the engine’s code', async () => {
    const run = await timed(['start', id, '--json']);
    expect(run.code).toBe(1);
    expect(JSON.parse(run.stdout)).toMatchObject({
      error: { code: 'ENGINE_UNAVAILABLE', message: expect.stringMatching(NOT_ANSWERING) as unknown as string },
    });
  });
});

describe('the web host against an engine that accepts and never answers', () => {
  let web: ChildProcess | undefined;
  afterAll(async () => {
    if (!web || web.exitCode !== null || web.signalCode !== null) return;
    const exited = new Promise((resolve) => web!.once('exit', resolve));
    web.kill('SIGTERM');
    const timer = setTimeout(() => web!.kill('SIGKILL'), 15_000);
    await exited;
    clearTimeout(timer);
  });

  it('prints its address and serves the UI while the engine hangs, showing the engine as not answering', async () => {
    const renderer = join(root, 'renderer');
    await mkdir(renderer, { recursive: true });
    // The built UI's page when there is one (npm test builds it); the static serving is the same for any page.
    const builtIndex = await readFile(resolve('out/renderer/index.html'), 'utf8').catch(
      () => '<!doctype html><title>Porthole</title>',
    );
    await writeFile(join(renderer, 'index.html'), builtIndex);
    const started = Date.now();
    // The default deadline (10 s): the address must come well before it.
    web = spawn(process.execPath, [resolve('out/node/web.js')], {
      env: { ...env, PORTHOLE_ENGINE_DEADLINE_MS: '', PORTHOLE_RENDERER_DIR: renderer },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    web.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    web.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    await expect.poll(() => /running at (http:\S+)/.exec(stdout)?.[1], { timeout: 30_000, interval: 100 }).toBeTruthy();
    const printedAfter = Date.now() - started;
    console.log(`web host address printed after ${printedAfter} ms`);
    // The host check's probe (2 s) and the wait for the engine (2 s), not the engine's 10 s deadline.
    expect(printedAfter, stderr).toBeLessThan(9000);
    const url = new URL(/running at (http:\S+)/.exec(stdout)![1]!);

    const page = await fetch(url);
    expect(page.status).toBe(200);
    expect(await page.text()).toBe(builtIndex);

    const ws = new WebSocket(`ws://${url.host}/api?token=${url.searchParams.get('token')}`, {
      headers: { Origin: url.origin },
    });
    await new Promise((resolve, reject) => ws.once('open', resolve).once('error', reject));
    const answers = new Map<number, { ok: boolean; value?: unknown; error?: unknown }>();
    ws.on('message', (d: Buffer) => {
      const m = JSON.parse(d.toString()) as { t: string; id: number; ok: boolean; value?: unknown; error?: unknown };
      if (m.t === 'result') answers.set(m.id, m);
    });
    let next = 0;
    const call = async (action: string): Promise<unknown> => {
      const callId = ++next;
      ws.send(JSON.stringify({ t: 'call', id: callId, action, request: {} }));
      await expect.poll(() => answers.has(callId), { timeout: 20_000 }).toBe(true);
      const answer = answers.get(callId)!;
      expect(answer.ok, JSON.stringify(answer.error)).toBe(true);
      return answer.value;
    };

    const machines = (await call('listMachines')) as MachineView[];
    expect(machines.map((m) => m.name)).toEqual(expect.arrayContaining(['Stuck']));
    for (const m of machines) expect(m.status).toMatchObject({ phase: 'unknown', running: false });
    const report = (await call('checkHost')) as HostReport;
    expect(report.checks.find((c) => c.id === 'engine')).toMatchObject({
      status: 'fail',
      found: expect.stringMatching(/did not answer within 2000 ms/) as unknown as string,
    });
    // Once the engine's deadline passed: not connected, and why, by its address.
    await expect
      .poll(async () => ((await call('engineStatus')) as EngineStatus).message, { timeout: 30_000, interval: 500 })
      .toMatch(
        /^The container engine at unix:\/\/\S+stuck\.sock did not answer within 10 s\. Porthole reconnects when it returns\.$/,
      );
    expect(((await call('engineStatus')) as EngineStatus).connected).toBe(false);
    ws.close();
  });
});
