import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createBackend, defaultDirs } from '../core/backend';
import { startWebHost } from './server';

/** `npm run web`: the same app in a browser, on 127.0.0.1 with a token. */
async function main(): Promise<void> {
  const here = dirname(fileURLToPath(import.meta.url));
  const rendererDir = resolve(process.env.PORTHOLE_RENDERER_DIR ?? join(here, '..', 'renderer'));
  // Up and serving the UI even while the engine hangs: its status and the machines follow as events.
  const backend = await createBackend({ ...defaultDirs(process.env), engineWaitMs: 2000 });
  const port = process.env.PORTHOLE_WEB_PORT ? Number(process.env.PORTHOLE_WEB_PORT) : 0;
  const host = await startWebHost({ backend, rendererDir, port });
  process.stdout.write(
    `Porthole is running at ${host.url}\nOpen that address in your browser. Press Ctrl+C to stop (machines keep running).\n`,
  );
  const shutdown = (): void => {
    // Ctrl+C always ends it: a close that waits on something (an engine past its deadline) is cut short, said.
    setTimeout(() => {
      process.stderr.write('Porthole’s web host did not close within 10 s; ending it now.\n');
      process.exit(1);
    }, 10_000).unref();
    void host
      .close()
      .then(() => backend.dispose())
      .finally(() => process.exit(0));
  };
  process.on('SIGINT', shutdown);
  process.on('SIGTERM', shutdown);
}

main().catch((err: unknown) => {
  process.stderr.write(`Porthole could not start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
