import { describe, expect, it } from 'vitest';
import { actions } from './contract';
import { machineDraftSchema } from './machine';
import {
  canonicalImageName,
  containerRefSchema,
  hostPathSchema,
  imageRefSchema,
  imageRepository,
  sameImage,
} from './references';

describe('container references', () => {
  it('takes a full id, an id prefix and a Docker container name', () => {
    for (const ref of ['a'.repeat(64), '0123456789ab', 'windows', 'my_win.11-b', 'W1']) {
      expect(containerRefSchema.safeParse(ref).success, ref).toBe(true);
    }
  });

  it('refuses anything that could leave the engine URL path, and empty or long strings', () => {
    for (const ref of [
      '',
      '../../../127.0.0.1:2375/x',
      '..',
      '.hidden',
      '-x',
      'a/b',
      'a b',
      'a\u0000',
      'a?x=1',
      'a#b',
      'a%2f',
      'x'.repeat(129),
    ]) {
      expect(containerRefSchema.safeParse(ref).success, ref).toBe(false);
    }
    expect(actions.adoptContainer.request.safeParse({ containerId: '../../../127.0.0.1:9/x' }).success).toBe(false);
  });
});

describe('image references', () => {
  it("takes what Docker's reference grammar takes", () => {
    for (const ref of [
      'dockurr/windows:6.05',
      'ghcr.io/dockur/windows',
      'localhost:5000/porthole/standin-windows:test',
      'registry.example:5000/team/win__x/a-b.c:1.0_rc',
      `dockurr/windows@sha256:${'a'.repeat(64)}`,
      `windows:5@sha256:${'0'.repeat(64)}`,
      '[::1]:5000/a',
    ]) {
      expect(imageRefSchema.safeParse(ref).success, ref).toBe(true);
    }
  });

  it('refuses whitespace, control characters, path tricks, upper-case paths and overlong names', () => {
    for (const ref of [
      '',
      'dockurr/windows latest',
      'a\nb',
      '../x',
      'a/../b',
      'Dockurr/Windows',
      'a:',
      'a:-x',
      'a@sha256:12',
      '/a',
      'a/',
      `${'a'.repeat(256)}`,
      `a:${'t'.repeat(129)}`,
    ]) {
      expect(imageRefSchema.safeParse(ref).success, ref).toBe(false);
    }
    expect(machineDraftSchema.safeParse({ name: 'x', image: 'bad image' }).success).toBe(false);
  });
});

describe('host paths', () => {
  it('takes absolute paths and folds doubled and trailing slashes', () => {
    expect(hostPathSchema.parse('/home/me/VMs')).toBe('/home/me/VMs');
    expect(hostPathSchema.parse('//home//me/VMs/')).toBe('/home/me/VMs');
    expect(hostPathSchema.parse('/')).toBe('/');
    expect(hostPathSchema.parse('/a/..b/c..')).toBe('/a/..b/c..');
  });

  it('refuses relative paths, . and .. segments, control characters and NUL', () => {
    for (const path of [
      '',
      'home/me',
      '~/x',
      '/a/../etc',
      '/a/./b',
      '/..',
      '/a\u0000b',
      '/a\nb',
      '/a\u007fb',
      '/a\u0085b',
      `/${'a'.repeat(4096)}`,
    ]) {
      expect(hostPathSchema.safeParse(path).success, JSON.stringify(path)).toBe(false);
    }
  });

  it('guards every path in the contract: storage, ISO, shared folders, defaults, ISO checks', () => {
    expect(machineDraftSchema.safeParse({ name: 'x', storageDir: '/data/../etc' }).success).toBe(false);
    expect(machineDraftSchema.safeParse({ name: 'x', customIso: '/isos/\u0000.iso' }).success).toBe(false);
    expect(
      machineDraftSchema.safeParse({ name: 'x', sharedFolders: [{ hostPath: '/home/../root', readOnly: true }] })
        .success,
    ).toBe(false);
    expect(actions.creationDefaults.request.safeParse({ storageDir: 'relative' }).success).toBe(false);
    expect(actions.inspectIso.request.safeParse({ path: '/isos/../../etc/shadow' }).success).toBe(false);
    expect(actions.updateMachine.request.safeParse({ id: 'w', changes: { customIso: '/x/../y.iso' } }).success).toBe(
      false,
    );
  });
});

describe('one image under the names engines give it', () => {
  it('drops the registry defaults, library/ and the latest tag', () => {
    expect(canonicalImageName('docker.io/dockurr/windows:6.05')).toBe('dockurr/windows:6.05');
    expect(canonicalImageName('localhost/porthole/standin:1')).toBe('porthole/standin:1');
    expect(canonicalImageName('docker.io/library/debian')).toBe('debian:latest');
    expect(sameImage('dockurr/windows', 'index.docker.io/dockurr/windows:latest')).toBe(true);
    expect(sameImage('dockurr/windows:6.05', 'dockurr/windows:6.04')).toBe(false);
    // A registry on this computer with a port is a registry, not Podman's local prefix.
    expect(sameImage('localhost:5000/win:1', 'win:1')).toBe(false);
    expect(canonicalImageName('dockurr/windows@sha256:' + 'a'.repeat(64))).toBe(
      'dockurr/windows@sha256:' + 'a'.repeat(64),
    );
    expect(imageRepository('docker.io/dockurr/windows:4.0@sha256:' + 'b'.repeat(64))).toBe('dockurr/windows');
  });
});

describe('a path too long for Linux', () => {
  it('says so in a person’s words, counting bytes as the kernel does', () => {
    const long = hostPathSchema.safeParse(`/${'a'.repeat(100_000)}`);
    expect(long.success).toBe(false);
    expect(long.error?.issues[0]?.message).toBe(
      'the path is too long to be a folder or file on Linux (a full path is at most 4096 bytes)',
    );
    // 2,000 characters of two bytes each: over the limit in bytes though not in characters.
    expect(hostPathSchema.safeParse(`/${'é'.repeat(2100)}`).success).toBe(false);
    expect(hostPathSchema.safeParse(`/${'a'.repeat(4000)}`).success).toBe(true);
  });
});
