import { desktopBridge } from '../api/desktop';

/**
 * Saves text to a file the person picks: the desktop app's save dialog, or the browser's download.
 * Resolves with where it went (null when the dialog was cancelled; the file name for a download).
 */
export async function saveText(
  text: string,
  suggestedName: string,
  options: { private?: boolean } = {},
): Promise<string | null> {
  const desktop = desktopBridge();
  if (desktop) return desktop.saveTextFile(text, suggestedName, options.private ?? false);
  const url = URL.createObjectURL(new Blob([text], { type: 'text/plain;charset=utf-8' }));
  try {
    const a = document.createElement('a');
    a.href = url;
    a.download = suggestedName;
    a.rel = 'noopener';
    document.body.append(a);
    a.click();
    a.remove();
  } finally {
    // After the click has started the download.
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
  }
  return suggestedName;
}

/** Copies text: the desktop app's clipboard, or the browser's. */
export async function copyText(text: string): Promise<void> {
  const desktop = desktopBridge();
  if (desktop) await desktop.writeClipboard(text);
  else await navigator.clipboard.writeText(text);
}

/** A file name made of a machine's name: letters, digits, `-`, `_` and `.` only. */
export function fileNameFor(name: string, suffix: string): string {
  const base = name.replace(/[^\w.-]+/g, '-').replace(/^-+|-+$/g, '') || 'machine';
  return `${base}${suffix}`;
}
