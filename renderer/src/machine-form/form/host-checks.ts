import { useEffect, useState } from 'react';
import { validateHostPath, validateIsoPath, type CreationDefaults } from '@porthole/api';
import { porthole } from '../../api/porthole';
import { errorText } from '../../ui/error-text';
import type { ExistingInstallFound, IsoCheck } from './checks';

/** How long typing may pause before Porthole asks the backend about a path. */
export const TYPING_PAUSE_MS = 350;

/**
 * Checks the ISO at `path` (inspectIso) once typing pauses. `attempt` re-checks the same path
 * (the person fixed the file and tries again).
 */
export function useIsoCheck(path: string, attempt = 0): IsoCheck {
  const wanted = path.trim();
  const usable = wanted !== '' && validateIsoPath(wanted) === null;
  const [result, setResult] = useState<{ key: string; check: IsoCheck } | null>(null);
  const key = `${attempt}:${wanted}`;
  useEffect(() => {
    if (!usable) return;
    let live = true;
    const timer = setTimeout(() => {
      porthole()
        .inspectIso({ path: wanted })
        .then(
          (info) => live && setResult({ key, check: { state: 'ok', path: wanted, info } }),
          (e: unknown) => live && setResult({ key, check: { state: 'bad', path: wanted, message: errorText(e) } }),
        );
    }, TYPING_PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [usable, wanted, key]);
  if (!usable) return { state: 'idle' };
  if (result?.key === key) return result.check;
  return { state: 'checking', path: wanted };
}

/**
 * The host's limits and defaults, with the free space measured at `storageDir` (re-measured, after
 * a pause in typing, whenever it changes). Keeps the last answer while a new one is on its way.
 */
export function useHostDefaults(storageDir: string | undefined): {
  defaults: CreationDefaults | null;
  measuring: boolean;
  error: string | null;
} {
  const dir = storageDir?.trim() || undefined;
  const valid = dir === undefined || validateHostPath(dir, 'storage folder') === null;
  const [latest, setLatest] = useState<{ dir: string | undefined; value: CreationDefaults } | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!valid) return;
    let live = true;
    const timer = setTimeout(
      () => {
        porthole()
          .creationDefaults(dir === undefined ? {} : { storageDir: dir })
          .then(
            (value) => {
              if (!live) return;
              setLatest({ dir, value });
              setError(null);
            },
            (e: unknown) => live && setError(errorText(e)),
          );
      },
      latest === null ? 0 : TYPING_PAUSE_MS,
    );
    return () => {
      live = false;
      clearTimeout(timer);
    };
    // `latest` only picks the delay of the first call; it must not trigger a new one.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [dir, valid]);
  return { defaults: latest?.value ?? null, measuring: valid && latest?.dir !== dir, error };
}

/**
 * Which of `paths` exist as folders on the host. The backend measures free space at a path and says
 * whether that path itself exists (creationDefaults.storageExists), which is exactly this question.
 */
export function useFolderChecks(paths: readonly string[]): Record<string, boolean> {
  const [known, setKnown] = useState<Record<string, boolean>>({});
  // Coming back to the window (after making the folder in a file manager) checks again.
  const [round, setRound] = useState(0);
  useEffect(() => {
    const again = (): void => setRound((r) => r + 1);
    window.addEventListener('focus', again);
    return () => window.removeEventListener('focus', again);
  }, []);
  const wanted = paths.map((p) => p.trim()).filter((p) => p && validateHostPath(p, 'shared folder') === null);
  const key = wanted.join('\n');
  useEffect(() => {
    if (!key) return;
    let live = true;
    const timer = setTimeout(() => {
      for (const path of key.split('\n')) {
        porthole()
          .creationDefaults({ storageDir: path })
          .then(
            (value) =>
              live && setKnown((k) => (k[path] === value.storageExists ? k : { ...k, [path]: value.storageExists })),
            () => undefined,
          );
      }
    }, TYPING_PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [key, round]);
  return known;
}

/**
 * Whether the folder a new machine would use already holds an installed Windows (creationDefaults
 * looks for the image's windows.boot there, as the compose import does). Null while unknown or none.
 */
export function useExistingInstall(folder: string | null): ExistingInstallFound | null {
  const wanted = folder && validateHostPath(folder, 'storage folder') === null ? folder : null;
  const [found, setFound] = useState<{ folder: string; value: ExistingInstallFound | null } | null>(null);
  // Coming back to the window (after moving the folder away in a file manager) looks again.
  const [round, setRound] = useState(0);
  useEffect(() => {
    const again = (): void => setRound((r) => r + 1);
    window.addEventListener('focus', again);
    return () => window.removeEventListener('focus', again);
  }, []);
  useEffect(() => {
    if (!wanted) return;
    let live = true;
    const timer = setTimeout(() => {
      porthole()
        .creationDefaults({ storageDir: wanted })
        .then(
          (d) =>
            live &&
            setFound({
              folder: wanted,
              value: d.existingInstall
                ? {
                    folder: wanted,
                    ...(d.existingInstall.diskGiB !== undefined ? { diskGiB: d.existingInstall.diskGiB } : {}),
                  }
                : null,
            }),
          () => undefined,
        );
    }, TYPING_PAUSE_MS);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [wanted, round]);
  return found && found.folder === wanted ? found.value : null;
}
