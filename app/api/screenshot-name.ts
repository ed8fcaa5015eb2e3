// The one rule for screenshot file names: the page proposes one, the desktop shell re-checks it before saving.

// Control characters, folder separators and the characters Windows refuses (screenshots may be saved into a
// folder shared with the Windows machine).
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f/\\:*?"<>|]/g;

/** A file-name stem that cannot leave its folder: no separators or control characters, no leading dots, ≤100 chars. */
export function safeFileStem(text: string): string {
  return text
    .replace(UNSAFE, '-')
    .replace(/\s+/g, ' ')
    .replace(/^[.\s-]+/, '')
    .trim()
    .slice(0, 100)
    .trim();
}

function stamp(at: Date): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  const date = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  return `${date} ${pad(at.getHours())}-${pad(at.getMinutes())}-${pad(at.getSeconds())}`;
}

/** `Windows 11 2026-11-22 05-44-13.png`: the machine's name and the local time. */
export function screenshotFileName(machineName: string, at: Date): string {
  return `${safeFileStem(machineName) || 'Porthole screenshot'} ${stamp(at)}.png`;
}

/** The name a screenshot is saved under, from a name the page suggested (untrusted): always a safe `.png`. */
export function savedScreenshotName(suggested: string, at: Date): string {
  const stem = safeFileStem(suggested.replace(/\.png$/i, ''));
  return stem === '' ? screenshotFileName('', at) : `${stem}.png`;
}
