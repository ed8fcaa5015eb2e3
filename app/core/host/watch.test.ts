import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { HostReport } from '../../api';
import { makeFakeRoot, type FakeRoot } from '../testing/fake-root';
import { watchHost } from './watch';

let fake: FakeRoot;
let stop: (() => void) | undefined;
beforeEach(async () => {
  fake = await makeFakeRoot();
});
afterEach(async () => {
  stop?.();
  stop = undefined;
  await fake.cleanup();
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Collects reports and lets a test wait for the next one. */
function recorder() {
  const reports: HostReport[] = [];
  let waiting: ((r: HostReport) => void) | undefined;
  return {
    reports,
    onChange: (r: HostReport) => {
      reports.push(r);
      waiting?.(r);
      waiting = undefined;
    },
    next: (timeoutMs = 3000) =>
      new Promise<HostReport>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no host change reported')), timeoutMs);
        waiting = (r) => {
          clearTimeout(timer);
          resolve(r);
        };
      }),
  };
}

const kvmStatus = (r: HostReport) => r.checks.find((c) => c.id === 'kvm')!.status;
const engine = (r: HostReport) => r.checks.find((c) => c.id === 'engine')!;

describe('watchHost', () => {
  it('re-checks when /dev/kvm disappears and comes back', async () => {
    const rec = recorder();
    stop = watchHost({ ...fake.options(), debounceMs: 50 }, rec.onChange);
    await sleep(100);
    const gone = rec.next();
    await fake.remove('/dev/kvm');
    expect(kvmStatus(await gone)).toBe('fail');
    const back = rec.next();
    await fake.write('/dev/kvm');
    expect(kvmStatus(await back)).toBe('ok');
  });

  it('re-checks when an engine socket appears in a directory that did not exist yet', async () => {
    const rec = recorder();
    stop = watchHost({ ...fake.options(), debounceMs: 50 }, rec.onChange);
    await sleep(100);
    const appeared = rec.next();
    await fake.serve('/run/user/1000/podman/podman.sock', { kind: 'podman' });
    const report = await appeared;
    expect(engine(report).status).toBe('ok');
    expect(report.facts.engine?.kind).toBe('podman');
  });

  it('ignores unrelated files and stops after dispose', async () => {
    const rec = recorder();
    stop = watchHost({ ...fake.options(), debounceMs: 50 }, rec.onChange);
    await sleep(100);
    await fake.write('/dev/ttyS9');
    await fake.write('/run/user/1000/unrelated');
    await sleep(250);
    expect(rec.reports).toHaveLength(0);
    stop();
    stop = undefined;
    await fake.remove('/dev/kvm');
    await sleep(250);
    expect(rec.reports).toHaveLength(0);
  });

  it('debounces a burst of changes into one re-check', async () => {
    const rec = recorder();
    stop = watchHost({ ...fake.options(), debounceMs: 100 }, rec.onChange);
    await sleep(100);
    await fake.remove('/dev/kvm');
    await fake.write('/dev/kvm');
    await fake.remove('/dev/net/tun');
    await sleep(400);
    expect(rec.reports).toHaveLength(1);
    expect(rec.reports[0]!.facts.tunAvailable).toBe(false);
  });
});
