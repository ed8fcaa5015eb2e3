import { PortholeError } from '../../api';

/** Turns a dockerode / socket error into a message a person can act on. */
export function describeEngineError(err: unknown, endpoint: string): PortholeError {
  if (err instanceof PortholeError) return err;
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
      'Add yourself to the docker group (sudo usermod -aG docker $USER, then log in again) or use rootless Docker or Podman.',
    );
  }
  if (message.startsWith('Max redirects exceeded')) {
    return new PortholeError('ENGINE_ERROR', `The container engine at ${endpoint} answered with a redirect, which Porthole never follows.`);
  }
  const status = statusOf(err);
  const json = extractEngineMessage(message);
  if (status === 404) return new PortholeError('NOT_FOUND', json);
  if (status === 409) return new PortholeError('CONFLICT', json);
  return new PortholeError('ENGINE_ERROR', `The container engine refused: ${json}`);
}

function extractEngineMessage(message: string): string {
  const match = /\{"message":"(.*)"\}/.exec(message);
  return match?.[1] ?? message;
}

export function statusOf(err: unknown): number | undefined {
  if (typeof err === 'object' && err !== null && 'statusCode' in err) {
    const code = (err as { statusCode: unknown }).statusCode;
    return typeof code === 'number' ? code : undefined;
  }
  return undefined;
}
