// The engine's log streams read into lines: Docker's multiplexed frames, line splitting, and the
// timestamps a follow uses to resume without repeating a line.

/** Docker multiplexes stdout/stderr in 8-byte-header frames when no TTY is attached. */
export class FrameDemuxer {
  private pending = Buffer.alloc(0);
  private raw: boolean | undefined;
  constructor(private readonly onPayload: (chunk: string) => void) {}
  push(chunk: Buffer): void {
    this.pending = Buffer.concat([this.pending, chunk]);
    if (this.raw === undefined && this.pending.length > 0) {
      const first = this.pending[0];
      this.raw = !(first === 0 || first === 1 || first === 2);
    }
    if (this.raw) {
      this.onPayload(this.pending.toString('utf8'));
      this.pending = Buffer.alloc(0);
      return;
    }
    while (this.pending.length >= 8) {
      const size = this.pending.readUInt32BE(4);
      if (this.pending.length < 8 + size) break;
      this.onPayload(this.pending.subarray(8, 8 + size).toString('utf8'));
      this.pending = this.pending.subarray(8 + size);
    }
  }
}

export function demux(buf: Buffer): string {
  let out = '';
  new FrameDemuxer((chunk) => {
    out += chunk;
  }).push(buf);
  return out;
}

/** Text cut into lines as it arrives; the last piece waits for its end (or flush). */
export class LineSplitter {
  private rest = '';
  constructor(private readonly onLine: (line: string) => void) {}
  push(text: string): void {
    this.rest += text;
    const parts = this.rest.split(/\r?\n|\r/);
    this.rest = parts.pop() ?? '';
    for (const part of parts) this.onLine(part);
  }
  flush(): void {
    if (this.rest) this.onLine(this.rest);
    this.rest = '';
  }
}

/** The engine's RFC 3339 timestamp with fixed-width nanoseconds, as `timestamps: true` puts it before each line. */
const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d+))?Z /;

/**
 * Lines read with timestamps: strips the stamp and drops lines at or before `after` (already
 * delivered). A piece without a stamp (a line the image ended with a bare carriage return) belongs
 * to the stamped line before it.
 */
export class StampedLines {
  lastStamp: string | undefined;
  private deliver = true;
  constructor(
    private readonly onLine: (line: string) => void,
    private readonly after: string | undefined,
  ) {}
  line(raw: string): void {
    const match = STAMP.exec(raw);
    if (match) {
      const stamp = `${match[1]}.${(match[2] ?? '').padEnd(9, '0')}`;
      this.deliver = this.after === undefined || stamp > this.after;
      if (this.deliver) this.lastStamp = stamp;
      if (this.deliver) this.onLine(raw.slice(match[0].length));
      return;
    }
    if (this.deliver) this.onLine(raw);
  }
}

/** `2026-11-22T07:50:01.123456789` (UTC) -> `1795333801.123456789`, the engine's `since` to the nanosecond. */
export function stampSeconds(stamp: string): string {
  const [whole, fraction] = stamp.split('.');
  return `${Date.parse(`${whole}Z`) / 1000}.${fraction ?? '0'}`;
}

export function splitLines(text: string): string[] {
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  return lines;
}
