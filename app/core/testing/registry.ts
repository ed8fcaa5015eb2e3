import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../lifecycle/ports';
import { exited, until } from './processes';

// Installed by the test bed (e2e/testbed/ensure-testbed.sh), like every package the tests use.
const REGISTRY_BINARY = '/usr/bin/docker-registry';

/**
 * An image registry of the test's own (Debian's `docker-registry`, the CNCF distribution server) on
 * 127.0.0.1 only, with its storage in a temp dir. Engines trust registries on 127.0.0.0/8 over plain
 * HTTP by default, so nothing needs configuring for a pull from `127.0.0.1:<port>/...`.
 */
export class LocalRegistry {
  private constructor(
    private readonly child: ChildProcess,
    private readonly root: string,
    readonly address: string,
  ) {}

  static async start(): Promise<LocalRegistry> {
    if (!existsSync(REGISTRY_BINARY)) {
      throw new Error(
        `${REGISTRY_BINARY} is missing: run the test bed (bash e2e/testbed/ensure-testbed.sh) or apt-get install docker-registry`,
      );
    }
    const binary = REGISTRY_BINARY;
    const root = await mkdtemp(join(tmpdir(), 'porthole-registry-'));
    const port = await freePort();
    const config = [
      'version: 0.1',
      'storage:',
      '  filesystem:',
      `    rootdirectory: ${join(root, 'data')}`,
      '  delete:',
      '    enabled: true',
      'http:',
      `  addr: 127.0.0.1:${port}`,
      '',
    ].join('\n');
    await writeFile(join(root, 'config.yml'), config);
    // Its log (every 404 a test provokes on purpose is an "error" there) stays out of the test output.
    const child = spawn(binary, ['serve', join(root, 'config.yml')], { stdio: 'ignore' });
    const registry = new LocalRegistry(child, root, `127.0.0.1:${port}`);
    await until(async () => (await fetch(`http://${registry.address}/v2/`)).ok, 30_000, 'the local registry');
    return registry;
  }

  /** Tags a local image of `docker` (an engine's CLI) as `<registry>/<name>:<tag>` and pushes it. */
  async push(
    docker: (...args: string[]) => Promise<string>,
    image: string,
    name: string,
    tag: string,
  ): Promise<string> {
    const ref = `${this.address}/${name}:${tag}`;
    await docker('tag', image, ref);
    await docker('push', '--quiet', ref);
    return ref;
  }

  async stop(): Promise<void> {
    this.child.kill('SIGTERM');
    await exited(this.child);
    await rm(this.root, { recursive: true, force: true });
  }
}
