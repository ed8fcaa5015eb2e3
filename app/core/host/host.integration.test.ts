import { closeSync, constants, existsSync, openSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { hostReportSchema } from '../../api';
import { hostClassOf, realHostClass } from '../testing/test-host';
import { checkHost, formatHostReport, resolveEngineEndpoint } from '.';
import { hostContext } from './context';
import { findKvm } from './kvm';

// This machine, read here without Porthole's probes: does /dev/kvm exist and open read-write, does the CPU show vmx/svm.
const kvmDevice = existsSync('/dev/kvm');
const kvmOpens = ((): boolean => {
  try {
    closeSync(openSync('/dev/kvm', constants.O_RDWR));
    return true;
  } catch {
    return false;
  }
})();
const cpuFlagsVisible = /^flags\s*:.*\b(vmx|svm)\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
const withoutDockerHost = (): NodeJS.ProcessEnv => {
  const env = { ...process.env };
  delete env.DOCKER_HOST;
  return env;
};

describe('checkHost on this machine', () => {
  it('finds the real /dev/kvm as it is: there or not, opening or not', async () => {
    const findings = await findKvm(hostContext({ detectVirt: async () => null }));
    expect(findings.present).toBe(kvmDevice);
    expect(findings.usable).toBe(kvmOpens);
    expect(findings.flagsVisible).toBe(cpuFlagsVisible);
  });

  it('puts this machine in the class its KVM makes it, and predicts what the image will make of the CPU flags', async () => {
    const report = await checkHost({ env: withoutDockerHost() });
    expect(hostReportSchema.parse(report)).toEqual(report);
    const kvm = report.checks.find((c) => c.id === 'kvm')!;
    // A root engine passes a device this user cannot open; the tests run as root, so opening is the test here.
    const expected = !kvmOpens ? 'none' : cpuFlagsVisible ? 'kvm' : 'nested';
    expect(hostClassOf(report)).toBe(expected);
    expect(await realHostClass()).toBe(expected);
    expect(report.facts.kvmUsable).toBe(kvmOpens);
    expect(report.facts.kvmFlagsVisible).toBe(cpuFlagsVisible);
    expect(report.facts.kvmForMachines).toBe(expected === 'kvm');
    if (expected === 'kvm') expect(kvm.status).toBe('ok');
    if (expected === 'nested') {
      // KVM works, but the Windows image's own test will refuse it.
      expect(kvm.status).toBe('warn');
      expect(kvm.why).toMatch(/software emulation \(KVM=N\), about 10x slower/);
    }
    if (expected === 'none') {
      expect(kvm.status).toBe('fail');
      expect(report.ready).toBe(false);
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
    expect(
      await resolveEngineEndpoint({ env: { ...process.env, DOCKER_HOST: 'unix:///nonexistent.sock' } }),
    ).toBeNull();
  });
});
