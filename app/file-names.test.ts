import { readdirSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

// Issue 27: a newcomer who opens `usb.ts` should know which one. Two production files in app/ or renderer/src share a
// name only when they are the same role in parallel layers, and this table says so; any other repeat fails.
const root = resolve(import.meta.dirname, '..');

const PARALLEL: Record<string, { files: string[]; why: string }> = {
  'index.ts': {
    why: "a folder's public entry: what the rest of the app imports from that folder",
    files: [
      'app/api/index.ts',
      'app/cli/index.ts',
      'app/cli/verbs/index.ts',
      'app/core/host/index.ts',
      'app/core/remote/index.ts',
      'app/core/secrets/index.ts',
      'app/main/index.ts',
      'app/preload/index.ts',
      'renderer/src/drop/index.ts',
      'renderer/src/screen/index.ts',
    ],
  },
  'main.ts': {
    why: "a Node transport's entry: the CLI's dispatch and the web host's start",
    files: ['app/cli/main.ts', 'app/web/main.ts'],
  },
  // A feature's face in each layer: its schemas in the contract (app/api), its CLI verb (app/cli/verbs), its
  // implementation in the core folder that owns it.
  'snapshots.ts': {
    why: 'snapshots: the contract, the CLI verb `porthole snapshots`, the core implementation',
    files: ['app/api/snapshots.ts', 'app/cli/verbs/snapshots.ts', 'app/core/snapshots/snapshots.ts'],
  },
  'usb.ts': {
    why: "USB devices: the contract, the CLI verb `porthole usb`, the host's own device list",
    files: ['app/api/usb.ts', 'app/cli/verbs/usb.ts', 'app/core/host/usb.ts'],
  },
  'check.ts': {
    why: 'the host check: the CLI verb `porthole check` and the core check it prints',
    files: ['app/cli/verbs/check.ts', 'app/core/host/check.ts'],
  },
  'machines.ts': {
    why: 'the machines: the CLI verb `porthole machines` and the core service that holds them',
    files: ['app/cli/verbs/machines.ts', 'app/core/lifecycle/machines.ts'],
  },
  'apps.ts': {
    why: "Windows programs: the contract's list format and the CLI verb `porthole apps`",
    files: ['app/api/apps.ts', 'app/cli/verbs/apps.ts'],
  },
  'iso.ts': {
    why: "ISO files: the contract's shared rules (what is Windows setup media), the core's checks of a file, and the CLI's `iso` verb (verbs/<verb>.ts)",
    files: ['app/api/iso.ts', 'app/cli/verbs/iso.ts', 'app/core/machine/iso.ts'],
  },
  'defaults.ts': {
    why: "a new machine's defaults: the contract's limits and the core's choice for this host",
    files: ['app/api/defaults.ts', 'app/core/machine/defaults.ts'],
  },
  'errors.ts': {
    why: "errors: the contract's PortholeError and the engine layer's translation of engine failures into it",
    files: ['app/api/errors.ts', 'app/core/engine/errors.ts'],
  },
  'stats.ts': {
    why: "live statistics: the contract's sample and the engine layer's reading of the engine's stats",
    files: ['app/api/stats.ts', 'app/core/engine/stats.ts'],
  },
  'desktop.ts': {
    why: "the desktop bridge: the contract's interface and the page's client of it",
    files: ['app/api/desktop.ts', 'renderer/src/api/desktop.ts'],
  },
};

function productionFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory()) {
      if (!['testing', 'fixtures', 'node_modules'].includes(entry.name)) out.push(...productionFiles(path));
    } else if (/\.tsx?$/.test(entry.name) && !/\.test\.tsx?$|\.d\.ts$/.test(entry.name)) out.push(path);
  }
  return out;
}

describe('production file names', () => {
  const files = [...productionFiles('app'), ...productionFiles('renderer/src')];
  const byName = new Map<string, string[]>();
  for (const file of files) byName.set(basename(file), [...(byName.get(basename(file)) ?? []), file]);
  const repeated = [...byName].filter(([, paths]) => paths.length > 1);

  it('repeat only for the same role in parallel layers, each such name listed with its reason', () => {
    const unexplained = repeated
      .filter(([name]) => !PARALLEL[name])
      .map(([name, paths]) => `${name}: ${paths.join(' ')}`);
    expect(unexplained).toEqual([]);
  });

  it('the table lists exactly the files that share each name (a rename or a new file updates it)', () => {
    for (const [name, { files: listed, why }] of Object.entries(PARALLEL)) {
      expect(why.length, name).toBeGreaterThan(20);
      expect([...(byName.get(name) ?? [])].sort(), name).toEqual([...listed].sort());
    }
  });
});
