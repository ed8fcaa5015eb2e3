import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFakeRoot, type FakeRoot } from '../testing/fake-root';
import { hostContext } from './context';
import { containersAnnotations, containersConfFiles, podmanGroups } from './podman-groups';

describe('containersAnnotations (containers.conf)', () => {
  it('reads the [containers] table’s annotations, on one line or several, and nothing else', () => {
    expect(containersAnnotations('[containers]\nannotations = ["run.oci.keep_original_groups=1", "a=b"]\n')).toEqual([
      'run.oci.keep_original_groups=1',
      'a=b',
    ]);
    expect(containersAnnotations('[containers]\nannotations = [\n  \'x=1\',\n  "y=2",\n]\n[engine]\n')).toEqual([
      'x=1',
      'y=2',
    ]);
    expect(containersAnnotations('[containers]\n#annotations = ["run.oci.keep_original_groups=1"]\n')).toBeUndefined();
    expect(containersAnnotations('[engine]\nannotations = ["run.oci.keep_original_groups=1"]\n')).toBeUndefined();
    expect(containersAnnotations('[containers]\nannotations = []\n')).toEqual([]);
  });
});

describe('podmanGroups', () => {
  let fake: FakeRoot;
  beforeEach(async () => {
    fake = await makeFakeRoot();
  });
  afterEach(async () => {
    await fake.cleanup();
  });
  const keep = '[containers]\nannotations = ["run.oci.keep_original_groups=1"]\n';

  it('kept: crun, and the user’s containers.conf (the last file that sets annotations) asks it to keep the groups', async () => {
    const ctx = (env: NodeJS.ProcessEnv) => hostContext(fake.options({ env: { HOME: '/home/alice', ...env } }));
    await fake.write('/home/alice/.config/containers/containers.conf', keep);
    expect(await podmanGroups(ctx({}), 'crun')).toBe('kept');
    expect(await podmanGroups(ctx({}), 'runc')).toBe('runtime-cannot');
    // A later file's annotations replace an earlier one's.
    await fake.write('/etc/containers/containers.conf', keep);
    await fake.write('/home/alice/.config/containers/containers.conf', '[containers]\nannotations = ["a=b"]\n');
    // crun without the annotation: Porthole asks it itself, per machine (engine/libpod-create.ts).
    expect(await podmanGroups(ctx({}), 'crun')).toBe('porthole-keeps');
    // CONTAINERS_CONF is the only file Podman reads then.
    await fake.write('/srv/podman.conf', keep);
    expect(await podmanGroups(ctx({ CONTAINERS_CONF: '/srv/podman.conf' }), 'crun')).toBe('kept');
    expect(await podmanGroups(ctx({ CONTAINERS_CONF: '/srv/missing.conf' }), 'crun')).toBe('porthole-keeps');
  });

  it('reads the drop-in folders in containers-config(5) order: a drop-in overrides its file, the user’s come last', async () => {
    const ctx = (env: NodeJS.ProcessEnv = {}) =>
      hostContext(fake.options({ uid: 1000, env: { HOME: '/home/alice', ...env } }));
    const other = '[containers]\nannotations = ["a=b"]\n';
    // Only in a drop-in (Fedora's packages and admins put settings there): kept.
    await fake.write('/etc/containers/containers.conf.d/50-groups.conf', keep);
    expect(await podmanGroups(ctx(), 'crun')).toBe('kept');
    // A later drop-in in the same folder (sorted by name) replaces it; a name not ending in .conf is not read.
    await fake.write('/etc/containers/containers.conf.d/60-other.conf', other);
    await fake.write('/etc/containers/containers.conf.d/70-backup.conf.bak', keep);
    expect(await podmanGroups(ctx(), 'crun')).toBe('porthole-keeps');
    // The rootless folders, this uid's last, come after the admin's shared drop-ins.
    await fake.write('/etc/containers/containers.rootless.conf.d/1000/groups.conf', keep);
    expect(await podmanGroups(ctx(), 'crun')).toBe('kept');
    // The user's own file and drop-ins come after every system one.
    await fake.write('/home/alice/.config/containers/containers.conf', other);
    expect(await podmanGroups(ctx(), 'crun')).toBe('porthole-keeps');
    await fake.write('/home/alice/.config/containers/containers.conf.d/keep.conf', keep);
    expect(await podmanGroups(ctx(), 'crun')).toBe('kept');
    // CONTAINERS_CONF_OVERRIDE is read last, even after CONTAINERS_CONF.
    await fake.write('/srv/override.conf', other);
    expect(await podmanGroups(ctx({ CONTAINERS_CONF_OVERRIDE: '/srv/override.conf' }), 'crun')).toBe('porthole-keeps');
    await fake.write('/srv/podman.conf', other);
    await fake.write('/srv/keep-override.conf', keep);
    const only = { CONTAINERS_CONF: '/srv/podman.conf', CONTAINERS_CONF_OVERRIDE: '/srv/keep-override.conf' };
    expect(await podmanGroups(ctx(only), 'crun')).toBe('kept');
    expect(await containersConfFiles(ctx(only))).toEqual(['/srv/podman.conf', '/srv/keep-override.conf']);
  });

  it('porthole-keeps: runc as the runtime, but a crun installed where Podman looks for it (its /info lists the path)', async () => {
    const ctx = hostContext(fake.options({ env: { HOME: '/home/alice' } }));
    // Podman lists crun whether or not it is installed: the file decides.
    expect(await podmanGroups(ctx, 'runc', '/usr/bin/crun')).toBe('runtime-cannot');
    await fake.write('/usr/local/bin/crun', '');
    // On hybrid cgroups (v1 controllers beside a v2 tree) crun refuses to run: not asked for.
    expect(await podmanGroups(ctx, 'runc', '/usr/bin/crun')).toBe('not-asked');
    await fake.write('/sys/fs/cgroup/cgroup.controllers', 'cpu memory pids\n');
    expect(await podmanGroups(ctx, 'runc', '/usr/bin/crun')).toBe('porthole-keeps');
    expect(await podmanGroups(ctx, 'runc')).toBe('runtime-cannot');
    // The runtime not said, nor crun's path: nothing known.
    expect(await podmanGroups(ctx, undefined)).toBe('not-asked');
  });
});
