import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, inject, it } from 'vitest';

const run = promisify(execFile);

async function docker(args: string[]): Promise<string> {
  const { stdout } = await run('docker', args, { timeout: 60_000 });
  return stdout.trim();
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

// Another checkout's stand-in build (a worktree on another recipe, same engine) drops every older image no
// container uses. Without a hold, this run's image could go between two tests: the next machine started
// tried to download it and failed (the wizard's "Use it" e2e test showed "failed" under load).
describe('the test bed', () => {
  it('holds this run’s stand-in image with a container of a live process, which a build never drops', async () => {
    const image = inject('standinImage');
    const holds = (
      await docker(['ps', '-aq', '--filter', 'label=io.porthole.standin-hold', '--filter', `ancestor=${image}`])
    )
      .split('\n')
      .filter(Boolean);
    expect(holds.length, `no container holds ${image}`).toBeGreaterThan(0);
    const owners = await Promise.all(
      holds.map(async (id) =>
        Number(await docker(['inspect', '--format', '{{index .Config.Labels "io.porthole.standin-hold"}}', id])),
      ),
    );
    expect(owners.some((pid) => Number.isInteger(pid) && pid > 0 && alive(pid))).toBe(true);
    // Never started: it holds the image, it runs nothing.
    const states = await Promise.all(holds.map((id) => docker(['inspect', '--format', '{{.State.Status}}', id])));
    expect(states.every((s) => s === 'created')).toBe(true);
  });
});
