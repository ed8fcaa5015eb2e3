/** What a screenshot needs from the RFB client. */
export interface CanvasSource {
  toBlob(callback: (blob: Blob | null) => void, type?: string, quality?: number): void;
}

/** The current screen as a PNG. */
export function captureScreenshot(source: CanvasSource): Promise<Blob> {
  return new Promise((resolve, reject) => {
    source.toBlob((blob) => {
      if (blob) resolve(blob);
      else reject(new Error('the screen has no picture yet'));
    }, 'image/png');
  });
}

/** `Windows 11 2026-11-22 05-44-13.png`: the machine's name and the local time, safe as a file name. */
export function screenshotFileName(machineName: string, at: Date): string {
  const unsafe = '\\/:*?"<>|';
  const safe = Array.from(machineName, (c) => (c < ' ' || unsafe.includes(c) ? '-' : c)).join('').trim() || 'screen';
  const pad = (n: number): string => String(n).padStart(2, '0');
  const date = `${at.getFullYear()}-${pad(at.getMonth() + 1)}-${pad(at.getDate())}`;
  const time = `${pad(at.getHours())}-${pad(at.getMinutes())}-${pad(at.getSeconds())}`;
  return `${safe} ${date} ${time}.png`;
}

/** Saves a blob through the browser's download (Electron shows its save dialog or saves to Downloads). */
export function downloadBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.style.display = 'none';
  document.body.appendChild(link);
  link.click();
  link.remove();
  // Revoke later: the download may start after click() returns.
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
