/** What one line of the container log means for the machine's phase. Pure: unit-tested with real lines. */
export type LogSignal =
  | { kind: 'starting' }
  | { kind: 'error'; text: string }
  | { kind: 'warning'; text: string }
  | { kind: 'booting' }
  | { kind: 'started' }
  | { kind: 'firmware-boot' }
  | { kind: 'install-marker' }
  | { kind: 'stopping' }
  | { kind: 'shutdown-step'; step: number; of: number }
  | { kind: 'shutdown-done' }
  | { kind: 'kvm-internal-error' };

// eslint-disable-next-line no-control-regex
const ANSI = /\u001b\[[0-9;?]*[ -/]*[@-~]/g;

export function stripAnsi(line: string): string {
  return line.replace(ANSI, '');
}

export function interpretLogLine(raw: string, installMarker: RegExp): LogSignal | null {
  const line = stripAnsi(raw).trim();
  if (!line) return null;
  if (installMarker.test(line)) return { kind: 'install-marker' };
  if (/KVM internal error/i.test(line)) return { kind: 'kvm-internal-error' };
  if (/^BdsDxe: loading Boot/.test(line)) return { kind: 'firmware-boot' };
  if (!line.startsWith('❯')) return null;
  const body = line.replace(/^❯\s*/, '');
  const error = /^ERROR:\s*(.*)$/.exec(body);
  if (error) return { kind: 'error', text: error[1] ?? '' };
  const warning = /^Warning:\s*(.*)$/.exec(body);
  if (warning) return { kind: 'warning', text: warning[1] ?? '' };
  if (/^Starting .* for (Docker|Podman|Kubernetes)/.test(body)) return { kind: 'starting' };
  if (/^Booting .*using QEMU/.test(body)) return { kind: 'booting' };
  if (/started succ?ess?fully/.test(body)) return { kind: 'started' };
  if (/^Received SIGTERM/.test(body)) return { kind: 'stopping' };
  const step =
    /(?:Waiting for Windows to shut down|Windows is still running, sending SIGTERM)\.\.\. \((\d+)\/(\d+)\)/.exec(body);
  if (step) return { kind: 'shutdown-step', step: Number(step[1]), of: Number(step[2]) };
  if (/^Shutdown completed/.test(body)) return { kind: 'shutdown-done' };
  return null;
}

/** `/status` websocket messages: `s: <message>` and `c: vnc`. */
export type StatusSignal = { kind: 'message'; text: string; fraction: number | undefined } | { kind: 'screen-ready' };

export function interpretStatusMessage(data: string): StatusSignal | null {
  if (data.startsWith('c:')) return data.slice(2).trim() === 'vnc' ? { kind: 'screen-ready' } : null;
  if (!data.startsWith('s:')) return null;
  // Like upstream, the message is the same HTML fragment /msg.html serves.
  const text = messageFromHtml(data.slice(2));
  return { kind: 'message', text, fraction: percentIn(text) };
}

/**
 * `/msg.html` fragment -> the message. Upstream turns a trailing "..." into `class="loading"`;
 * it is put back, so "ends in ..." keeps meaning "still going" everywhere in Porthole.
 */
export function messageFromHtml(html: string): string {
  const text = html
    .replace(/<[^>]*>/g, ' ')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
  return /class=["']?loading/.test(html) && !text.endsWith('...') ? `${text}...` : text;
}

/** `Downloading Windows 11 (12.3%)...` -> 0.123 */
export function percentIn(text: string): number | undefined {
  const match = /\((\d{1,3}(?:\.\d+)?)%\)/.exec(text);
  if (!match) return undefined;
  const value = Number(match[1]) / 100;
  return value >= 0 && value <= 1 ? value : undefined;
}

/**
 * The last error the log explains itself with. The image often spreads one error over consecutive
 * `❯ ERROR:` lines (the cause, then "See the FAQ..."): those are kept together, so the cause is not
 * lost behind the hint. Any other line in between starts a new error.
 */
export class ErrorTrail {
  private group: string[] = [];
  private open = false;

  /** Feeds one log line, with its signal when it has one. */
  push(line: string, signal: LogSignal | null): void {
    if (signal?.kind === 'error') {
      if (!this.open) this.group = [];
      this.group.push(signal.text);
      this.open = true;
    } else if (stripAnsi(line).trim()) {
      this.open = false;
    }
  }

  /** Sets the error directly (an engine event such as an out-of-memory kill). */
  set(text: string): void {
    this.group = [text];
    this.open = false;
  }

  reset(): void {
    this.group = [];
    this.open = false;
  }

  get text(): string | undefined {
    return this.group.length > 0 ? this.group.join(' ') : undefined;
  }
}
