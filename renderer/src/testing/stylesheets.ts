import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The app's real stylesheets (paths relative to renderer/src) in the jsdom document, in the order given:
 * getComputedStyle then cascades their rules. Returns what removes them again.
 */
export function loadStylesheets(...files: string[]): () => void {
  const styles = files.map((file) => {
    const style = document.createElement('style');
    style.textContent = readFileSync(join(import.meta.dirname, '..', file), 'utf8');
    document.head.append(style);
    return style;
  });
  return () => styles.forEach((s) => s.remove());
}
