import { INSTALL_MARKER } from '@porthole/api';

/** How a line of the log viewer is shown. */
export type LogLineKind = 'error' | 'image' | 'phase' | 'run' | 'plain';

export interface LogLine {
  /** Grows by one per line ever received: a stable key, and how far the ring has moved. */
  seq: number;
  text: string;
  kind: LogLineKind;
}

/** The image colours its lines (`ESC[1;34m❯ …`): the viewer shows the text and colours by kind. */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;?]*[A-Za-z]/g, '');
}

/**
 * The image prints its own messages behind `❯` (errors as `❯ ERROR:`); everything else is QEMU,
 * the firmware or Windows. Porthole's phase changes and the container's runs are put in by the viewer.
 */
export function classify(text: string): LogLineKind {
  if (/❯\s*ERROR\b/i.test(text)) return 'error';
  if (text.includes('❯')) return 'image';
  return 'plain';
}

/**
 * A line as a person should read it in Porthole: the image names its own web port (8006 inside the container),
 * which is not where Porthole publishes it, so the address becomes the one Porthole uses; Porthole's install
 * marker from COM1 is said in words.
 */
export function forPerson(text: string, webPort: number): { text: string; kind?: LogLineKind } {
  if (INSTALL_MARKER.test(text))
    return {
      text: 'Porthole: Windows finished installing (its first sign-in ran Porthole’s setup script)',
      kind: 'phase',
    };
  return { text: text.replace(/http:\/\/127\.0\.0\.1:8006\//g, `http://127.0.0.1:${webPort}/`) };
}

/**
 * The last `capacity` lines and no more, so a log that runs for days costs a fixed amount of memory.
 * `push` is amortised O(1): the array is trimmed by half a capacity at a time, not per line.
 */
export class LogRing {
  private lines: LogLine[] = [];
  private next = 0;
  constructor(readonly capacity: number) {}

  push(raw: string, kind?: LogLineKind): void {
    const text = stripAnsi(raw);
    this.lines.push({ seq: this.next++, text, kind: kind ?? classify(text) });
    if (this.lines.length > this.capacity * 1.5) this.lines = this.lines.slice(-this.capacity);
  }

  /** The lines kept, oldest first (at most `capacity`). */
  all(): LogLine[] {
    return this.lines.length > this.capacity ? this.lines.slice(-this.capacity) : this.lines;
  }

  /** Lines received since the viewer opened, including those the ring let go. */
  get received(): number {
    return this.next;
  }

  clear(): void {
    this.lines = [];
  }
}

/** The lines a search keeps: every word of the query, in any order, ignoring case. */
export function matches(query: string): (line: LogLine) => boolean {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return () => true;
  return (line) => {
    const text = line.text.toLowerCase();
    return words.every((w) => text.includes(w));
  };
}

/** The rows of a scrolled list worth rendering: what is on screen plus a margin. */
export function visibleRange(
  scrollTop: number,
  viewport: number,
  rowHeight: number,
  count: number,
  overscan = 20,
): { start: number; end: number } {
  const start = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const end = Math.min(count, Math.ceil((scrollTop + viewport) / rowHeight) + overscan);
  return { start, end };
}
