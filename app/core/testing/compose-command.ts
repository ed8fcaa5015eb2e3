import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const exec = promisify(execFile);

/** Compose as installed here: the v2 plugin (`docker compose`) or Debian's `docker-compose`. */
export async function composeCommand(): Promise<string[]> {
  for (const command of [['docker', 'compose'], ['docker-compose']]) {
    const ok = await exec(command[0]!, [...command.slice(1), 'version']).then(
      () => true,
      () => false,
    );
    if (ok) return command;
  }
  throw new Error(
    'Neither "docker compose" nor "docker-compose" is installed: apt-get install docker-compose (Debian), then run this test again.',
  );
}
