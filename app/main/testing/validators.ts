// Runs a Debian command-line validator for a unit test (not part of the app bundle).
import { execFileSync } from 'node:child_process';

/** Runs the tool; a missing tool fails the test with the command that installs it, never skips. */
export function runValidator(tool: string, args: string[], debianPackage: string): string {
  try {
    return execFileSync(tool, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stdout?: string; stderr?: string };
    if (e.code === 'ENOENT') {
      throw new Error(
        `${tool} is not installed, so this file cannot be checked. Install it: sudo apt-get install -y ${debianPackage}`,
      );
    }
    throw new Error(`${tool} ${args.join(' ')} failed:\n${e.stdout ?? ''}${e.stderr ?? ''}`);
  }
}
