// Builds the preload exactly as `electron-vite build` does (the project's config, electron-vite's
// own plugins) and checks what the bundle still requires at run time. A sandboxed preload can
// require only 'electron' (and a few Node polyfills): anything else, such as 'zod', throws when the
// window opens, and the page gets no window.porthole at all.
import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfigFromFile, PreloadConfigFactory } from 'electron-vite';
import { build, type Rolldown } from 'vite';

const root = resolve(import.meta.dirname, '..', '..');

describe('the preload bundle', () => {
  it('requires nothing but electron (a sandboxed preload cannot load node_modules)', async () => {
    const { config } = await loadConfigFromFile(
      { command: 'build', mode: 'production' },
      'electron.vite.config.ts',
      root,
      'silent',
    );
    expect(config.preload, 'electron.vite.config.ts has a preload section').toBeDefined();
    const resolved = await new PreloadConfigFactory(config.preload!, {}, { root }).build();
    const output = (await build({
      ...resolved,
      configFile: false,
      logLevel: 'silent',
      build: { ...resolved.build, write: false },
    })) as Rolldown.RolldownOutput;
    const chunks = output.output.filter((o): o is Rolldown.OutputChunk => o.type === 'chunk');
    expect(chunks.map((c) => c.fileName)).toEqual(['index.cjs']);
    const external = chunks.flatMap((c) => c.imports);
    expect(
      external,
      'out/preload/index.cjs would require these at run time; set preload.build.externalizeDeps: false ' +
        'in electron.vite.config.ts so the preload bundles its dependencies',
    ).toEqual(['electron']);
  }, 60_000);
});
