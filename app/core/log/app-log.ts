import { appendFileSync, chmodSync, closeSync, mkdirSync, openSync, readFileSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
/**
 * What a log line may carry beside its message: plain values only. Objects (a machine's settings,
 * a request) cannot be passed, so a password cannot reach the log by logging "the whole thing".
 */
export type LogFields = Record<string, string | number | boolean | null | undefined>;

const LEVELS: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };
/** A field whose name says it holds a secret is never written, whatever its value. */
const SECRET_FIELD = /pass(word)?|secret|token|credential|key$/i;
export const REDACTED = '***';

export interface AppLogOptions {
  /** The folder, e.g. `$XDG_STATE_HOME/porthole`; made (0700) when missing. */
  dir: string;
  /** Rotate once the current file would pass this size. Default 1 MiB. */
  maxBytes?: number;
  /** Files kept, the current one included (`porthole.log`, `.1`, `.2`). Default 3. */
  files?: number;
  /** Lines below this level are dropped. Default `info` (`debug` with PORTHOLE_LOG_LEVEL=debug). */
  level?: LogLevel;
  now?: () => Date;
}

export const APP_LOG_NAME = 'porthole.log';

/**
 * Porthole's own log: one line per event, `time LEVEL message key=value…`, in a file that rotates by
 * size. Written synchronously (a few lines a minute, in order, and nothing lost when the process
 * ends); a write that fails (disk full, folder gone) is dropped and never breaks what was being logged.
 * Secrets are kept out by construction (fields are plain values; secret-named fields are dropped)
 * and, as a second line of defence, every value registered with `addSecret` is replaced by `***`.
 */
export class AppLog {
  readonly file: string;
  private readonly maxBytes: number;
  private readonly files: number;
  private readonly minLevel: number;
  private readonly now: () => Date;
  private readonly secrets = new Set<string>();
  private size: number | undefined;
  private failed = false;

  constructor(private readonly options: AppLogOptions) {
    this.file = join(options.dir, APP_LOG_NAME);
    this.maxBytes = options.maxBytes ?? 1024 * 1024;
    this.files = Math.max(1, options.files ?? 3);
    this.minLevel = LEVELS[options.level ?? 'info'];
    this.now = options.now ?? (() => new Date());
  }

  /** Every file of the log, newest first (`porthole.log`, `porthole.log.1`, …). */
  get paths(): string[] {
    return Array.from({ length: this.files }, (_, i) => (i === 0 ? this.file : `${this.file}.${i}`));
  }

  /** A value never to write (a machine's password): any line containing it gets `***` instead. */
  addSecret(value: string | undefined): void {
    if (value) this.secrets.add(value);
  }

  debug(message: string, fields?: LogFields): void {
    this.write('debug', message, fields);
  }
  info(message: string, fields?: LogFields): void {
    this.write('info', message, fields);
  }
  warn(message: string, fields?: LogFields): void {
    this.write('warn', message, fields);
  }
  error(message: string, fields?: LogFields): void {
    this.write('error', message, fields);
  }

  /** The last `count` lines, across the rotated files (oldest first). */
  tail(count: number): string[] {
    const lines: string[] = [];
    for (const path of this.paths) {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch {
        continue;
      }
      const own = text.split('\n').filter(Boolean);
      lines.unshift(...own);
      if (lines.length >= count) break;
    }
    return lines.slice(-count);
  }

  /** The line as it is written; exposed for tests of the format and the redaction. */
  format(level: LogLevel, message: string, fields?: LogFields): string {
    const parts = [this.now().toISOString(), level.toUpperCase().padEnd(5), oneLine(message)];
    for (const [key, value] of Object.entries(fields ?? {})) {
      if (value === undefined) continue;
      parts.push(`${key}=${SECRET_FIELD.test(key) ? REDACTED : quote(String(value))}`);
    }
    return `${this.redact(parts.join(' '))}\n`;
  }

  private redact(line: string): string {
    let out = line;
    // Longest first: a password that contains another one is replaced whole.
    for (const secret of [...this.secrets].sort((a, b) => b.length - a.length)) out = out.split(secret).join(REDACTED);
    return out;
  }

  private write(level: LogLevel, message: string, fields?: LogFields): void {
    if (LEVELS[level] < this.minLevel) return;
    const line = this.format(level, message, fields);
    const bytes = Buffer.byteLength(line);
    try {
      if (this.size === undefined) this.size = this.open();
      if (this.size > 0 && this.size + bytes > this.maxBytes) this.rotate(bytes);
      appendFileSync(this.file, line, { mode: 0o600 });
      this.size += bytes;
      this.failed = false;
    } catch (err) {
      // Said once per outage: the log is a witness, never a reason for an action to fail.
      if (!this.failed)
        process.emitWarning(
          `Porthole could not write its log ${this.file}: ${err instanceof Error ? err.message : String(err)}`,
        );
      this.failed = true;
      this.size = undefined;
    }
  }

  /** Makes the folder and file (private to this user) and returns the file's size. */
  private open(): number {
    mkdirSync(this.options.dir, { recursive: true, mode: 0o700 });
    closeSync(openSync(this.file, 'a', 0o600));
    chmodSync(this.file, 0o600);
    return statSync(this.file).size;
  }

  private rotate(incoming: number): void {
    // Another process (the CLI beside the app) may have rotated already: then only take its size.
    const actual = statSync(this.file, { throwIfNoEntry: false })?.size ?? 0;
    if (actual === 0 || actual + incoming <= this.maxBytes) {
      this.size = actual;
      return;
    }
    const paths = this.paths;
    if (paths.length === 1) {
      closeSync(openSync(this.file, 'w', 0o600));
    } else {
      for (let i = paths.length - 1; i > 0; i--) {
        try {
          renameSync(paths[i - 1]!, paths[i]!);
        } catch {
          // A file not made yet.
        }
      }
    }
    this.size = this.open();
  }
}

function oneLine(text: string): string {
  return text.replace(/[\r\n]+/g, ' ⏎ ');
}

function quote(value: string): string {
  const flat = oneLine(value);
  return /^[\w./:@+-]*$/.test(flat) && flat !== '' ? flat : JSON.stringify(flat);
}

/** `$XDG_STATE_HOME/porthole` (`~/.local/state/porthole`), or PORTHOLE_STATE_DIR. */
export function defaultStateDir(env: NodeJS.ProcessEnv, home: string): string {
  return env.PORTHOLE_STATE_DIR ?? join(env.XDG_STATE_HOME ?? join(home, '.local', 'state'), 'porthole');
}
