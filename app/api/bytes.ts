/** Shared by the renderer and the CLI: one way to write a size. */
/**
 * Bytes in Porthole's one unit system (docs/units.md): binary, 1 GB = 1024 MB = 1024³ bytes, as the
 * disk sizes a person chooses ("64 GB" is the image's DISK_SIZE=64G, 64 × 1024³ bytes) and as Windows
 * itself counts and labels them. A 64 GB disk therefore reads "64 GB" everywhere, never "68.7 GB".
 */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  // 1000 and more of a unit moves up: "0.98 GB" reads better than "1003 MB".
  while (value >= 1000 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(value >= 100 || unit === 0 ? 0 : 1).replace(/\.0$/, '')} ${units[unit]}`;
}
