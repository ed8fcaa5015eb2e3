import { run } from './main';

/**
 * Ends the process with `code` once everything written to standard output and error has left it.
 * process.exit() straight after writing drops what a pipe had not taken yet (`porthole … | next`
 * got 64 KiB of a 631 KB answer); a write's callback runs once that write, and every one before it,
 * is handed to the system.
 */
function exitWhenWritten(code: number): void {
  let pending = 2;
  const done = (err?: Error | null): void => {
    // The write's callback can hear of a closed reader before the stream's error event does.
    if ((err as NodeJS.ErrnoException | null | undefined)?.code === 'EPIPE') readerGone();
    if (--pending === 0) process.exit(code);
  };
  process.stdout.write('', done);
  process.stderr.write('', done);
}

/**
 * A reader that closed early (`porthole machines | head -1`) wants no more: end at once and quietly,
 * with the status of a program ended by SIGPIPE (128 + 13), as other command-line tools do.
 */
function readerGone(): never {
  process.exit(141);
}

for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') readerGone();
    throw err;
  });
}

run(
  process.argv.slice(2),
  (s) => process.stdout.write(s),
  (s) => process.stderr.write(s),
).then(
  (code) => exitWhenWritten(code),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
    exitWhenWritten(1);
  },
);
