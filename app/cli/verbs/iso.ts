// `porthole iso copy FILE [--folder DIR]`: an ISO of this computer copied to the remote engine's computer, where
// machines read their custom ISO; the path there is printed at the end (--iso takes it).
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { formatBytes, type IsoCopyProgress, type IsoCopyResult } from '../../api';
import type { Backend } from '../../core/backend';
import { UsageError } from '../options';
import { terminalSafe } from '../terminal-safe';
import type { Verb } from './verb';

export const verb: Verb = {
  usage:
    '  iso copy FILE [--folder DIR]\n' +
    '                              Copy an ISO of this computer to the remote engine’s computer (the data folder’s\n' +
    '                              isos/ there, or DIR there); prints its path there, for --iso\n',
  async run({ positionals, values, json, backend, call, print, err }) {
    const [sub, file, extra] = positionals.slice(1);
    if (sub !== 'copy' || !file || extra !== undefined)
      throw new UsageError('"porthole iso copy FILE" copies one ISO file of this computer to the engine’s computer.');
    const copyId = `cli-${randomBytes(8).toString('hex')}`;
    const stopProgress = json || process.stderr.isTTY !== true ? () => undefined : followIsoCopy(backend, copyId, err);
    let interrupted = false;
    // Ctrl+C stops the copy and lets it remove its partial file there before the CLI ends.
    const onInterrupt = (): void => {
      interrupted = true;
      void call('cancelIsoCopy', { copyId }).catch(() => undefined);
    };
    process.once('SIGINT', onInterrupt);
    try {
      const result = await call('copyIsoToEngine', {
        path: resolve(file),
        ...(values.folder !== undefined ? { folder: values.folder } : {}),
        copyId,
      });
      stopProgress(true);
      print(result, () => formatIsoCopy(result));
      return 0;
    } catch (e) {
      stopProgress(false);
      if (interrupted) {
        err('Cancelled: nothing was left on the engine’s computer.\n');
        return 130;
      }
      throw e;
    } finally {
      process.removeListener('SIGINT', onInterrupt);
    }
  },
};

/** What the copy did, for a person: where the file is there, and how to use it. */
export function formatIsoCopy(r: IsoCopyResult): string {
  const where = terminalSafe(r.path);
  const how = r.reused
    ? `The same file (${formatBytes(r.sizeBytes)}) was on ${r.host} already: nothing was copied.`
    : `Copied ${formatBytes(r.sizeBytes)} to ${r.host}${r.sha256 ? ' (SHA-256 checked on both computers)' : ' (size checked there)'}.`;
  const renamed = r.renamed ? '\nA different file had its name there, so this copy got another name.' : '';
  return `${how}${renamed}\nOn ${r.host}: ${where}\nUse it: porthole create --iso '${where.replace(/'/g, `'\\''`)}'\n`;
}

/** One progress line a person reads on a terminal: the phase, the percent and the size. */
export function isoCopyLine(p: IsoCopyProgress, host: string): string {
  if (p.phase === 'checking') return `Looking at the ISO and at ${host}…`;
  if (p.phase === 'verifying') return `Checking the copy on ${host}…`;
  const percent = p.totalBytes > 0 ? Math.floor((p.doneBytes / p.totalBytes) * 100) : 100;
  return `Copying to ${host}: ${percent}% (${formatBytes(p.doneBytes)} of ${formatBytes(p.totalBytes)})`;
}

/** Rewrites one line of standard error (a terminal) with the copy's progress; the returned function ends it. */
function followIsoCopy(backend: Backend, copyId: string, write: (s: string) => void): (done: boolean) => void {
  let shown = '';
  const unsubscribe = backend.subscribe((e) => {
    if (e.event !== 'isoCopyProgress' || e.payload.copyId !== copyId) return;
    const line = isoCopyLine(e.payload, 'the engine’s computer');
    if (line === shown) return;
    write(`\r\x1b[2K${line}`);
    shown = line;
  });
  return () => {
    unsubscribe();
    if (shown) write('\r\x1b[2K');
  };
}
