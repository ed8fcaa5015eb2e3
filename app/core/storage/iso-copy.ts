import type Docker from 'dockerode';
import { createHash, randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { basename, posix } from 'node:path';
import { formatBytes, PortholeError, systemFolderReason, type IsoCopyProgress, type IsoCopyResult } from '../../api';
import { inspectIso, openFailure } from '../machine/iso';
import type { EngineHostHelpers } from './engine-host-fs';
import {
  candidateNames,
  chooseTarget,
  fileChunks,
  hashDeadlineMs,
  LOOK_SCRIPT,
  PARTIAL_PREFIX,
  PARTIAL_SUFFIX,
  parseLook,
  parsePlace,
  PLACE_SCRIPT,
  REMOVE_PARTIAL_SCRIPT,
  runInFolder,
  uploadToFolder,
  UploadStopped,
  worthHashing,
} from './engine-host-upload';

/** Left free there beyond the ISO itself: a disk filled to the last byte fails everything else on it. */
export const SPACE_MARGIN_BYTES = 64 * 1024 * 1024;
/** A progress event at most this often (and at the end). */
const PROGRESS_EVERY_MS = 250;

export interface IsoCopyDeps {
  /** The remote engine's computer's files; none when the engine is this computer's. */
  fs: EngineHostHelpers | undefined;
  docker: () => Docker;
  images: () => string[];
  /** The machines' data folder (the same path on the engine's computer). */
  dataDir: string;
  /** The user's home folder (the system folder rules allow /root only to root). */
  home?: string;
  onProgress: (progress: IsoCopyProgress) => void;
  /** For tests: the upload's inactivity deadline. */
  idleMs?: number;
}

function cancelled(): PortholeError {
  return new PortholeError(
    'CANCELLED',
    'The copy of the ISO was cancelled; nothing was left on the engine’s computer.',
  );
}

/**
 * Copies of ISOs from this computer to a remote engine's computer (copyIsoToEngine), each named by its
 * caller's id so the caller can follow it (isoCopyProgress) and stop it (cancel).
 */
export class IsoCopies {
  private readonly running = new Map<string, AbortController>();
  constructor(private readonly deps: IsoCopyDeps) {}

  cancel(copyId: string): boolean {
    const copy = this.running.get(copyId);
    copy?.abort();
    return copy !== undefined;
  }

  async copy(request: { path: string; folder?: string | undefined; copyId: string }): Promise<IsoCopyResult> {
    const fs = this.deps.fs;
    if (!fs)
      throw new PortholeError(
        'INVALID_ARGUMENT',
        'The engine runs on this computer: it reads the ISO where it is, so there is nothing to copy.',
        'Choose the ISO file itself as the custom ISO.',
      );
    const system = request.folder ? systemFolderReason(request.folder, this.deps.home) : null;
    if (system)
      throw new PortholeError(
        'INVALID_ARGUMENT',
        `Porthole does not put ISO files in ${request.folder} on ${fs.host}: ${system}. Nothing was copied.`,
        'Name a folder of your own there, or leave the folder out to use the data folder’s isos.',
      );
    if (this.running.has(request.copyId))
      throw new PortholeError('CONFLICT', 'A copy with this id is already under way.', 'Give each copy its own id.');
    const controller = new AbortController();
    this.running.set(request.copyId, controller);
    try {
      return await this.run(fs, request, controller.signal);
    } finally {
      this.running.delete(request.copyId);
    }
  }

  private async run(
    fs: EngineHostHelpers,
    request: { path: string; folder?: string | undefined; copyId: string },
    signal: AbortSignal,
  ): Promise<IsoCopyResult> {
    // The local rules first: a readable regular file with an ISO's signature, 10 MB or more. Nothing is sent otherwise.
    const info = await inspectIso(request.path);
    // As inspectIso opens it: a FIFO swapped in meanwhile must not block, a terminal must not become ours.
    const handle = await open(request.path, constants.O_RDONLY | constants.O_NONBLOCK | constants.O_NOCTTY).catch(
      (err: unknown) => {
        throw openFailure(request.path, err);
      },
    );
    try {
      const stats = await handle.stat();
      if (!stats.isFile() || stats.size !== info.sizeBytes)
        throw new PortholeError('ISO_INVALID', `${request.path} changed while Porthole looked at it.`, 'Try again.');
      const folder = request.folder ?? posix.join(this.deps.dataDir, 'isos');
      const progress = this.progress(request.copyId, stats.size);
      progress('checking', 0, true);
      await fs.makeFolder(folder);
      const names = candidateNames(basename(request.path));
      const plan = await this.plan(fs, folder, names, handle, stats.size, signal);
      const base = { host: fs.host, sizeBytes: stats.size, renamed: plan.index > 0 };
      if (plan.action === 'reuse') {
        progress('verifying', stats.size, true);
        return { ...base, path: posix.join(folder, names[plan.index]!), sha256: plan.sha256, reused: true };
      }
      const sent = await this.send(fs, folder, handle, stats, signal, progress);
      progress('verifying', stats.size, true);
      const placed = await this.place(fs, folder, sent, stats.size, names.slice(plan.index));
      return {
        ...base,
        renamed: plan.index + placed.index > 0,
        path: posix.join(folder, names[plan.index + placed.index]!),
        sha256: placed.sha256,
        reused: false,
      };
    } finally {
      await handle.close();
    }
  }

  /** What is there already, and so where the copy goes (or that the file there is the same one). */
  private async plan(
    fs: EngineHostHelpers,
    folder: string,
    names: string[],
    handle: FileHandle,
    size: number,
    signal: AbortSignal,
  ): Promise<{ action: 'reuse' | 'copy'; index: number; sha256: string | null }> {
    const out = await runInFolder(fs, folder, LOOK_SCRIPT, [String(size), ...names], hashDeadlineMs(size * 2)).catch(
      (err: unknown) => {
        throw err instanceof PortholeError ? err : helperFailed(fs.host, folder, helperReason(err));
      },
    );
    const look = parseLook(out, names.length);
    if (!look || !look.folder) throw helperFailed(fs.host, folder, 'the helper container gave no answer');
    if (signal.aborted) throw cancelled();
    const sha256 = worthHashing(look.names, size) ? await hashOf(handle, size, signal) : null;
    const choice = chooseTarget(look.names, { size, sha256 });
    if (choice.action === 'full')
      throw new PortholeError(
        'CONFLICT',
        `${folder} on ${fs.host} already holds ${names.length} different files named like ${names[0]}. Nothing was copied.`,
        'Remove the ones no machine uses there, or rename the ISO here, then copy it again.',
      );
    if (choice.action === 'copy' && look.freeBytes !== null && look.freeBytes < size + SPACE_MARGIN_BYTES)
      throw new PortholeError(
        'INVALID_ARGUMENT',
        `${folder} on ${fs.host} has ${formatBytes(look.freeBytes)} free, and the ISO needs ${formatBytes(size)} (and some room to spare). Nothing was copied.`,
        `Make room on ${fs.host}, or copy it into a folder of another disk there.`,
      );
    return { ...choice, sha256 };
  }

  /** Sends the bytes to a partial file there; its name and the SHA-256 of what was sent. A partial file left by a failure is removed. */
  private async send(
    fs: EngineHostHelpers,
    folder: string,
    handle: FileHandle,
    stats: { size: number; mtimeMs: number },
    signal: AbortSignal,
    progress: (phase: IsoCopyProgress['phase'], done: number, force?: boolean) => void,
  ): Promise<{ partial: string; sha256: string }> {
    const partial = `${PARTIAL_PREFIX}${randomBytes(8).toString('hex')}${PARTIAL_SUFFIX}`;
    const hash = createHash('sha256');
    let done = 0;
    try {
      if (signal.aborted) throw new UploadStopped('cancelled', 'cancelled');
      await uploadToFolder({
        docker: this.deps.docker(),
        images: this.deps.images(),
        host: fs.host,
        folder,
        partial,
        size: stats.size,
        mtimeSeconds: stats.mtimeMs / 1000,
        source: fileChunks(handle, stats.size),
        onBytes: (chunk) => {
          hash.update(chunk);
          done += chunk.length;
          progress('copying', done);
        },
        signal,
        ...(this.deps.idleMs !== undefined ? { idleMs: this.deps.idleMs } : {}),
      });
      return { partial, sha256: hash.digest('hex') };
    } catch (err) {
      await runInFolder(fs, folder, REMOVE_PARTIAL_SCRIPT, [partial], 60_000).catch(() => undefined);
      throw uploadFailed(fs.host, folder, err);
    }
  }

  /** Checks the partial file there (size, SHA-256) and gives it the first free of `names`. */
  private async place(
    fs: EngineHostHelpers,
    folder: string,
    sent: { partial: string; sha256: string },
    size: number,
    names: string[],
  ): Promise<{ index: number; sha256: string | null }> {
    const out = await runInFolder(
      fs,
      folder,
      PLACE_SCRIPT,
      [sent.partial, String(size), sent.sha256, ...names],
      hashDeadlineMs(size),
    ).catch(async (err: unknown) => {
      await runInFolder(fs, folder, REMOVE_PARTIAL_SCRIPT, [sent.partial], 60_000).catch(() => undefined);
      throw err instanceof PortholeError ? err : helperFailed(fs.host, folder, helperReason(err));
    });
    const placed = parsePlace(out);
    if ('placed' in placed && placed.placed >= 0 && placed.placed < names.length)
      return { index: placed.placed, sha256: placed.sha256 };
    const why: Record<string, string> = {
      size: 'the copy there does not have the size of the file here',
      hash: 'the copy there does not have the same SHA-256 as the file here (the bytes changed on the way)',
      taken: 'files of its names appeared there meanwhile',
      nospace: 'the disk there became full',
    };
    const reason = 'failed' in placed ? (why[placed.failed] ?? 'the helper container gave no answer') : 'no answer';
    throw helperFailed(fs.host, folder, reason);
  }

  /** Reports progress, at most every PROGRESS_EVERY_MS unless forced. */
  private progress(copyId: string, totalBytes: number) {
    let last = 0;
    return (phase: IsoCopyProgress['phase'], doneBytes: number, force = false): void => {
      const now = Date.now();
      if (!force && now - last < PROGRESS_EVERY_MS && doneBytes < totalBytes) return;
      last = now;
      this.deps.onProgress({ copyId, phase, doneBytes, totalBytes });
    };
  }
}

/** The local file's SHA-256 (read again from the start: only when a same-size file there may be the same). */
async function hashOf(handle: FileHandle, size: number, signal: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of fileChunks(handle, size)) {
    if (signal.aborted) throw cancelled();
    hash.update(chunk);
  }
  return hash.digest('hex');
}

/** Why a helper failed, in plain words: never the engine's own text (hostile input, and no help to a person). */
function helperReason(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  if (/did not finish within/.test(text)) return 'the helper container there did not finish in time';
  return 'the engine refused the short-lived helper container';
}

function helperFailed(host: string, folder: string, reason: string): PortholeError {
  return new PortholeError(
    'ENGINE_ERROR',
    `Porthole could not copy the ISO into ${folder} on ${host} (the engine's computer): ${reason}. Nothing was left there.`,
    'Check that the folder is writable there and the engine runs, then try again; "porthole check" says more.',
  );
}

function uploadFailed(host: string, folder: string, err: unknown): PortholeError {
  if (err instanceof PortholeError) return err;
  if (err instanceof UploadStopped) {
    if (err.reason === 'cancelled') return cancelled();
    return helperFailed(host, folder, err.message);
  }
  const text = err instanceof Error ? err.message : String(err);
  if (/no space left|quota/i.test(text)) return helperFailed(host, folder, 'the disk there became full');
  return helperFailed(host, folder, 'the engine stopped taking the file');
}
