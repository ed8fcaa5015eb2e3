// What every benchmark's run.mjs does: bring up the test bed when it needs the engine (the engine, the
// stand-in image), bundle its TypeScript into out/bench (Node 20 cannot run TypeScript itself) and run it.
import { spawn } from 'node:child_process';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bundleNode } from '../../scripts/bundle-node.mjs';

export const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Runs a program without a shell; resolves with its stdout (its stderr shows as it comes). */
function run(command, args) {
  return new Promise((done, fail) => {
    const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (chunk) => (out += chunk));
    child.on('error', fail);
    child.on('close', (code) =>
      code === 0 ? done(out) : fail(new Error(`${command} ${args.join(' ')} exited with ${code}`)),
    );
  });
}

/**
 * Bundles `entry` (a .ts file) into out/bench/<name>.mjs and runs it with `args` and this process's own
 * arguments; with `engine`, first the test bed, and the stand-in image's tag goes in as `--image <tag>`.
 * Exits with the benchmark's exit code.
 * @param {{ name: string, entry: string, engine?: boolean, args?: string[] }} options
 */
export async function runBench({ name, entry, engine = false, args = [] }) {
  const bundle = join(root, 'out', 'bench', `${name}.mjs`);
  const extra = [...args];
  if (engine) {
    await run('bash', [join(root, 'e2e', 'testbed', 'ensure-testbed.sh')]);
    const image =
      process.env.PORTHOLE_STANDIN_IMAGE ??
      (await run('bash', [join(root, 'e2e', 'guest', 'build.sh')])).trim().split('\n').at(-1);
    extra.push('--image', image);
  }
  await bundleNode({ entryPoints: [entry], outfile: bundle });
  const child = spawn(process.execPath, [bundle, ...extra, ...process.argv.slice(2)], { cwd: root, stdio: 'inherit' });
  child.on('close', (code) => process.exit(code ?? 1));
}
