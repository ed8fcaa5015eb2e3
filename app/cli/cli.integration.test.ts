// `porthole` as a user runs it: the built CLI (out/node/cli.js, made by `npm run build`) in a child process,
// against this machine's real /dev/kvm and Docker engine, on empty temporary config and data dirs.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { requireBuiltCli, runCli, type CliRun } from '../core/testing/cli';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostReportSchema, type HostReport } from '../api';
import { realHostClass, type HostClass } from '../core/testing/test-host';

const NOWHERE = 'unix:///nonexistent.sock';
// What this machine is: kvm (check ok), nested (KVM opens but the CPU hides vmx/svm: a warning) or none (a failure).
let cls: HostClass;

let root = '';
let env: NodeJS.ProcessEnv = {};

beforeAll(async () => {
  cls = await realHostClass();
  requireBuiltCli();
  root = await mkdtemp(join(tmpdir(), 'porthole-cli-'));
  env = { ...process.env, PORTHOLE_CONFIG_DIR: join(root, 'config'), PORTHOLE_DATA_DIR: join(root, 'data') };
  delete env.DOCKER_HOST;
});

afterAll(async () => {
  if (root) await rm(root, { recursive: true, force: true });
});

type Run = CliRun;

const porthole = (args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> =>
  runCli(args, { ...env, ...extraEnv });

function parseReport(run: Run): HostReport {
  return hostReportSchema.parse(JSON.parse(run.stdout));
}

const byId = (report: HostReport, id: string) => report.checks.find((c) => c.id === id)!;

describe('porthole check on this machine', () => {
  it('--json: KVM as this machine has it, the Docker engine answers; exit 0 unless KVM fails', async () => {
    const run = await porthole(['check', '--json']);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(cls === 'none' ? 1 : 0);
    const report = parseReport(run);
    expect(report.ready).toBe(cls !== 'none');
    expect(report.checks.map((c) => c.id)).toEqual(
      expect.arrayContaining(['kvm', 'engine', 'memory', 'cpu', 'disk', 'tun']),
    );
    expect(report.checks.filter((c) => c.status === 'fail').map((c) => c.id)).toEqual(cls === 'none' ? ['kvm'] : []);

    const kvm = byId(report, 'kvm');
    expect(kvm.status).toBe({ kvm: 'ok', nested: 'warn', none: 'fail' }[cls]);
    expect(report.facts.kvmForMachines).toBe(cls === 'kvm');
    if (cls === 'nested') {
      expect(kvm.why).toMatch(/software emulation \(KVM=N\)/);
      expect(kvm.fix?.commands).toContain("grep -cwE 'vmx|svm' /proc/cpuinfo");
    }
    if (cls === 'none') expect(kvm.fix?.text).toMatch(/KVM=N/);

    expect(byId(report, 'engine').status).toBe('ok');
    expect(report.facts.engine).toMatchObject({ kind: 'docker', rootless: false, desktop: false });
  });

  it('human output: a line per check with its mark, and the verdict', async () => {
    const [human, json] = await Promise.all([porthole(['check']), porthole(['check', '--json'])]);
    expect(human.code).toBe(cls === 'none' ? 1 : 0);
    const report = parseReport(json);
    const mark = { ok: '✓', warn: '!', fail: '✗' } as const;
    for (const check of report.checks) {
      expect(human.stdout).toMatch(new RegExp(`^${escape(`${mark[check.status]} ${check.title}: `)}`, 'm'));
    }
    expect(human.stdout).toMatch(/^✓ Container engine: Docker .* answers at /m);
    if (cls === 'nested') expect(human.stdout).toMatch(/^ {8}grep -cwE 'vmx\|svm' \/proc\/cpuinfo$/m);
    if (cls === 'none') expect(human.stdout).toMatch(/^Not ready: 1 problem to fix first/m);
    else expect(human.stdout).toMatch(/^Ready to run Windows machines( \(\d+ warnings?\))?\.$/m);
  });
});

describe('porthole check with DOCKER_HOST pointing nowhere', () => {
  it('--json: the engine fails with the not running / not installed remedy: non-zero exit', async () => {
    const run = await porthole(['check', '--json'], { DOCKER_HOST: NOWHERE });
    expect(run.code).not.toBe(0);
    expect(run.code).not.toBeNull();
    const report = parseReport(run);
    expect(report.ready).toBe(false);
    expect(report.facts.engine).toBeNull();

    const engine = byId(report, 'engine');
    expect(engine.status).toBe('fail');
    expect(engine.found).toContain(`DOCKER_HOST is ${NOWHERE}, but no engine listens there`);
    expect(engine.found).toMatch(/not running, or not installed/);
    expect(engine.fix?.text).toMatch(/not running|not installed/);
    const commands = engine.fix?.commands ?? [];
    // A command to start (or install) the engine, and, since Docker answers on its usual socket, the way back to it.
    expect(commands.some((c) => /systemctl .*(docker|podman)|apt-get install|dnf install/.test(c))).toBe(true);
    expect(commands).toContain('unset DOCKER_HOST');
    // The other checks still run.
    expect(byId(report, 'memory').status).toBe('ok');
  });

  it('human output: the failing engine with its fix, and "Not ready": non-zero exit', async () => {
    const run = await porthole(['check'], { DOCKER_HOST: NOWHERE });
    expect(run.code).not.toBe(0);
    expect(run.stdout).toMatch(
      /^✗ Container engine: DOCKER_HOST is unix:\/\/\/nonexistent\.sock, but no engine listens there/m,
    );
    expect(run.stdout).toMatch(/^ {4}The engine is not running/m);
    expect(run.stdout).toMatch(/^ {8}unset DOCKER_HOST$/m);
    expect(run.stdout).toMatch(/^✓ Memory: /m);
    expect(run.stdout).toMatch(
      cls === 'none' ? /^Not ready: 2 problems to fix first/m : /^Not ready: 1 problem to fix first/m,
    );
  });
});

describe('porthole machines and usage errors', () => {
  it('machines --json on an empty config is []', async () => {
    const run = await porthole(['machines', '--json']);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.stdout)).toEqual([]);
  });

  it('machines (human) on an empty config says how to create one', async () => {
    const run = await porthole(['machines']);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^No machines yet\. Create one with: porthole create/);
  });

  it('create without a password generates a strong one, prints it once, and "password ID" shows it again', async () => {
    const created = await porthole(['create', '--name', 'Password check']);
    expect(created.code).toBe(0);
    const shown = /^Windows password \(shown once; "porthole password ([a-z0-9-]+)" shows it again\): (\S+)$/m.exec(
      created.stdout,
    );
    expect(shown, created.stdout).not.toBeNull();
    const [, id, password] = shown!;
    expect(password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(password).not.toBe('admin');
    expect(created.stderr).not.toContain(password!);

    const again = await porthole(['password', id!]);
    expect(again.code).toBe(0);
    expect(again.stdout).toBe(`${password}\n`);
    // The listing never carries it.
    expect((await porthole(['machines', '--json'])).stdout).not.toContain(password!);

    const second = JSON.parse((await porthole(['create', '--json', '--name', 'Password check two'])).stdout) as {
      id: string;
      password: string;
    };
    expect(second.password).toMatch(/^[A-Za-z0-9]{20}$/);
    expect(second.password).not.toBe(password);
    for (const machine of [id!, second.id]) expect((await porthole(['rm', machine])).code).toBe(0);
  });

  it('an unknown command is a usage error: exit 2, usage on stderr', async () => {
    const run = await porthole(['frobnicate']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/^Unknown command "frobnicate"\./);
    expect(run.stderr).toContain('Usage: porthole <command>');
    expect(run.stdout).toBe('');
  });

  it('a command without its machine id is a usage error: exit 2', async () => {
    const run = await porthole(['start']);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('"porthole start" needs a machine id');
  });

  it('an unknown option is a usage error: exit 2, nothing done', async () => {
    const run = await porthole(['machines', '--bogus']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/Unknown option '--bogus'/);
    expect(run.stderr).toContain('Usage: porthole <command>');
    expect(run.stdout).toBe('');
  });

  it('no command at all prints the usage: exit 2', async () => {
    const run = await porthole([]);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('Usage: porthole <command>');
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
