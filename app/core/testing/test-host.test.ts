import { afterEach, describe, expect, it } from 'vitest';
import { checkHost } from '../host/check';
import { forcedHostClass, HOST_CLASSES, hostClassOf, makeTestHostRoot, type TestHostRoot } from './test-host';

let root: TestHostRoot | undefined;
afterEach(async () => {
  await root?.cleanup();
  root = undefined;
});

describe('test host classes (PORTHOLE_TEST_HOST)', () => {
  it.each(HOST_CLASSES)(
    'a %s fake root gives a check report of that class, with the facts the UI reads',
    async (cls) => {
      root = await makeTestHostRoot(cls);
      const report = await checkHost(root.options);
      expect(hostClassOf(report)).toBe(cls);
      const kvm = report.checks.find((c) => c.id === 'kvm')!;
      expect(kvm.status).toBe({ kvm: 'ok', nested: 'warn', none: 'fail' }[cls]);
      expect(report.facts.kvmPresent).toBe(cls !== 'none');
      expect(report.facts.kvmFlagsVisible).toBe(cls === 'kvm');
      // Only a kvm host lets machines use KVM: the wizard asks for software emulation everywhere else.
      expect(report.facts.kvmUsable && report.facts.kvmFlagsVisible).toBe(cls === 'kvm');
    },
  );

  it('reads the switch: unset or empty is the real host, a known class is forced, anything else says the choices', () => {
    expect(forcedHostClass({})).toBeUndefined();
    expect(forcedHostClass({ PORTHOLE_TEST_HOST: '' })).toBeUndefined();
    expect(forcedHostClass({ PORTHOLE_TEST_HOST: 'nested' })).toBe('nested');
    expect(() => forcedHostClass({ PORTHOLE_TEST_HOST: 'KVM' })).toThrow('use one of kvm, nested, none');
  });
});
