// The benchmarks' boot ISO: the test ISO made with `--shell`, so that the VM always lands at the
// `iPXE>` prompt by itself (a deterministic prompt, no Ctrl+B race). Kept apart from the e2e
// tests' ISO (e2e/.artifacts/test.iso), whose boot they read as it is.
import { execFile } from 'node:child_process';
import { mkdir } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const repo = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Makes (once; the script is idempotent) and returns the path of the shell ISO. */
export async function ensureShellIso(): Promise<string> {
  const out = join(repo, 'e2e', '.artifacts', 'bench-shell.iso');
  await mkdir(dirname(out), { recursive: true });
  await run('bash', [join(repo, 'e2e', 'testbed', 'make-test-iso.sh'), '--shell', out]);
  return out;
}
