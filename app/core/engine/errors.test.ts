import { describe, expect, it } from 'vitest';
import { describeEngineError } from './errors';

/** dockerode's error for a 409, as the engine gives it. */
function engine409(json: string): Error {
  return Object.assign(new Error(`(HTTP code 409) unexpected - ${json}`), { statusCode: 409 });
}

describe('engine conflicts (409) in plain words', () => {
  it('a taken container name says whose name it is and what to do, without the HTTP code', () => {
    const err = describeEngineError(
      engine409(
        'Conflict. The container name "/porthole-win11-0123ab" is already in use by container "f00d". You have to remove (or rename) that container to be able to reuse that name.',
      ),
      'unix:///var/run/docker.sock',
    );
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toBe(
      'Another container already has the name “porthole-win11-0123ab” that this machine’s container needs.',
    );
    expect(err.remedy).toMatch(/docker compose down/);
    expect(err.message).not.toMatch(/HTTP code/);
  });

  it('any other conflict keeps the engine’s words but not the HTTP code', () => {
    const err = describeEngineError(engine409('{"message":"removal of container f00d is already in progress"}'), 'x');
    expect(err.code).toBe('CONFLICT');
    expect(err.message).toBe(
      'The container is busy with another operation: removal of container f00d is already in progress',
    );
    expect(err.remedy).toBeTruthy();
  });
});
