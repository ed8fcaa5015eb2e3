import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isStoppedReading, JsonLines, sampleFromDockerStats } from './stats';

/** A real reading (GET /containers/{id}/stats?stream=false, Docker on cgroup v1) of a busy container. */
const fixture = JSON.parse(readFileSync(new URL('./fixtures/docker-stats.json', import.meta.url), 'utf8')) as Record<
  string,
  unknown
>;

describe('sampleFromDockerStats', () => {
  it('computes CPU % from the cpu/precpu deltas as docker stats does, and memory without the droppable cache', () => {
    const s = sampleFromDockerStats(fixture)!;
    // (646250418 − 503973374) / (33935200000000 − 33933100000000) × 2 CPUs × 100
    expect(s.cpuPercent).toBeCloseTo((142277044 / 2_100_000_000) * 2 * 100, 6);
    expect(s.cpuPercent).toBeGreaterThan(13);
    expect(s.memBytes).toBe(409600); // total_inactive_file is 0 in this reading
    expect(s.memLimitBytes).toBe(25276510208);
    expect(s.netRxBytes).toBe(516);
    expect(s.netTxBytes).toBe(0);
    expect(s.t).toBe(Date.parse(fixture.read as string));
  });

  it('sums disk reads and writes over devices and net over networks, and subtracts cgroup v2 inactive_file', () => {
    const s = sampleFromDockerStats({
      ...fixture,
      memory_stats: { usage: 10_000, limit: 50_000, stats: { inactive_file: 4_000 } },
      blkio_stats: {
        io_service_bytes_recursive: [
          { major: 8, minor: 0, op: 'read', value: 100 },
          { major: 8, minor: 0, op: 'write', value: 30 },
          { major: 8, minor: 16, op: 'Read', value: 5 },
          { major: 8, minor: 16, op: 'Write', value: 7 },
          { major: 8, minor: 16, op: 'Total', value: 12 },
        ],
      },
      networks: { eth0: { rx_bytes: 10, tx_bytes: 20 }, eth1: { rx_bytes: 1, tx_bytes: 2 } },
    })!;
    expect(s).toMatchObject({
      memBytes: 6_000,
      memLimitBytes: 50_000,
      diskReadBytes: 105,
      diskWriteBytes: 37,
      netRxBytes: 11,
      netTxBytes: 22,
    });
  });

  it('gives 0 % for the first reading (no previous one) and nothing for a stopped container’s empty reading', () => {
    expect(
      sampleFromDockerStats({ ...fixture, precpu_stats: { cpu_usage: { total_usage: 0 }, system_cpu_usage: 0 } })!
        .cpuPercent,
    ).toBe(0);
    expect(
      sampleFromDockerStats({ read: '0001-01-01T00:00:00Z', cpu_stats: { cpu_usage: { total_usage: 0 } } }),
    ).toBeNull();
    expect(sampleFromDockerStats('nonsense')).toBeNull();
    expect(isStoppedReading({ read: '0001-01-01T00:00:00Z' })).toBe(true);
    expect(isStoppedReading(fixture)).toBe(false);
  });
});

describe('JsonLines', () => {
  it('splits documents across chunk boundaries and skips a broken line', () => {
    const docs: unknown[] = [];
    const lines = new JsonLines((d) => docs.push(d));
    lines.push('{"a":1}\n{"b"');
    lines.push(':2}\nnot json\n{"c":3}');
    expect(docs).toEqual([{ a: 1 }, { b: 2 }]);
    lines.push('\n');
    expect(docs).toEqual([{ a: 1 }, { b: 2 }, { c: 3 }]);
  });
});
