// The stand-in guest image (e2e/guest) against the real engine: it must keep the parts of the
// dockurr/windows contract that Porthole's integration and end-to-end tests rely on.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import WebSocket from 'ws';
import { afterAll, describe, inject, it } from 'vitest';

const execFileAsync = promisify(execFile);
const image = inject('standinImage');
const testIso = inject('testIso');

const GIB = 1024 ** 3;
const ESC = String.fromCharCode(27);
const COLOUR_CODES = new RegExp(`${ESC}\\[[0-9;=?]*[A-Za-z]`, 'g');
/** Settings that make a machine quick to reach its running state under software emulation. */
const QUICK = { KVM: 'N', RAM_SIZE: '2G', CPU_CORES: '1', STANDIN_PREPARE_SECONDS: '0', STANDIN_INSTALL_SECONDS: '0' };

const containers: string[] = [];
const volumes: string[] = [];
const tempDirs: string[] = [];

afterAll(async () => {
  if (containers.length > 0) await docker(['rm', '-f', '-v', ...containers]).catch(() => '');
  for (const volume of volumes) await docker(['volume', 'rm', '-f', volume]).catch(() => '');
  for (const dir of tempDirs) await rm(dir, { recursive: true, force: true });
});

async function docker(args: string[], timeout = 60_000): Promise<string> {
  const { stdout } = await execFileAsync('docker', args, { timeout, maxBuffer: 16 * 1024 * 1024 });
  return stdout.trim();
}

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'porthole-standin-'));
  tempDirs.push(dir);
  return dir;
}

async function volume(): Promise<string> {
  const name = await docker(['volume', 'create', '--label', 'io.porthole.test=standin']);
  volumes.push(name);
  return name;
}

interface Machine {
  env?: Record<string, string>;
  /** Extra `docker run` options: mounts, devices, ports. */
  options?: string[];
}

async function start({ env = {}, options = [] }: Machine): Promise<string> {
  const envOptions = Object.entries(env).flatMap(([name, value]) => ['-e', `${name}=${value}`]);
  const id = await docker(['run', '-d', '--label', 'io.porthole.test=standin', ...envOptions, ...options, image]);
  containers.push(id);
  return id;
}

async function logs(id: string): Promise<string> {
  const { stdout, stderr } = await execFileAsync('docker', ['logs', id], { maxBuffer: 16 * 1024 * 1024 });
  return `${stdout}\n${stderr}`.replace(COLOUR_CODES, '');
}

async function waitForExit(id: string, timeout = 60_000): Promise<number> {
  return Number(await docker(['wait', id], timeout));
}

async function runToExit(machine: Machine): Promise<{ code: number; log: string }> {
  const id = await start(machine);
  const code = await waitForExit(id);
  return { code, log: await logs(id) };
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeout = 60_000): Promise<T> {
  const deadline = Date.now() + timeout;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

async function waitForLog(id: string, text: string, timeout = 60_000): Promise<string> {
  return waitFor(
    `"${text}" in the log`,
    async () => {
      const log = await logs(id);
      return log.includes(text) ? log : undefined;
    },
    timeout,
  );
}

async function webPort(id: string): Promise<string> {
  const binding = await docker(['port', id, '8006/tcp']);
  const port = /^127\.0\.0\.1:(\d+)$/m.exec(binding)?.[1];
  if (port === undefined) throw new Error(`8006 is not published on 127.0.0.1: ${binding}`);
  return port;
}

async function stopWithSigterm(id: string, timeout = 60_000): Promise<number> {
  await docker(['kill', '--signal', 'TERM', id]);
  return waitForExit(id, timeout);
}

/** Collects the text messages of a websocket, connecting again until the server answers. */
async function collectMessages(url: string, timeout = 30_000): Promise<{ messages: string[]; close: () => void }> {
  const messages: string[] = [];
  const socket = await waitFor(
    `a websocket at ${url}`,
    () =>
      new Promise<WebSocket | undefined>((resolve) => {
        const ws = new WebSocket(url);
        ws.once('open', () => resolve(ws));
        ws.once('error', () => resolve(undefined));
        ws.on('message', (data: Buffer) => messages.push(data.toString('utf8')));
      }),
    timeout,
  );
  return { messages, close: () => socket.close() };
}

function firstBinaryMessage(url: string): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url, ['binary']);
    const timer = setTimeout(() => reject(new Error(`no message from ${url}`)), 10_000);
    ws.once('message', (data: Buffer) => {
      clearTimeout(timer);
      ws.close();
      resolve(data);
    });
    ws.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

/** This machine's /proc/cpuinfo without vmx and svm, as a nested VM's CPU shows it. */
function hiddenFlags(cpuinfo: string): string {
  return cpuinfo.replace(/^(flags\s*:.*)$/gm, (line) => line.replace(/ (vmx|svm)\b/g, ''));
}

function hasKvmDevice(): boolean {
  return existsSync('/dev/kvm');
}

describe.concurrent('stand-in image: refusals and their exit codes', () => {
  it('exits 88 when /dev/kvm is missing, after the first log line', async ({ expect }) => {
    const { code, log } = await runToExit({ env: { KVM: 'Y' } });
    expect(code).toBe(88);
    expect(log.trimStart().startsWith('❯ Starting Windows for Docker v6.05...')).toBe(true);
    expect(log).toContain(
      '❯ ERROR: KVM acceleration is not available (/dev/kvm is missing), this will cause a major loss of performance.',
    );
  });

  it.skipIf(!hasKvmDevice())('exits 88 when /dev/kvm cannot be written', async ({ expect }) => {
    const { code, log } = await runToExit({ env: { KVM: 'yes' }, options: ['--device', '/dev/kvm:/dev/kvm:r'] });
    expect(code).toBe(88);
    expect(log).toContain('❯ ERROR: KVM acceleration is not available (/dev/kvm is unwriteable)');
  });

  // The container reads the host's CPU flags, so a CPU that hides vmx/svm is given to it (runc lets /proc/cpuinfo be
  // bind-mounted): the same refusal on a KVM laptop as on a nested VM.
  it.skipIf(!hasKvmDevice())(
    'exits 88 "(not enabled in BIOS)" with KVM=Y when the CPU flags hide vmx/svm',
    async ({ expect }) => {
      const cpuinfo = path.join(await tempDir(), 'cpuinfo');
      await writeFile(cpuinfo, hiddenFlags(readFileSync('/proc/cpuinfo', 'utf8')));
      const { code, log } = await runToExit({
        env: { KVM: 'Y' },
        options: ['--device', '/dev/kvm', '-v', `${cpuinfo}:/proc/cpuinfo:ro`],
      });
      expect(code).toBe(88);
      expect(log).toContain(
        '❯ ERROR: KVM acceleration is not available (not enabled in BIOS), this will cause a major loss of performance.',
      );
    },
  );

  it('exits 16 when RAM_SIZE is below the 2 GB that Windows 11 needs', async ({ expect }) => {
    const { code, log } = await runToExit({ env: { ...QUICK, RAM_SIZE: '1G' } });
    expect(code).toBe(16);
    expect(log).toMatch(/❯ ERROR: .*requires at least 2 GB of RAM/);
  });

  it('exits 73 when DISK_SIZE is below the 32 GB that Windows 11 needs', async ({ expect }) => {
    const { code, log } = await runToExit({ env: { ...QUICK, VERSION: '11', DISK_SIZE: '20G' } });
    expect(code).toBe(73);
    expect(log).toContain('❯ ERROR: Please increase the DISK_SIZE variable to at least 32 GB.');
  });

  it('exits 74 for a custom ISO under 10 MB', async ({ expect }) => {
    const iso = path.join(await tempDir(), 'small.iso');
    await writeFile(iso, Buffer.alloc(1024 * 1024));
    const { code, log } = await runToExit({ env: QUICK, options: ['-v', `${iso}:/custom.iso:ro`] });
    expect(code).toBe(74);
    expect(log).toContain('❯ ERROR: Invalid ISO file: Size of "/custom.iso" is smaller than 10 MB');
  });

  it('exits 13 when /storage is not writable', async ({ expect }) => {
    const storage = await tempDir();
    const { code, log } = await runToExit({ env: QUICK, options: ['-v', `${storage}:/storage:ro`] });
    expect(code).toBe(13);
    expect(log).toContain('❯ ERROR: Storage folder (/storage) is not writeable!');
  });

  it('rejects an unknown VERSION with the upstream message', async ({ expect }) => {
    const { code, log } = await runToExit({ env: { ...QUICK, VERSION: 'win99' } });
    expect(code).toBe(68);
    expect(log).toContain('❯ ERROR: Invalid VERSION specified, value "win99" is not recognized!');
  });
});

describe.concurrent('stand-in image: a running machine', () => {
  it('prepares, serves the status and the screen, and powers down on SIGTERM', async ({ expect }) => {
    const storage = await volume();
    const oem = await tempDir();
    await writeFile(path.join(oem, 'install.bat'), '@echo off\r\necho PORTHOLE-STANDIN-INSTALLED > COM1\r\n');
    const id = await start({
      env: { ...QUICK, DISK_SIZE: '40', STANDIN_PREPARE_SECONDS: '3', STANDIN_INSTALL_SECONDS: '1' },
      options: ['-p', '127.0.0.1::8006', '-v', `${storage}:/storage`, '-v', `${oem}:/oem:ro`],
    });
    const base = `127.0.0.1:${await webPort(id)}`;
    const status = await collectMessages(`ws://${base}/status`);

    // /msg.html: the message while preparing, never cached; 404 once QEMU is being launched.
    const preparing = await waitFor('/msg.html to answer 200', async () => {
      const response = await fetch(`http://${base}/msg.html`);
      return response.status === 200 ? response : undefined;
    });
    expect(preparing.headers.get('cache-control')).toBe('no-store');
    expect(await preparing.text()).toMatch(/<p class="loading">.+<\/p>/);
    await waitFor('/msg.html to answer 404', async () => {
      const response = await fetch(`http://${base}/msg.html`);
      return response.status === 404 ? true : undefined;
    });

    // /status: "s: <message>" first, "c: vnc" once the screen is ready.
    await waitFor('"c: vnc" on /status', async () => (status.messages.includes('c: vnc') ? true : undefined));
    status.close();
    expect(status.messages[0]).toMatch(/^s: /);
    expect(status.messages.some((message) => message.includes('Downloading Windows 11'))).toBe(true);
    expect(status.messages.indexOf('c: vnc')).toBeGreaterThan(0);

    // /websockify: QEMU's VNC as RFB over a websocket.
    const greeting = await firstBinaryMessage(`ws://${base}/websockify`);
    expect(greeting.toString('latin1')).toMatch(/^RFB 003\.00\d\n/);

    // The data disk: sparse, of DISK_SIZE (a bare number is GB).
    const [size, blocks] = (await docker(['exec', id, 'stat', '-c', '%s %b', '/storage/data.img']))
      .split(' ')
      .map(Number);
    expect(size).toBe(40 * GIB);
    expect(blocks).toBeLessThan(1024 * 1024);

    // SIMULATED Setup: what install.bat echoes to COM1 reaches the log.
    await waitForLog(id, 'PORTHOLE-STANDIN-INSTALLED');
    let log = await logs(id);
    expect(log).toContain('❯ Booting Windows using QEMU v');
    expect(log).toContain('❯ Windows started successfully, visit http://127.0.0.1:8006/ to view the screen...');

    expect(await stopWithSigterm(id)).toBe(0);
    log = await logs(id);
    expect(log).toContain('❯ Received SIGTERM signal, sending ACPI shutdown signal...');
    expect(log).toContain('❯ Waiting for Windows to shut down... (1/100)');
    expect(log).toContain('❯ Shutdown completed!');

    // The first shutdown after the install marks the machine installed; the next start skips the download.
    await docker(['start', id]);
    log = await waitFor('the second boot', async () => {
      const current = await logs(id);
      return current.split('❯ Booting Windows using QEMU v').length === 3 ? current : undefined;
    });
    expect(log.split('❯ Starting Windows for Docker v6.05...').length - 1).toBe(2);
    expect(log.split('Requesting Windows 11').length - 1).toBe(1);
    await docker(['exec', id, 'test', '-f', '/storage/windows.boot']);
    expect(await stopWithSigterm(id)).toBe(0);
  });

  it('forces QEMU off at the end of TIMEOUT when the guest ignores the power button', async ({ expect }) => {
    const id = await start({
      env: { ...QUICK, DISK_SIZE: '64G', STANDIN_GUEST_SHUTDOWN_SECONDS: 'never', TIMEOUT: '3' },
    });
    await waitForLog(id, '❯ Windows started successfully');
    const started = Date.now();
    expect(await stopWithSigterm(id)).toBe(143);
    expect(Date.now() - started).toBeLessThan(15_000);
    const log = await logs(id);
    expect(log).toContain('❯ Received SIGTERM signal, sending ACPI shutdown signal...');
    expect(log).toContain('❯ Windows is still running, sending SIGTERM...');
    expect(log).toContain('❯ Shutdown completed!');
  });

  it('boots a custom ISO and counts a stop during the manual install out of 10', async ({ expect }) => {
    const id = await start({
      env: { KVM: 'N', RAM_SIZE: '1G', CPU_CORES: '1' },
      options: ['-v', `${testIso}:/custom.iso:ro`],
    });
    await waitForLog(id, 'Booting from DVD/CD');
    expect(await logs(id)).toContain('❯ Booting Windows (legacy) using QEMU v');
    expect(await stopWithSigterm(id)).toBe(143);
    const log = await logs(id);
    expect(log).toContain('❯ Waiting for Windows to shut down... (1/10)');
    expect(log).toContain('❯ Windows is still running, sending SIGTERM... (7/10)');
  });
});
