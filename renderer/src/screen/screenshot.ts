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
