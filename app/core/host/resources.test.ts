import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultRamGiB } from '../machine/defaults';
import { hostContext } from './context';
import { GiB, makeFakeRoot, type FakeRoot } from '../testing/fake-root';
import {
  cpuCheck,
  diskCheck,
  memoryCheck,
  minimumDiskBytesFor,
  parseMeminfo,
  readCpuThreads,
  readDiskSpace,
  readMemory,
  tunCheck,
} from './resources';

let fake: FakeRoot;
beforeEach(async () => {
  fake = await makeFakeRoot();
});
afterEach(async () => {
  await fake.cleanup();
});

describe('memory', () => {
  it('reads MemTotal and MemAvailable', async () => {
    expect(parseMeminfo('MemTotal:  2048 kB\nMemAvailable:   1024 kB\n')).toEqual({
      totalBytes: 2048 * 1024,
      availableBytes: 1024 * 1024,
    });
    const m = await readMemory(hostContext(fake.options()));
    expect(m).toEqual({ totalBytes: 16384000 * 1024, availableBytes: 12000000 * 1024 });
    expect(memoryCheck(m).status).toBe('ok');
  });

  it('fails below the Windows minimum of 2 GB', () => {
    const check = memoryCheck({ totalBytes: 1.5 * GiB, availableBytes: 1 * GiB });
    expect(check.status).toBe('fail');
    expect(check.why).toMatch(/at least 2 GB/);
  });

  it('warns when little is available', () => {
    const check = memoryCheck({ totalBytes: 8 * GiB, availableBytes: 3 * GiB });
    expect(check.status).toBe('warn');
    expect(check.found).toBe('8 GB in total, 3 GB available now.');
  });

  it('says the default memory creation really gives on this computer (one rule for both)', () => {
    expect(memoryCheck({ totalBytes: 32 * GiB, availableBytes: 30 * GiB }).why).toContain(
      'machines get 8 GB by default',
    );
    expect(memoryCheck({ totalBytes: 8 * GiB, availableBytes: 7 * GiB }).why).toContain('machines get 4 GB by default');
    expect(defaultRamGiB(32 * GiB)).toBe(8);
  });

  it('warns when /proc/meminfo cannot be read under a fake root', async () => {
    await fake.remove('/proc/meminfo');
    const m = await readMemory(hostContext(fake.options()));
    expect(m.totalBytes).toBe(0);
    expect(memoryCheck(m).status).toBe('warn');
  });
});

describe('processor', () => {
  it('counts threads in /proc/cpuinfo under a fake root, or asks the injected function', async () => {
    expect(await readCpuThreads(hostContext(fake.options()))).toBe(4);
    expect(await readCpuThreads(hostContext(fake.options({ cpuThreads: () => 12 })))).toBe(12);
  });

  it('warns on a single thread', () => {
    expect(cpuCheck(1).status).toBe('warn');
    expect(cpuCheck(2).status).toBe('ok');
  });
});

describe('disk space', () => {
  it('measures the nearest existing ancestor of the storage location', async () => {
    const asked: string[] = [];
    const ctx = hostContext(
      fake.options({
        storageDir: '/home/alice/.local/share/porthole/machines',
        freeBytes: async (path) => {
          asked.push(path);
          return 100 * GiB;
        },
      }),
    );
    const d = await readDiskSpace(ctx);
    expect(asked).toEqual([`${fake.root}/home/alice`]);
    expect(d).toMatchObject({ measuredAt: '/home/alice', freeBytes: 100 * GiB });
    const check = diskCheck(d, 32 * GiB);
    expect(check.status).toBe('ok');
    expect(check.found).toBe(
      '100 GB free at /home/alice/.local/share/porthole/machines (measured on /home/alice, which exists).',
    );
  });

  it('uses the real statfs by default', async () => {
    const d = await readDiskSpace(hostContext({ ...fake.options(), freeBytes: undefined }));
    expect(d.freeBytes).toBeGreaterThan(0);
  });

  it('fails below the minimum, which is a parameter (32 GB for 11, 16 GB for 10)', async () => {
    const d = { storageDir: '/data', measuredAt: '/data', freeBytes: 20 * GiB };
    const fail = diskCheck(d, minimumDiskBytesFor('11'));
    expect(fail.status).toBe('fail');
    expect(fail.fix?.text).toMatch(/Free at least 12 GB/);
    expect(fail.fix?.commands).toEqual(['df -h /data']);
    expect(diskCheck(d, minimumDiskBytesFor('10')).status).toBe('warn');
    expect(minimumDiskBytesFor('2022')).toBe(32 * GiB);
    expect(minimumDiskBytesFor('10l')).toBe(16 * GiB);
    expect(minimumDiskBytesFor('tiny10')).toBe(16 * GiB);
  });

  it('warns when the space is tight (below the default 64 GB disk)', () => {
    const check = diskCheck({ storageDir: '/data', measuredAt: '/data', freeBytes: 40 * GiB }, 32 * GiB);
    expect(check.status).toBe('warn');
  });

  it('warns when it cannot measure', async () => {
    const d = await readDiskSpace(
      hostContext(
        fake.options({
          freeBytes: async () => {
            throw new Error('statfs failed');
          },
        }),
      ),
    );
    expect(d.freeBytes).toBeNull();
    expect(diskCheck(d, 32 * GiB).status).toBe('warn');
  });
});

describe('tun', () => {
  it('warns only: the image falls back to user-mode networking', () => {
    expect(tunCheck(true, 'sudo ').status).toBe('ok');
    const missing = tunCheck(false, 'sudo ');
    expect(missing.status).toBe('warn');
    expect(missing.why).toMatch(/user-mode networking/);
    expect(missing.fix?.commands[0]).toBe('sudo modprobe tun');
  });
});
