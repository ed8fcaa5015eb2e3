import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostReportSchema } from '../../api';
import { checkHost, formatHostReport, resolveEngineEndpoint } from '.';

// This machine: a real Docker engine on /var/run/docker.sock and a nested /dev/kvm.
const cpuFlagsVisible = /^flags\s*:.*\b(vmx|svm)\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
const withoutDockerHost = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.DOCKER_HOST;
  return env;
};

describe('checkHost on this machine', () => {
  it('opens /dev/kvm and predicts what the image will make of the CPU flags', async () => {
    const report = await checkHost({ env: withoutDockerHost() });
    expect(hostReportSchema.parse(report)).toEqual(report);
    const kvm = report.checks.find((c) => c.id === 'kvm')!;
    expect(report.facts.kvmUsable).toBe(true);
    expect(report.facts.kvmFlagsVisible).toBe(cpuFlagsVisible);
    if (cpuFlagsVisible) {
      expect(kvm.status).toBe('ok');
    } else {
      // Nested host hiding vmx/svm: KVM works, but the Windows image's own test will refuse it.
      expect(kvm.status).toBe('warn');
      expect(kvm.why).toMatch(/software emulation \(KVM=N\), about 10x slower/);
      expect(report.facts.kvmForMachines).toBe(false);
    }
  });

  it('finds the Docker engine', async () => {
    const report = await checkHost({ env: withoutDockerHost() });
    const engine = report.checks.find((c) => c.id === 'engine')!;
    expect(engine.status).toBe('ok');
    expect(report.facts.engine).toMatchObject({ kind: 'docker', rootless: false, desktop: false });
    const endpoint = await resolveEngineEndpoint({ env: withoutDockerHost() });
    expect(endpoint).toMatchObject({ kind: 'docker' });
    expect(endpoint?.socketPath ?? endpoint?.host).toBeTruthy();
    expect(formatHostReport(report)).toMatch(/^✓ Container engine: Docker /m);
  });

  it('fails the engine, with the not-running/not-installed remedy, when DOCKER_HOST points nowhere', async () => {
    const report = await checkHost({ env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' } });
    const engine = report.checks.find((c) => c.id === 'engine')!;
    expect(engine.status).toBe('fail');
    expect(engine.found).toMatch(/DOCKER_HOST is unix:\/\/\/nonexistent\.sock, but no engine listens there/);
    expect(engine.found).toMatch(/not running, or not installed/);
    expect(engine.fix?.commands.length).toBeGreaterThan(0);
    expect(report.ready).toBe(false);
    expect(report.facts.engine).toBeNull();
    expect(await resolveEngineEndpoint({ env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' } })).toBeNull();
  });
});
