/**
 * Fuzzing every action through both transports with a real backend (its engine an unreachable
 * socket): random action names, arbitrary JSON and near-valid mutations of valid requests, garbage
 * frames, invalid UTF-8 and oversized frames over a real WebSocket to a real web host, and random
 * argument lists through the IPC handler. Every call must get a typed error or a result its response
 * schema accepts, the host must stay up, and a refused call must leave every file under the test's
 * root (machines.json, every storage folder) byte-identical.
 *
 * Reproduce a failure with PORTHOLE_FUZZ_SEED=<seed> (printed on failure); hunt longer with PORTHOLE_FUZZ_SCALE=10.
 */
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readdir, readFile, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import {
  actionNames,
  actions,
  CLOSE_INVALID_DATA,
  CLOSE_TOO_BIG,
  errorEnvelopeSchema,
  IPC_CALL_CHANNEL,
  isActionName,
  MAX_CLIENT_FRAME_BYTES,
  serverMessageSchema,
  type ActionName,
  type ActionRequest,
  type CallResult,
  type ServerMessage,
} from '../api';
import { createBackend, type Backend } from '../core/backend';
import { fakeElectron, FakeWebContents, ipcEventFrom } from '../main/testing/fake-electron';
import { registerBackendIpc } from '../main/ipc';
import { rawMessageProblems } from '../core/testing/raw-messages';
import { startWebHost, type WebHost } from './server';

const SEED = process.env.PORTHOLE_FUZZ_SEED
  ? Number(process.env.PORTHOLE_FUZZ_SEED)
  : Math.floor(Math.random() * 2 ** 31);
/** PORTHOLE_FUZZ_SCALE=10 runs ten times as many cases (for a longer hunt; npm test keeps 1). */
const SCALE = Math.max(1, Number(process.env.PORTHOLE_FUZZ_SCALE ?? 1));
const ANSWER_TIMEOUT_MS = 5_000;

/** Runs a property with the seed; a failure names the seed to reproduce it. */
async function check<T>(property: fc.IAsyncProperty<T>, numRuns: number): Promise<void> {
  // A hung call costs ANSWER_TIMEOUT_MS per try: shrinking stops after 30 s and still reports the failure.
  const details = await fc.check(property, {
    seed: SEED,
    numRuns: numRuns * SCALE,
    interruptAfterTimeLimit: 30_000 * SCALE,
    markInterruptAsFailure: true,
  });
  if (details.failed) {
    throw new Error(
      `Fuzz failure. Reproduce with PORTHOLE_FUZZ_SEED=${SEED}\n${fc.defaultReportMessage(details) ?? ''}`,
    );
  }
}

/** Every file and folder under `dir`: names, kinds, modes and contents, as one digest. */
async function treeHash(dir: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (path: string, rel: string): Promise<void> => {
    const info = await lstat(path);
    hash.update(`${rel}\0${info.mode}\0`);
    if (info.isDirectory()) {
      for (const name of (await readdir(path)).sort()) await walk(join(path, name), `${rel}/${name}`);
    } else if (info.isSymbolicLink()) hash.update(await readlink(path));
    else if (info.isFile()) hash.update(await readFile(path));
  };
  await walk(dir, '');
  return hash.digest('hex');
}

/** Strings the contract must handle: empty, huge, traversal, control characters, lone surrogates, prototype keys. */
const awkwardStrings = fc.constantFrom(
  '',
  ' ',
  '..',
  '../../../127.0.0.1:2375/x',
  '../../etc',
  'a'.repeat(5000),
  '\u0000',
  'x\ny',
  '\ud800',
  '💥',
  '__proto__',
  'constructor',
  '%2e%2e%2f',
  'C:\\Windows',
  '-1',
  '1e1',
  '0x8',
  'relative/path',
);
const awkwardValues = fc.oneof(
  fc.jsonValue({ maxDepth: 3 }),
  awkwardStrings,
  fc.constantFrom(null, true, false, -1, 0, 1.5, 2 ** 53, -0, 1e308, [], {}),
);

/**
 * Any absolute path a generator makes is moved under the test's root, so that a request the backend
 * accepts can only create or delete folders there ("/" becomes the root itself).
 */
function confine(value: unknown, root: string): unknown {
  if (typeof value === 'string') return value.startsWith('/') ? `${root}${value}` : value;
  // Array.from, not map: a mutation may have given the array its own `constructor`.
  if (Array.isArray(value)) return Array.from(value as unknown[], (v) => confine(v, root));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value))
      Object.defineProperty(out, k, { value: confine(v, root), enumerable: true, writable: true, configurable: true });
    return out;
  }
  return value;
}

/** Paths to every leaf of a request, for mutations. */
function leafPaths(value: unknown, prefix: string[] = []): string[][] {
  if (value === null || typeof value !== 'object') return [prefix];
  const entries = Object.entries(value);
  if (entries.length === 0) return [prefix];
  return [prefix, ...entries.flatMap(([k, v]) => leafPaths(v, [...prefix, k]))];
}

type Mutation = { op: 'set' | 'delete' | 'add' | 'replace'; pick: number; key: string; value: unknown };

function mutate(request: unknown, mutation: Mutation): unknown {
  if (mutation.op === 'replace') return mutation.value;
  const copy = structuredClone(request) as Record<string, unknown>;
  const paths = leafPaths(copy);
  const path = paths[mutation.pick % paths.length]!;
  if (path.length === 0) {
    if (mutation.op === 'add' && copy !== null && typeof copy === 'object') {
      Object.defineProperty(copy, mutation.key, {
        value: mutation.value,
        enumerable: true,
        writable: true,
        configurable: true,
      });
      return copy;
    }
    return mutation.value;
  }
  let parent: Record<string, unknown> = copy;
  for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
  const last = path.at(-1)!;
  if (mutation.op === 'delete') Reflect.deleteProperty(parent, last);
  else if (mutation.op === 'set') parent[last] = mutation.value;
  else
    Object.defineProperty(parent, mutation.key, {
      value: mutation.value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  return copy;
}

const mutationArb: fc.Arbitrary<Mutation> = fc.record({
  op: fc.constantFrom('set', 'delete', 'add', 'replace'),
  pick: fc.nat(),
  key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('__proto__', 'constructor', 'id', 'storageDir')),
  value: awkwardValues,
});

describe('fuzzing every action through the web host and IPC (real backend, no engine)', () => {
  let root: string;
  let backend: Backend;
  let host: WebHost;
  let baseYaml: string;
  const BASE_ID = 'fuzz-base';

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'porthole-fuzz-'));
    await mkdir(join(root, 'storage'), { recursive: true });
    await mkdir(join(root, 'shared'), { recursive: true });
    await writeFile(join(root, 'storage', 'small.iso'), 'not an iso');
    backend = await createBackend({
      configDir: join(root, 'config'),
      dataDir: join(root, 'data'),
      cacheDir: join(root, 'cache'),
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
    await ensureBase();
    const exported = await backend.invoke('exportCompose', { id: BASE_ID });
    if (!exported.ok) throw new Error(exported.error.message);
    baseYaml = (exported.value as { yaml: string }).yaml;
  });
  afterAll(async () => {
    await host?.close();
    await backend?.dispose();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** The machine most near-valid requests name; made again when a fuzzed call deleted it. */
  async function ensureBase(): Promise<void> {
    if ((await backend.invoke('getMachine', { id: BASE_ID })).ok) return;
    const created = await backend.invoke('createMachine', { name: 'Fuzz base' });
    if (!created.ok || (created.value as { id: string }).id !== BASE_ID)
      throw new Error(`could not make the base machine: ${JSON.stringify(created)}`);
  }

  function validRequests(): { [K in ActionName]: ActionRequest<K> } {
    const id = BASE_ID;
    return {
      listMachines: {},
      getMachine: { id },
      appLog: { tail: 10 },
      createMachine: {
        name: 'Fuzz new',
        storageDir: `${root}/storage/new`,
        ramGiB: 4,
        cpuCores: 2,
        diskGiB: 64,
        version: '11',
        sharedFolders: [{ hostPath: `${root}/shared`, readOnly: true }],
        image: 'dockurr/windows:6.05',
      },
      updateMachine: { id, changes: { name: 'Fuzz renamed', ramGiB: 6, customIso: null } },
      startMachine: { id },
      stopMachine: { id },
      forceStopMachine: { id },
      restartMachine: { id },
      applyMachine: { id },
      deleteMachine: { id, deleteDisk: true },
      storageUsage: { id },
      machineLogs: { id, tail: 5 },
      screenEndpoint: { id },
      machinePassword: { id },
      openRemoteDesktop: { id },
      adoptableContainers: {},
      adoptContainer: { containerId: 'a'.repeat(64) },
      checkHost: {},
      creationDefaults: { storageDir: `${root}/storage` },
      inspectIso: { path: `${root}/storage/small.iso` },
      copyIsoToEngine: { path: `${root}/storage/small.iso`, copyId: 'fuzz-copy-1' },
      cancelIsoCopy: { copyId: 'fuzz-copy-1' },
      exportCompose: { id },
      saveLastFrame: {
        id,
        png: 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==',
      },
      lastFrame: { id },
      importCompose: { yaml: baseYaml },
      engineStatus: {},
      // No engine answers here: a fix that would start is refused before it changes anything.
      fixMachine: { id, fix: 'software-emulation' },
      listApps: { id },
      launchApp: { id, app: '0123456789ab' },
      setAppInMenu: { id, app: '0123456789ab', inMenu: false },
      listSnapshots: { id },
      takeSnapshot: { id, name: 'Fuzz snapshot' },
      restoreSnapshot: { id, snapshotId: '20261129-023000-a1b2c3', confirmLoss: true },
      deleteSnapshot: { id, snapshotId: '20261129-023000-a1b2c3' },
      listUsbDevices: {},
      attachedUsb: { id },
      attachUsb: { id, vendorId: '046d', productId: 'c52b' },
      detachUsb: { id, vendorId: '046d', productId: 'c52b' },
    };
  }

  const actionArb = fc.oneof(
    { weight: 10, arbitrary: fc.constantFrom(...actionNames) },
    { weight: 1, arbitrary: fc.string({ maxLength: 20 }) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        '__proto__',
        'constructor',
        'toString',
        'hasOwnProperty',
        'valueOf',
        'a'.repeat(10_000),
      ),
    },
  );
  /** (action, request): the valid request, a near-valid mutation of it, or arbitrary JSON. */
  const callArb = (): fc.Arbitrary<{ action: string; request: unknown }> =>
    fc
      .record({
        action: actionArb,
        kind: fc.constantFrom('valid', 'mutated', 'mutated', 'mutated', 'arbitrary'),
        mutations: fc.array(mutationArb, { minLength: 1, maxLength: 3 }),
        arbitrary: fc.jsonValue({ maxDepth: 4 }),
      })
      .map(({ action, kind, mutations, arbitrary }) => {
        const valid: unknown = isActionName(action) ? validRequests()[action] : {};
        const request = kind === 'valid' ? valid : kind === 'arbitrary' ? arbitrary : mutations.reduce(mutate, valid);
        return { action, request: confine(request, root) };
      });

  /** Fails the test (before sending) if an accepted call could delete a disk outside the root. */
  async function guard(action: unknown, request: unknown): Promise<void> {
    if (action !== 'deleteMachine' || typeof request !== 'object' || request === null) return;
    const id = (request as { id?: unknown }).id;
    const found = await backend.invoke('getMachine', { id });
    if (found.ok && !(found.value as { storageDir: string }).storageDir.startsWith(`${root}/`)) {
      throw new Error(`the fuzzer made a machine whose disk is outside its root: ${JSON.stringify(found.value)}`);
    }
  }

  /** What one answer must be: a typed error, or a result its action's response schema accepts. */
  function expectTyped(action: unknown, result: CallResult): void {
    if (!result.ok) {
      expect(errorEnvelopeSchema.safeParse(result.error).success, JSON.stringify(result.error)).toBe(true);
      // INTERNAL means an exception nobody turned into a reason: a bug, whatever the input.
      expect(result.error.code, `${String(action).slice(0, 40)}: ${result.error.message}`).not.toBe('INTERNAL');
      // And every reason is Porthole's own words, never a library's, the kernel's or a parser's.
      expect(rawMessageProblems(`${result.error.message}\n${result.error.remedy ?? ''}`)).toEqual([]);
      return;
    }
    expect(isActionName(action), `an unknown action "${String(action)}" succeeded`).toBe(true);
    const parsed = actions[action as ActionName].response.safeParse(result.value);
    expect(
      parsed.success,
      `${String(action)} answered outside its schema: ${JSON.stringify(parsed.error?.issues)}`,
    ).toBe(true);
  }

  // ---- the web host ---------------------------------------------------------------------------

  interface Connection {
    ws: WebSocket;
    /** The next answer (result or protocol error); events are skipped. */
    next(): Promise<ServerMessage>;
    closed: Promise<{ code: number; reason: string }>;
  }

  async function connect(): Promise<Connection> {
    const ws = new WebSocket(`ws://127.0.0.1:${host.port}/api?token=${host.token}`, {
      headers: { Origin: `http://127.0.0.1:${host.port}` },
    });
    ws.on('error', () => undefined);
    const queue: ServerMessage[] = [];
    let waiting: ((m: ServerMessage) => void) | undefined;
    ws.on('message', (data) => {
      const message = serverMessageSchema.parse(JSON.parse(data.toString()));
      if (message.t === 'event') return;
      if (waiting) {
        const w = waiting;
        waiting = undefined;
        w(message);
      } else queue.push(message);
    });
    const closed = new Promise<{ code: number; reason: string }>((resolve) =>
      ws.once('close', (code, reason) => resolve({ code, reason: reason.toString() })),
    );
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
    });
    const next = (): Promise<ServerMessage> => {
      const queued = queue.shift();
      if (queued) return Promise.resolve(queued);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer: the call was left hanging')), ANSWER_TIMEOUT_MS);
        waiting = (m) => {
          clearTimeout(timer);
          resolve(m);
        };
      });
    };
    return { ws, next, closed };
  }

  let nextId = 1;
  async function webCall(conn: Connection, action: unknown, request: unknown): Promise<CallResult> {
    const id = nextId++;
    conn.ws.send(JSON.stringify({ t: 'call', id, action, request }));
    const answer = await conn.next();
    if (answer.t === 'protocolError')
      throw new Error(`a well-formed call got a protocol error: ${answer.error.message}`);
    if (answer.t !== 'result') throw new Error('unexpected message');
    expect(answer.id).toBe(id);
    return answer.ok ? { ok: true, value: answer.value } : { ok: false, error: answer.error };
  }

  async function pingWeb(): Promise<void> {
    const conn = await connect();
    const status = await webCall(conn, 'engineStatus', {});
    expect(status).toMatchObject({ ok: true, value: { connected: false } });
    conn.ws.close();
  }

  it('answers every call frame with a typed error or a valid result, and a refusal changes no file', async () => {
    const conn = await connect();
    await check(
      fc.asyncProperty(fc.array(callArb(), { minLength: 1, maxLength: 4 }), async (calls) => {
        await ensureBase();
        for (const { action, request } of calls) {
          await guard(action, request);
          const before = await treeHash(root);
          const result = await webCall(conn, action, request);
          expectTyped(action, result);
          if (!result.ok)
            expect(await treeHash(root), `${String(action).slice(0, 40)} was refused but changed files`).toBe(before);
        }
        expect(conn.ws.readyState).toBe(WebSocket.OPEN);
        expect(await webCall(conn, 'engineStatus', {})).toMatchObject({ ok: true });
      }),
      60,
    );
    conn.ws.close();
    await pingWeb();
  });

  it('answers every frame that is not a call with a protocol error, and changes no file', async () => {
    const conn = await connect();
    const notACall = fc.oneof(
      fc.string({ maxLength: 200 }),
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v)),
      fc
        .record(
          {
            t: awkwardValues,
            id: awkwardValues,
            action: fc.oneof(fc.constantFrom(...actionNames), awkwardValues),
            request: awkwardValues,
          },
          { requiredKeys: [] },
        )
        .filter(
          (m) =>
            m.t !== 'call' ||
            !(typeof m.id === 'number' && Number.isInteger(m.id) && m.id >= 0) ||
            typeof m.action !== 'string',
        )
        .map((m) => JSON.stringify(m)),
    );
    await check(
      fc.asyncProperty(notACall, async (frame) => {
        let isCall = false;
        try {
          const parsed = JSON.parse(frame) as { t?: unknown; id?: unknown; action?: unknown };
          isCall =
            parsed?.t === 'call' &&
            typeof parsed.action === 'string' &&
            Number.isInteger(parsed.id) &&
            (parsed.id as number) >= 0;
        } catch {
          // not JSON: a protocol error is due
        }
        fc.pre(!isCall);
        const before = await treeHash(root);
        conn.ws.send(frame);
        const answer = await conn.next();
        expect(answer.t).toBe('protocolError');
        if (answer.t === 'protocolError') expect(answer.error.code).toBe('INVALID_ARGUMENT');
        expect(await treeHash(root)).toBe(before);
        expect(await webCall(conn, 'engineStatus', {})).toMatchObject({ ok: true });
      }),
      80,
    );
    conn.ws.close();
    await pingWeb();
  });

  it('closes on invalid UTF-8 (1007) and oversized frames (1009) with a reason, and stays up', async () => {
    // 0xff never occurs in UTF-8, so each of these frames is invalid wherever it lands.
    const invalidUtf8 = fc
      .tuple(fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }))
      .map(([a, b]) => Buffer.concat([a, Buffer.from([0xff]), b]));
    await check(
      fc.asyncProperty(invalidUtf8, async (bytes) => {
        const before = await treeHash(root);
        const conn = await connect();
        conn.ws.send(bytes, { binary: false });
        const closed = await conn.closed;
        expect(closed.code).toBe(CLOSE_INVALID_DATA);
        expect(closed.reason).toMatch(/UTF-8/);
        expect(await treeHash(root)).toBe(before);
        await pingWeb();
      }),
      15,
    );
    await check(
      fc.asyncProperty(fc.integer({ min: 1, max: 4096 }), fc.constantFrom('x', '{', 'é'), async (extra, fill) => {
        const conn = await connect();
        const frame = fill.repeat(Math.ceil((MAX_CLIENT_FRAME_BYTES + extra) / Buffer.byteLength(fill)));
        conn.ws.send(frame);
        const closed = await conn.closed;
        expect(closed.code).toBe(CLOSE_TOO_BIG);
        expect(closed.reason).toMatch(/larger than/);
        await pingWeb();
      }),
      2,
    );
  });

  // ---- IPC ----------------------------------------------------------------------------------------

  it('answers every IPC call, however malformed its arguments, with a typed error or a valid result', async () => {
    const electron = fakeElectron();
    const ours = new FakeWebContents();
    registerBackendIpc({
      ipcMain: electron.ipcMain,
      backend,
      allowSender: (event) => event.sender === (ours as unknown),
    });
    const handler = electron.ipcMain.handlers.get(IPC_CALL_CHANNEL)!;
    // What structured clone can carry besides JSON: undefined, NaN, BigInt, dates, maps, sets, typed arrays.
    const cloneable = fc.anything({
      maxDepth: 3,
      withBigInt: true,
      withDate: true,
      withMap: true,
      withSet: true,
      withTypedArray: true,
      withNullPrototype: true,
      withSparseArray: true,
    });
    const argsArb = fc.oneof(
      callArb().map(({ action, request }) => [action, request]),
      fc
        .tuple(callArb(), fc.array(cloneable, { minLength: 1, maxLength: 2 }))
        .map(([{ action, request }, extra]) => [action, request, ...extra]),
      fc.array(cloneable, { maxLength: 3 }).map((args) => confine(args, root) as unknown[]),
      fc.tuple(fc.constantFrom(...actionNames), cloneable).map(([action, request]) => [action, confine(request, root)]),
    );
    await check(
      fc.asyncProperty(argsArb, async (args) => {
        await ensureBase();
        await guard(args[0], args[1]);
        const before = await treeHash(root);
        const result = (await handler(ipcEventFrom(ours), ...args)) as CallResult;
        // Electron sends the answer back by structured clone: it must survive one.
        expect(() => structuredClone(result)).not.toThrow();
        expect(typeof result === 'object' && result !== null && typeof result.ok === 'boolean').toBe(true);
        expectTyped(args[0], result);
        if (!result.ok)
          expect(await treeHash(root), `${String(args[0]).slice(0, 40)} was refused but changed files`).toBe(before);
        expect(await handler(ipcEventFrom(ours), 'engineStatus', {})).toMatchObject({ ok: true });
      }),
      80,
    );
    const ping = (await handler(ipcEventFrom(ours), 'engineStatus', {})) as CallResult;
    expect(ping).toMatchObject({ ok: true });
  });
});
