import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CheckResult } from '../../api';
import { describeEngineError } from '../engine/errors';
import { openFailure } from '../machine/iso';
import { hostContext } from './context';
import { isPrivilegedGroup, kvmCheck, type KvmFindings } from './kvm';

/**
 * Advice that loosens the system: Porthole's remedies never say any of it, whatever the host looks like.
 * Each pattern names why it is forbidden.
 */
const FORBIDDEN: ReadonlyArray<{ pattern: RegExp; why: string }> = [
  { pattern: /chmod\s+(-R\s+)?[ago]*[ao][ago]*\+[rwx]/, why: 'opens a file to other users' },
  { pattern: /chmod\s+(-R\s+)?0?[0-7]{2}[2367]\b/, why: 'a numeric mode that lets others write' },
  {
    pattern: /chmod\s+(-R\s+)?\S+\s+"?\/(etc|dev|root|var|usr|boot|proc|sys)\//,
    why: 'changes the permissions of a system file',
  },
  {
    pattern: /usermod\s+-a?G\s+(root|wheel|sudo|admin|adm|shadow|disk|sys|kmem|mem|lxd|systemd-journal|tty|\d+)\b/,
    why: 'joins a group that grants far more than the feature',
  },
  { pattern: /setenforce\s+0|SELINUX=disabled/, why: 'turns SELinux off' },
  { pattern: /--privileged|privileged:\s*true/, why: 'runs a container with every privilege' },
  { pattern: /chown\s+[^\s]*\s+\/(etc|dev|usr|var|boot)\b/, why: 'hands a system file to a user' },
  {
    pattern: /kernel\.unprivileged_userns_clone=1|apparmor_restrict_unprivileged_userns=0/,
    why: 'turns a kernel protection off for every program',
  },
];

function forbiddenIn(text: string): string[] {
  return FORBIDDEN.filter((f) => f.pattern.test(text)).map((f) => `${f.why}: ${text.slice(0, 200)}`);
}

function adviceOf(check: CheckResult): string {
  return [check.found, check.why, check.fix?.text ?? '', ...(check.fix?.commands ?? [])].join('\n');
}

const BASE: KvmFindings = {
  present: true,
  usable: false,
  openError: 'EACCES',
  group: 'kvm',
  groupCanWrite: true,
  groupOnly: false,
  flagsVisible: true,
  x86: true,
  vendor: 'intel',
  modulesLoaded: true,
  hypervisor: null,
};

describe('remedies never loosen the system', () => {
  it('the forbidden list catches what it is meant to', () => {
    for (const bad of [
      'chmod a+r "/etc/shadow"',
      'chmod o+rw /dev/kvm',
      'chmod 666 /dev/kvm',
      'chmod 644 /etc/shadow',
      'chmod -R 777 ~/x',
      'sudo usermod -aG root nobody',
      'sudo usermod -aG 0 bob',
      'setenforce 0',
    ]) {
      expect(forbiddenIn(bad), bad).not.toEqual([]);
    }
    for (const fine of [
      'chmod u+r "/home/a/x.iso"',
      'chmod 600 ~/.config/x',
      'chmod 0640 f',
      'sudo usermod -aG kvm alice',
    ]) {
      expect(forbiddenIn(fine), fine).toEqual([]);
    }
  });

  it('the KVM check, over every kind of /dev/kvm owner, mode, error and host', () => {
    const groups = ['kvm', 'root', 'wheel', 'sudo', 'disk', 'docker', 'hypervisor', '4242'];
    const errors = ['EACCES', 'EPERM', 'ENXIO', 'ENOENT', undefined];
    const hypervisors = [null, 'kvm', 'oracle', 'microsoft', 'vmware', 'amazon', 'a hypervisor'];
    let checked = 0;
    for (const [user, uid] of [
      ['alice', 1000],
      ['nobody', 65534],
      ['root', 0],
    ] as const) {
      const ctx = hostContext({ root: '/nonexistent', user, uid });
      for (const group of groups)
        for (const groupCanWrite of [true, false])
          for (const openError of errors)
            for (const hypervisor of hypervisors)
              for (const present of [true, false])
                for (const flagsVisible of [true, false])
                  for (const [rootEngine, rootlessEngine] of [
                    [true, false],
                    [false, true],
                    [false, false],
                  ] as const) {
                    const f: KvmFindings = {
                      ...BASE,
                      group,
                      groupCanWrite,
                      groupOnly: rootlessEngine && openError === undefined,
                      present,
                      usable: openError === undefined && present,
                      flagsVisible,
                      hypervisor,
                      ...(openError ? { openError } : { openError: undefined }),
                    };
                    const check = kvmCheck(f, ctx, rootEngine, rootlessEngine);
                    expect(forbiddenIn(adviceOf(check))).toEqual([]);
                    if (isPrivilegedGroup(group))
                      expect(check.fix?.commands.join('\n') ?? '').not.toContain(`-aG ${group} `);
                    checked += 1;
                  }
    }
    expect(checked).toBeGreaterThan(1000);
  });

  it('an unreadable ISO anywhere, with any error', () => {
    const paths = [
      '/etc/shadow',
      '/etc/gshadow',
      '/etc/ssl/private/server.key',
      '/root/win.iso',
      '/home/bob/win.iso',
      '/home/alice/Downloads/win.iso',
      '/media/usb/win.iso',
      '/dev/sda',
    ];
    for (const path of paths)
      for (const code of ['EACCES', 'EPERM', 'ENOENT', 'ELOOP', 'EISDIR', 'EIO']) {
        const err = openFailure(path, Object.assign(new Error(code), { code }), '/home/alice');
        expect(forbiddenIn(`${err.message}\n${err.remedy ?? ''}`)).toEqual([]);
      }
  });

  it('engine errors', () => {
    for (const code of ['ENOENT', 'ECONNREFUSED', 'EACCES', 'EPERM', 'ETIMEDOUT']) {
      const err = describeEngineError(Object.assign(new Error(code), { code }), 'unix:///run/docker.sock');
      expect(forbiddenIn(`${err.message}\n${err.remedy ?? ''}`)).toEqual([]);
    }
  });

  it('no advice in the product source says any of it', async () => {
    const root = join(import.meta.dirname, '..', '..', '..');
    const found: string[] = [];
    const walk = async (dir: string): Promise<void> => {
      for (const entry of await readdir(dir, { withFileTypes: true })) {
        const path = join(dir, entry.name);
        if (entry.isDirectory()) {
          if (entry.name !== 'testing' && entry.name !== 'fixtures' && entry.name !== 'node_modules') await walk(path);
        } else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name)) {
          const text = await readFile(path, 'utf8');
          for (const line of text.split('\n')) for (const hit of forbiddenIn(line)) found.push(`${path}: ${hit}`);
        }
      }
    };
    await walk(join(root, 'app'));
    await walk(join(root, 'renderer', 'src'));
    expect(found).toEqual([]);
  });
});
