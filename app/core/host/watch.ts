import { watch, type FSWatcher } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import { dirname, posix, relative } from 'node:path';
import type { HostReport } from '../../api';
import { checkHost } from './check';
import { hostContext, type HostCheckOptions, type HostContext } from './context';
import { findEngineCandidates } from './engine-candidates';

export interface WatchHostOptions extends HostCheckOptions {
  /** Quiet time after the last file event before re-checking. Default 300 ms. */
  debounceMs?: number;
}

/**
 * Re-checks the host when /dev/kvm, /dev/net/tun or an engine socket appears or disappears, and
 * calls onChange with the new report. Event-driven only (fs.watch on the directories that hold them,
 * or their nearest existing ancestor while those are missing); returns the function that stops it all.
 */
export function watchHost(options: WatchHostOptions, onChange: (report: HostReport) => void): () => void {
  const ctx = hostContext(options);
  const debounceMs = options.debounceMs ?? 300;
  /** Watched directory (under root) -> the entry names in it that lead to a target. */
  const watchers = new Map<string, { watcher: FSWatcher; names: Set<string> }>();
  let timer: NodeJS.Timeout | undefined;
  let disposed = false;
  let last: string | undefined;
  /** Re-checks run one after another. */
  let chain: Promise<void> = Promise.resolve();

  const schedule = (): void => {
    if (disposed) return;
    clearTimeout(timer);
    timer = setTimeout(() => {
      timer = undefined;
      chain = chain.then(recheck).catch(() => undefined);
    }, debounceMs);
  };

  const rewire = async (): Promise<void> => {
    const wanted = new Map<string, Set<string>>();
    for (const target of await targets(ctx, options)) {
      const found = await nearestDirectory(ctx, dirname(target));
      if (!found) continue;
      const first = relative(found.dir, ctx.at(target)).split('/')[0];
      if (!first) continue;
      const names = wanted.get(found.real) ?? new Set<string>();
      names.add(first);
      wanted.set(found.real, names);
    }
    if (disposed) return;
    for (const [dir, entry] of watchers) {
      if (!wanted.has(dir)) {
        entry.watcher.close();
        watchers.delete(dir);
      }
    }
    for (const [dir, names] of wanted) {
      const existing = watchers.get(dir);
      if (existing) {
        existing.names = names;
        continue;
      }
      try {
        const watcher = watch(dir, { persistent: false }, (_event, filename) => {
          const entry = watchers.get(dir);
          if (!filename || entry?.names.has(filename.toString())) schedule();
        });
        watcher.on('error', () => {
          watcher.close();
          if (watchers.get(dir)?.watcher === watcher) watchers.delete(dir);
          schedule();
        });
        watchers.set(dir, { watcher, names });
      } catch {
        // Not watchable (permissions, gone meanwhile): the next event elsewhere rewires.
      }
    }
  };

  const signature = async (): Promise<string> => {
    const paths = await targets(ctx, options);
    const present = await Promise.all(paths.map((p) => ctx.exists(p)));
    return paths.map((p, i) => `${p}=${present[i] ? 1 : 0}`).join('\n');
  };

  const recheck = async (): Promise<void> => {
    if (disposed) return;
    await rewire();
    const now = await signature();
    if (now === last || disposed) return;
    last = now;
    const report = await checkHost(options);
    if (!disposed) onChange(report);
  };

  chain = (async () => {
    await rewire();
    last = await signature();
  })().catch(() => undefined);

  return () => {
    disposed = true;
    clearTimeout(timer);
    for (const { watcher } of watchers.values()) watcher.close();
    watchers.clear();
  };
}

/** The paths whose appearance changes the verdict, as real paths. */
async function targets(ctx: HostContext, options: HostCheckOptions): Promise<string[]> {
  const candidates = await findEngineCandidates(options).catch(() => []);
  const sockets = candidates.flatMap((c) => (c.realSocketPath ? [c.realSocketPath] : []));
  return [...new Set(['/dev/kvm', '/dev/net/tun', ...sockets])].map((p) => posix.resolve('/', p));
}

/** The directory itself if it exists, else its nearest existing ancestor; with its real path (watch /run, not /var/run twice). */
async function nearestDirectory(ctx: HostContext, dir: string): Promise<{ dir: string; real: string } | null> {
  let current = dir;
  for (;;) {
    const underRoot = ctx.at(current);
    try {
      if ((await stat(underRoot)).isDirectory()) return { dir: underRoot, real: await realpath(underRoot) };
    } catch {
      // missing: try the parent
    }
    const parent = posix.dirname(current);
    if (parent === current) return null;
    current = parent;
  }
}
