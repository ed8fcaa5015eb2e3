import { describe, expect, it, vi } from 'vitest';
import { runCliHere, throwawayCliConfig } from '../core/testing/cli';

/** Issue 26, item 7: a DOCKER_HOST Porthole cannot read gets Porthole's words, never the engine library's. */
describe('an unreadable DOCKER_HOST', () => {
  throwawayCliConfig('porthole-cli-docker-host-');

  it('check names what is wrong and how to fix it; a command that needs the engine says the same', async () => {
    vi.stubEnv('DOCKER_HOST', 'tcp://[::1');
    const check = await runCliHere('check');
    expect(check.out + check.err).toContain(
      'DOCKER_HOST is tcp://[::1, but "tcp://[::1" is not a valid address: write tcp://host:port.',
    );
    expect(check.out + check.err).not.toMatch(/should be something like/);
    const created = await runCliHere('create', '--name', 'Engine later', '--json');
    expect(created.code).toBe(0);
    const { id } = JSON.parse(created.out) as { id: string };
    const start = await runCliHere('start', id);
    expect(start.code).toBe(1);
    expect(start.err).toMatch(/DOCKER_HOST is not usable: "tcp:\/\/\[::1" is not a valid address/);
    expect(start.err).not.toMatch(/should be something like/);
  });
});
