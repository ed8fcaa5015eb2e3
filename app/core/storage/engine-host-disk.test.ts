import type Docker from 'dockerode';
import { describe, expect, it } from 'vitest';
import { PROBE_LABEL } from '../host/engine-host-probe';
import {
  copyDeadlineMs,
  FILES_SCRIPT,
  HELPER_OUTPUT_BYTES,
  LIST_SCRIPT,
  MAX_LISTED,
  parseCopy,
  parseFiles,
  parseList,
  REMOVE_ALL_SCRIPT,
  REMOVE_SCRIPT,
  RESTORE_SCRIPT,
  TAKE_SCRIPT,
} from './engine-host-disk';
import { engineHostFs } from './engine-host-fs';

const b64 = (text: string): string => Buffer.from(text).toString('base64');

describe('engine-host-disk: the helper scripts’ answers, read as untrusted text', () => {
  it('every script bounds its own output, and takes paths and names only as arguments', () => {
    for (const script of [FILES_SCRIPT, LIST_SCRIPT, TAKE_SCRIPT, RESTORE_SCRIPT, REMOVE_SCRIPT, REMOVE_ALL_SCRIPT]) {
      expect(script.endsWith(`main "$@" 2>&1 | head -c ${HELPER_OUTPUT_BYTES}`)).toBe(true);
      // Never through a link: each path used is checked with -L first (or handed to cp/mv/rm, which do not follow).
      expect(script).toMatch(/-L "\$/);
    }
    expect(TAKE_SCRIPT).toContain('cp --sparse=always --reflink=auto');
    expect(TAKE_SCRIPT).toMatch(/sync -- "\$p"\/\* "\$p"[\s\S]*mv -T -- "\$p" "\/n\/\$id"/);
    expect(RESTORE_SCRIPT).toMatch(/\.porthole-restore-\$name"[\s\S]*sync[\s\S]*mv -f -T/);
  });

  it('files: only the names asked for, sizes as numbers; free space counted from the end of df’s line', () => {
    const out = [
      'file=67108864 6144 512 1796639746 data.img',
      'file=6 8 512 1796639746 windows.vars',
      'file=1 1 512 1 ../../etc/passwd',
      'file=x 1 512 1 windows.rom',
      'free=/dev/mapper/my disk 1000 200 800 20% /b',
      'looked=yes',
    ].join('\r\n');
    expect(parseFiles(out, ['data.img', 'windows.vars', 'windows.rom'])).toEqual({
      folder: true,
      files: [
        { name: 'data.img', apparentBytes: 67108864, allocatedBytes: 6144 * 512, mtimeMs: 1796639746000 },
        { name: 'windows.vars', apparentBytes: 6, allocatedBytes: 4096, mtimeMs: 1796639746000 },
      ],
      freeBytes: 800 * 1024,
    });
    expect(parseFiles('folder=missing\n', ['data.img'])).toEqual({ folder: false, files: [], freeBytes: null });
    expect(parseFiles('looked=yes\n', [])).toEqual({ folder: true, files: [], freeBytes: null });
    // No end marker: the helper was cut short; not an answer.
    expect(parseFiles('file=1 1 512 1 data.img\n', ['data.img'])).toBeNull();
  });

  it('list: ids of the snapshot pattern, numbers, base64; an oversized manifest is not read; at most MAX_LISTED', () => {
    const out = [
      `snap=20261207-100000-abcdef 4096 ${b64('{"a":1}')}`,
      `snap=2026-bad 1 ${b64('{}')}`,
      `snap=20261207-100000-abcdee -1 ${b64('{}')}`,
      `snap=20261207-100000-abcded 1 ${b64('x'.repeat(16 * 1024 + 1))}`,
      'snap=20261207-100000-abcdec 1 $(reboot)',
      'listed=yes',
    ].join('\n');
    expect(parseList(out)).toEqual([
      { id: '20261207-100000-abcdef', allocatedBytes: 4096, manifest: '{"a":1}' },
      { id: '20261207-100000-abcded', allocatedBytes: 1, manifest: null },
    ]);
    expect(parseList('snap=20261207-100000-abcdef 1 e30=\n')).toBeNull();
    const many = Array.from(
      { length: MAX_LISTED + 5 },
      (_, i) => `snap=20261207-100000-${i.toString(16).padStart(6, '0')} 1 e30=`,
    );
    expect(parseList(`${many.join('\n')}\nlisted=yes\n`)).toHaveLength(MAX_LISTED);
  });

  it('copies: done, out of space, or the reason the script gave', () => {
    expect(parseCopy('took=reflink\n', 'took')).toEqual({ ok: 'reflink' });
    expect(parseCopy("cp: error writing 'x': No space left on device\nfail=copy\n", 'took')).toEqual({
      failed: 'nospace',
    });
    expect(parseCopy('fail=rename\n', 'restored')).toEqual({ failed: 'rename' });
    expect(parseCopy('', 'restored')).toEqual({ failed: 'unknown' });
  });

  it('a copy’s deadline grows with the data: a minute, plus a second per 20 MiB', () => {
    expect(copyDeadlineMs(0)).toBe(60_000);
    expect(copyDeadlineMs(64 * 1024 ** 3)).toBe(60_000 + 3_277_000);
  });
});

describe('engineHostFs.run: a helper with several folders bound', () => {
  it('binds each folder as given (read-only unless write), passes arguments and environment, and removes the container', async () => {
    const made: Array<Record<string, unknown>> = [];
    const removed: number[] = [];
    const docker = {
      getImage: () => ({ inspect: async () => ({}) }),
      listImages: async () => [{ RepoTags: ['img:1'], Size: 1 }],
      createContainer: async (options: Record<string, unknown>) => {
        made.push(options);
        return {
          start: async () => undefined,
          wait: async () => ({ StatusCode: 0 }),
          logs: async () => Buffer.from('listed=yes\r\n'),
          remove: async () => void removed.push(made.length),
        };
      },
    } as unknown as Docker;
    const fs = engineHostFs(docker, { host: 'box', images: () => ['img:1'] });
    const out = await fs.run(
      [
        { source: '/srv/vms/win', target: '/s' },
        { source: '/data/snapshots/win', target: '/n', write: true },
      ],
      LIST_SCRIPT,
      ['20261207-100000-abcdef'],
      { env: ['M=1'], timeoutMs: 5000 },
    );
    expect(out).toContain('listed=yes');
    expect(made[0]).toMatchObject({
      Image: 'img:1',
      Entrypoint: ['sh', '-c', LIST_SCRIPT, 'porthole-host-fs'],
      Cmd: ['20261207-100000-abcdef'],
      Env: ['M=1'],
      NetworkDisabled: true,
      Labels: { [PROBE_LABEL]: 'host-fs' },
      HostConfig: {
        Mounts: [
          { Type: 'bind', Source: '/srv/vms/win', Target: '/s', ReadOnly: true },
          { Type: 'bind', Source: '/data/snapshots/win', Target: '/n', ReadOnly: false },
        ],
      },
    });
    expect(removed).toEqual([1]);
  });
});
