import { PortholeError } from '../../api';
import { EngineDeadlineError } from './deadlines';

/** Turns a dockerode / socket error into a message a person can act on. */
export function describeEngineError(err: unknown, endpoint: string): PortholeError {
  if (err instanceof PortholeError) return err;
  if (err instanceof EngineDeadlineError) {
    return new PortholeError(
      'ENGINE_UNAVAILABLE',
      err.message,
      'The engine accepts connections but does not answer: it is starting, overloaded or stuck. Wait a moment and try again; if it stays so, restart it (for Docker: sudo systemctl restart docker). "porthole check" says which engine Porthole uses.',
    );
  }
  const code = typeof err === 'object' && err !== null && 'code' in err ? String((err as { code: unknown }).code) : '';
  const message = err instanceof Error ? err.message : String(err);
  if (code === 'ENOENT' || code === 'ECONNREFUSED') {
    return new PortholeError(
      'ENGINE_UNAVAILABLE',
      `No container engine answers at ${endpoint}.`,
      'Start the engine (for Docker: sudo systemctl start docker), or install one; "porthole check" says which.',
    );
  }
  if (code === 'EACCES') {
    return new PortholeError(
      'ENGINE_UNAVAILABLE',
      `Permission denied on ${endpoint}.`,
      'Use rootless Docker or Podman, which run as you; "porthole check" says how. (Joining the docker group also works, but gives full root control of this computer.)',
    );
  }
  if (message.startsWith('Max redirects exceeded')) {
    return new PortholeError(
      'ENGINE_ERROR',
      `The container engine at ${endpoint} answered with a redirect, which Porthole never follows.`,
    );
  }
  const status = statusOf(err);
  const json = extractEngineMessage(message);
  if (status === 404) return new PortholeError('NOT_FOUND', json);
  if (status === 409) return conflict(json);
  return new PortholeError('ENGINE_ERROR', `The container engine refused: ${json}`);
}

function extractEngineMessage(message: string): string {
  const match = /\{"message":"(.*)"\}/.exec(message);
  // dockerode's "(HTTP code 409) unexpected - " says nothing a person can act on.
  return (match?.[1] ?? message).replace(/^\(HTTP code \d+\)\s*[^-]*-\s*/, '');
}

/** The engine's 409s in plain words: what is in the way, and what to do about it. */
export function conflict(engineText: string): PortholeError {
  const name = /container name "\/?([^"]+)" is already in use/.exec(engineText);
  if (name) {
    return new PortholeError(
      'CONFLICT',
      `Another container already has the name “${name[1]}” that this machine’s container needs.`,
      `If it is a copy of this machine run from an exported compose file, stop it with "docker compose down" in that file’s folder; otherwise remove or rename it (docker rm ${name[1]}).`,
    );
  }
  if (/is (already )?(in progress|running|paused|restarting)|is not (running|paused)/i.test(engineText)) {
    return new PortholeError(
      'CONFLICT',
      `The container is busy with another operation: ${engineText}`,
      'Wait a moment and try again.',
    );
  }
  return new PortholeError(
    'CONFLICT',
    `The container engine refused because something is in the way: ${engineText}`,
    'Wait a moment and try again; "porthole logs" shows what the machine did.',
  );
}

export function statusOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'statusCode' in err) {
    const code = (err as { statusCode: unknown }).statusCode;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}
