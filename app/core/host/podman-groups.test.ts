import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFakeRoot, type FakeRoot } from '../testing/fake-root';
import { hostContext } from './context';
import { containersAnnotations, podmanGroups } from './podman-groups';

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
