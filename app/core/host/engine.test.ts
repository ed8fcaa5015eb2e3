import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CheckResult } from '../../api';
import { hostContext, type HostCheckOptions } from './context';
import { readDistro } from './distro';
import { engineCheck } from './engine';
import { findEngineCandidates } from './engine-candidates';
import {
  apiAtLeast,
  engineFlavor,
  installedEngines,
  probeEngines,
  resolveEngineEndpoint,
  selectEngine,
} from './engine-probe';
import { requestEngine, type EngineRequest } from './engine-http';
import { makeFakeRoot, type FakeRoot } from '../testing/fake-root';

let fake: FakeRoot;
beforeEach(async () => {
  fake = await makeFakeRoot();
});
afterEach(async () => {
  await fake.cleanup();
});

const env = (extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv => ({
  HOME: '/home/alice',
  USER: 'alice',
  XDG_RUNTIME_DIR: '/run/user/1000',
  PATH: '/usr/local/bin:/usr/bin:/bin',
  ...extra,
});

async function check(options: HostCheckOptions = {}): Promise<CheckResult> {
  const ctx = hostContext(fake.options(options));
  const [probes, distro, installed] = await Promise.all([probeEngines(ctx), readDistro(ctx), installedEngines(ctx)]);
  return engineCheck({ probes, distro, installed }, ctx);
}

describe('findEngineCandidates', () => {
  it('lists the usual sockets in order: system, rootless Docker, Podman (user, then system)', async () => {
    const list = await findEngineCandidates(fake.options());
    expect(list.map((c) => [c.source, c.label])).toEqual([
      ['system', 'unix:///var/run/docker.sock'],
      ['rootless', 'unix:///run/user/1000/docker.sock'],
      ['podman-user', 'unix:///run/user/1000/podman/podman.sock'],
      ['podman-system', 'unix:///run/podman/podman.sock'],
    ]);
    expect(list[0]!.socketPath).toBe(join(fake.root, 'var/run/docker.sock'));
    expect(list[1]).toMatchObject({ rootless: true, kindHint: 'docker' });
    expect(list[2]).toMatchObject({ rootless: true, kindHint: 'podman' });
    expect(list[3]).toMatchObject({ rootless: false, kindHint: 'podman' });
  });

  it('derives the runtime dir from the uid when XDG_RUNTIME_DIR is unset', async () => {
    const list = await findEngineCandidates(fake.options({ env: env({ XDG_RUNTIME_DIR: undefined }), uid: 1234 }));
    expect(list.map((c) => c.label)).toContain('unix:///run/user/1234/docker.sock');
  });

  it('puts DOCKER_HOST first (unix and tcp)', async () => {
    const unix = await findEngineCandidates(fake.options({ env: env({ DOCKER_HOST: 'unix:///srv/engine.sock' }) }));
    expect(unix[0]).toMatchObject({
      source: 'DOCKER_HOST',
      label: 'unix:///srv/engine.sock',
      socketPath: join(fake.root, 'srv/engine.sock'),
    });

    const tcp = await findEngineCandidates(fake.options({ env: env({ DOCKER_HOST: 'tcp://10.0.0.5:2375' }) }));
    expect(tcp[0]).toMatchObject({ source: 'DOCKER_HOST', host: '10.0.0.5', port: 2375, protocol: 'http' });

    const tls = await findEngineCandidates(
      fake.options({ env: env({ DOCKER_HOST: 'tcp://box:2376', DOCKER_TLS_VERIFY: '1' }) }),
    );
    expect(tls[0]).toMatchObject({ protocol: 'https', port: 2376, tlsCertDir: '/home/alice/.docker' });
  });

  it('reads ssh:// as an engine reached through ssh, and refuses one with a path', async () => {
    const list = await findEngineCandidates(fake.options({ env: env({ DOCKER_HOST: 'ssh://me@box:2222' }) }));
    expect(list[0]).toMatchObject({ source: 'DOCKER_HOST', ssh: { host: 'box', port: 2222, user: 'me' } });
    expect(list[0]!.unsupported).toBeUndefined();
    const withPath = await findEngineCandidates(
      fake.options({ env: env({ DOCKER_HOST: 'ssh://me@box/run/docker.sock' }) }),
    );
    expect(withPath[0]!.unsupported).toMatch(/has a path/);
  });

  it('marks an unknown scheme, a named pipe and a broken address as unusable, each with its reason', async () => {
    const reasons: Record<string, RegExp> = {
      'foo://x': /not an engine address Porthole can use.*not foo:\/\//,
      'npipe:////./pipe/docker_engine': /Windows named pipe/,
      'tcp://[': /not a valid address/,
      'unix://': /names no socket/,
      '/var/run/docker.sock': /unix socket \(unix:\/\/\), TCP \(tcp:\/\/\) or SSH/,
    };
    for (const [value, reason] of Object.entries(reasons)) {
      const list = await findEngineCandidates(fake.options({ env: env({ DOCKER_HOST: value }) }));
      expect(list[0], value).toMatchObject({ source: 'DOCKER_HOST', label: value });
      expect(list[0]!.unsupported, value).toMatch(reason);
      expect(list[0]!.socketPath, value).toBeUndefined();
    }
  });

  it('follows the current Docker context to its endpoint', async () => {
    await fake.write('/home/alice/.docker/config.json', JSON.stringify({ auths: {}, currentContext: 'rootless' }));
    await fake.write(
      '/home/alice/.docker/contexts/meta/0a1b2c/meta.json',
      JSON.stringify({ Name: 'other', Metadata: {}, Endpoints: { docker: { Host: 'tcp://elsewhere:2375' } } }),
    );
    await fake.write(
      '/home/alice/.docker/contexts/meta/3d4e5f/meta.json',
      JSON.stringify({
        Name: 'rootless',
        Metadata: {},
        Endpoints: { docker: { Host: 'unix:///run/user/1000/docker.sock', SkipTLSVerify: false } },
      }),
    );
    const list = await findEngineCandidates(fake.options());
    expect(list[0]).toMatchObject({
      source: 'context',
      context: 'rootless',
      label: 'unix:///run/user/1000/docker.sock',
      rootless: true,
    });
    // The same socket is not listed twice.
    expect(list.filter((c) => c.label === 'unix:///run/user/1000/docker.sock')).toHaveLength(1);

    const chosen = await findEngineCandidates(fake.options({ env: env({ DOCKER_CONTEXT: 'other' }) }));
    expect(chosen[0]).toMatchObject({ source: 'context', context: 'other', host: 'elsewhere' });
  });

  it('recognises the Docker Desktop context by its socket under ~/.docker/desktop', async () => {
    await fake.write('/home/alice/.docker/config.json', JSON.stringify({ currentContext: 'desktop-linux' }));
    await fake.write(
      '/home/alice/.docker/contexts/meta/fe01/meta.json',
      JSON.stringify({
        Name: 'desktop-linux',
        Endpoints: { docker: { Host: 'unix:///home/alice/.docker/desktop/docker.sock' } },
      }),
    );
    const list = await findEngineCandidates(fake.options());
    expect(list[0]).toMatchObject({ desktop: true, rootless: false });
  });
});

describe('probing engines', () => {
  it('finds a Docker engine on /var/run/docker.sock and says how to reach it', async () => {
    await fake.serve('/var/run/docker.sock', { kind: 'docker', version: '24.0.7', apiVersion: '1.43' });
    const endpoint = await resolveEngineEndpoint(fake.options());
    expect(endpoint).toEqual({
      kind: 'docker',
      label: 'unix:///var/run/docker.sock',
      socketPath: join(fake.root, 'var/run/docker.sock'),
      apiVersion: '1.43',
      version: '24.0.7',
      rootless: false,
      desktop: false,
    });
    const result = await check();
    expect(result.status).toBe('ok');
    expect(result.found).toBe('Docker 24.0.7 (API 1.43) answers at unix:///var/run/docker.sock.');
  });

  it('tells Podman from Docker by /libpod/_ping (rootless user socket)', async () => {
    await fake.serve('/run/user/1000/podman/podman.sock', { kind: 'podman', version: '4.3.1', apiVersion: '1.40' });
    const endpoint = await resolveEngineEndpoint(fake.options());
    expect(endpoint).toMatchObject({
      kind: 'podman',
      label: 'unix:///run/user/1000/podman/podman.sock',
      rootless: true,
    });
    const result = await check();
    expect(result.status).toBe('ok'); // the Docker API minimum does not apply to Podman
    expect(result.found).toMatch(/^Podman 4\.3\.1 .* rootless\.$/);
  });

  it('finds rootless Docker on $XDG_RUNTIME_DIR/docker.sock', async () => {
    await fake.serve('/run/user/1000/docker.sock', { kind: 'docker', rootless: true });
    const endpoint = await resolveEngineEndpoint(fake.options());
    expect(endpoint).toMatchObject({ kind: 'docker', rootless: true, label: 'unix:///run/user/1000/docker.sock' });
  });

  it('reads rootless mode from /info even on an unusual socket path', async () => {
    await fake.serve('/srv/d.sock', { kind: 'docker', rootless: true });
    const endpoint = await resolveEngineEndpoint(fake.options({ env: env({ DOCKER_HOST: 'unix:///srv/d.sock' }) }));
    expect(endpoint?.rootless).toBe(true);
  });

  it('reads rootless Podman from its /libpod/info on a socket anywhere (its compatible /info does not say)', async () => {
    await fake.serve('/srv/p.sock', { kind: 'podman', rootless: true });
    const rootless = await resolveEngineEndpoint(fake.options({ env: env({ DOCKER_HOST: 'unix:///srv/p.sock' }) }));
    expect(rootless).toMatchObject({ kind: 'podman', rootless: true });
    await fake.serve('/srv/q.sock', { kind: 'podman' });
    const rootful = await resolveEngineEndpoint(fake.options({ env: env({ DOCKER_HOST: 'unix:///srv/q.sock' }) }));
    expect(rootful).toMatchObject({ kind: 'podman', rootless: false });
  });

  it('fails when the Docker API is older than 1.41', async () => {
    await fake.serve('/var/run/docker.sock', { kind: 'docker', version: '19.03.15', apiVersion: '1.40' });
    const result = await check();
    expect(result.status).toBe('fail');
    expect(result.found).toMatch(/API 1\.41 or newer/);
    expect(result.fix?.commands).toEqual([
      'sudo apt-get update',
      'sudo apt-get install --only-upgrade docker.io docker-ce',
    ]);
  });

  it('warns about Docker Desktop (OperatingSystem "Docker Desktop"): its VM cannot pass KVM', async () => {
    await fake.serve('/var/run/docker.sock', {
      kind: 'docker',
      operatingSystem: 'Docker Desktop',
      platformName: 'Docker Desktop 4.34.0 (165256)',
    });
    const endpoint = await resolveEngineEndpoint(fake.options());
    expect(endpoint?.desktop).toBe(true);
    const result = await check();
    expect(result.status).toBe('warn');
    expect(result.why).toMatch(/cannot pass \/dev\/kvm/);
    expect(result.fix?.commands).toContain('docker context use default');
    expect(result.fix?.commands).toContain('sudo apt-get install -y docker.io');
  });

  it('warns about Docker Desktop found through its context socket', async () => {
    await fake.write('/home/alice/.docker/config.json', JSON.stringify({ currentContext: 'desktop-linux' }));
    await fake.write(
      '/home/alice/.docker/contexts/meta/fe01/meta.json',
      JSON.stringify({
        Name: 'desktop-linux',
        Endpoints: { docker: { Host: 'unix:///home/alice/.docker/desktop/docker.sock' } },
      }),
    );
    await fake.serve('/home/alice/.docker/desktop/docker.sock', { kind: 'docker' });
    const result = await check();
    expect(result.status).toBe('warn');
    expect(result.found).toMatch(/^Docker Desktop/);
  });

  it('warns when the current context is dead and another engine answers', async () => {
    await fake.write('/home/alice/.docker/config.json', JSON.stringify({ currentContext: 'gone' }));
    await fake.write(
      '/home/alice/.docker/contexts/meta/aa/meta.json',
      JSON.stringify({ Name: 'gone', Endpoints: { docker: { Host: 'unix:///srv/gone.sock' } } }),
    );
    await fake.serve('/var/run/docker.sock', { kind: 'docker' });
    expect((await resolveEngineEndpoint(fake.options()))?.label).toBe('unix:///var/run/docker.sock');
    const result = await check();
    expect(result.status).toBe('warn');
    expect(result.found).toMatch(/context "gone"/);
  });

  it('fails on refused connections (stale socket: daemon not running) with the start command', async () => {
    await fake.staleSocket('/var/run/docker.sock');
    const probes = await probeEngines(hostContext(fake.options()));
    expect(probes[0]).toMatchObject({ state: 'refused', detail: 'ECONNREFUSED' });
    const result = await check();
    expect(result.status).toBe('fail');
    expect(result.found).toMatch(/connection refused/);
    expect(result.fix?.commands).toEqual(['sudo systemctl enable --now docker']);
  });

  it('starts the right service for a refused Podman user socket', async () => {
    await fake.staleSocket('/run/user/1000/podman/podman.sock');
    const result = await check();
    expect(result.fix?.commands).toEqual(['systemctl --user enable --now podman.socket']);
  });

  it('explains EACCES with the docker group, its security cost, rootless Docker and Podman', async () => {
    await fake.serve('/var/run/docker.sock', { kind: 'docker' });
    const denying: EngineRequest = async (address, path, timeout) => {
      if (address.socketPath?.endsWith('var/run/docker.sock'))
        throw Object.assign(new Error('connect EACCES'), { code: 'EACCES' });
      return requestEngine(address, path, timeout);
    };
    const result = await check({ engineRequest: denying });
    expect(result.status).toBe('fail');
    expect(result.found).toMatch(
      /user alice may not use the engine at unix:\/\/\/var\/run\/docker.sock \(permission denied/,
    );
    expect(result.fix?.text).toMatch(/full root/);
    expect(result.fix?.commands).toContain('sudo usermod -aG docker alice');
    expect(result.fix?.commands).toContain('/usr/share/docker.io/contrib/dockerd-rootless-setuptool.sh install');
    expect(result.fix?.commands).toContain('systemctl --user enable --now podman.socket');
  });

  it('does not block when the system socket denies access but rootless Docker answers', async () => {
    await fake.serve('/var/run/docker.sock', { kind: 'docker' });
    await fake.serve('/run/user/1000/docker.sock', { kind: 'docker', rootless: true });
    const denying: EngineRequest = async (address, path, timeout) => {
      if (address.socketPath?.endsWith('var/run/docker.sock'))
        throw Object.assign(new Error('connect EACCES'), { code: 'EACCES' });
      return requestEngine(address, path, timeout);
    };
    const result = await check({ engineRequest: denying });
    expect(result.status).toBe('ok');
    expect(result.found).toMatch(/rootless/);
  });

  it('reports an engine that accepts but never answers as a timeout', async () => {
    await fake.silent('/var/run/docker.sock');
    const probes = await probeEngines(hostContext(fake.options({ timeoutMs: 150 })));
    expect(probes[0]).toMatchObject({ state: 'timeout' });
  });

  it('reports a file that is not a socket', async () => {
    await fake.write('/var/run/docker.sock', 'not a socket');
    const result = await check();
    expect(result.status).toBe('fail');
    expect(result.found).toMatch(/is not a socket/);
  });

  it('with DOCKER_HOST set, uses only that engine: a dead one fails even if another answers', async () => {
    await fake.serve('/var/run/docker.sock', { kind: 'docker' });
    await fake.write('/usr/sbin/dockerd');
    const options = { env: env({ DOCKER_HOST: 'unix:///nonexistent.sock' }) };
    expect(await resolveEngineEndpoint(fake.options(options))).toBeNull();
    const result = await check(options);
    expect(result.status).toBe('fail');
    expect(result.found).toMatch(/DOCKER_HOST is unix:\/\/\/nonexistent.sock, but no engine listens there/);
    expect(result.found).toMatch(/not running, or not installed/);
    expect(result.fix?.commands).toEqual([
      'sudo systemctl enable --now docker',
      '# or use the engine that answers:',
      'unset DOCKER_HOST',
    ]);
  });

  it('fails on an unsupported DOCKER_HOST scheme', async () => {
    const result = await check({ env: env({ DOCKER_HOST: 'foo://me@box' }) });
    expect(result.status).toBe('fail');
    expect(result.found).toMatch(/^DOCKER_HOST is foo:\/\/me@box, but .*not an engine address Porthole can use/);
    expect(result.fix?.commands).toEqual(['unset DOCKER_HOST']);
  });
});

describe('engine flavor (porthole check --json)', () => {
  it('names the engine as a user would: local kinds, rootless, and how a remote one is reached', () => {
    const base = { label: 'x', rootless: false, desktop: false } as const;
    expect(engineFlavor({ ...base, kind: 'docker', socketPath: '/var/run/docker.sock' })).toBe('docker');
    expect(engineFlavor({ ...base, kind: 'docker', socketPath: '/run/user/1000/docker.sock', rootless: true })).toBe(
      'docker-rootless',
    );
    expect(engineFlavor({ ...base, kind: 'podman', socketPath: '/run/podman/podman.sock' })).toBe('podman');
    expect(
      engineFlavor({ ...base, kind: 'podman', socketPath: '/run/user/1000/podman/podman.sock', rootless: true }),
    ).toBe('podman-rootless');
    expect(engineFlavor({ ...base, kind: 'docker', ssh: { host: 'box' } })).toBe('remote-ssh');
    expect(engineFlavor({ ...base, kind: 'docker', host: 'box', port: 2376, protocol: 'https' })).toBe('remote-tls');
    expect(engineFlavor({ ...base, kind: 'docker', host: 'box', port: 2375, protocol: 'http' })).toBe('remote-tcp');
  });
});

describe('no engine at all', () => {
  it('says Docker is installed but not running when dockerd exists', async () => {
    await fake.write('/usr/sbin/dockerd');
    const result = await check();
    expect(result.found).toMatch(/^Docker is installed but not running/);
    expect(result.fix?.commands).toEqual(['sudo systemctl enable --now docker']);
  });

  it('says Podman is installed but its socket is off', async () => {
    await fake.write('/usr/bin/podman');
    const result = await check();
    expect(result.found).toMatch(/^Podman is installed but not running/);
    expect(result.fix?.commands).toEqual(['systemctl --user enable --now podman.socket']);
  });

  const families: [string, string, string[]][] = [
    ['Debian', 'ID=debian\n', ['sudo apt-get install -y docker.io', 'sudo apt-get install -y podman']],
    ['Ubuntu', 'ID=ubuntu\nID_LIKE=debian\n', ['sudo apt-get install -y docker.io', 'sudo apt-get install -y podman']],
    ['Fedora', 'ID=fedora\n', ['sudo dnf install -y moby-engine', 'sudo dnf install -y podman']],
    ['Arch', 'ID=arch\n', ['sudo pacman -S --needed docker', 'sudo pacman -S --needed podman']],
    [
      'openSUSE',
      'ID="opensuse-tumbleweed"\nID_LIKE="opensuse suse"\n',
      ['sudo zypper install -y docker', 'sudo zypper install -y podman'],
    ],
  ];
  it.each(families)('gives %s install commands for Docker and Podman', async (_name, osRelease, expected) => {
    await fake.write('/etc/os-release', osRelease);
    const result = await check();
    expect(result.status).toBe('fail');
    expect(result.found).toMatch(/No container engine is installed/);
    for (const command of expected) expect(result.fix?.commands).toContain(command);
    expect(result.fix?.commands).toContain('systemctl --user enable --now podman.socket');
  });

  it('points to the upstream docs on an unknown distro', async () => {
    await fake.write('/etc/os-release', 'ID=plan9\nPRETTY_NAME="Plan 9"\n');
    const result = await check();
    expect(result.fix?.text).toMatch(/Plan 9/);
    expect(result.fix?.text).toMatch(/docs\.docker\.com/);
    expect(result.fix?.commands).toEqual([]);
  });
});

describe('helpers', () => {
  it('compares API versions numerically', () => {
    expect(apiAtLeast('1.41', '1.41')).toBe(true);
    expect(apiAtLeast('1.43', '1.41')).toBe(true);
    expect(apiAtLeast('1.9', '1.41')).toBe(false);
    expect(apiAtLeast('1.40', '1.41')).toBe(false);
    expect(apiAtLeast('2.0', '1.41')).toBe(true);
  });

  it('selectEngine prefers DOCKER_HOST, then the first that answers', async () => {
    await fake.serve('/run/podman/podman.sock', { kind: 'podman' });
    const probes = await probeEngines(hostContext(fake.options()));
    expect(selectEngine(probes)?.candidate.source).toBe('podman-system');
    expect(selectEngine(probes)?.endpoint?.rootless).toBe(false);
  });
});
