import { describe, expect, it } from 'vitest';
import { parseDockerHost } from './docker-host';
import { sshArgs } from './ssh';

describe('ssh:// engines', () => {
  it('reads user, host and port; refuses a path, a password or an option-like host, never echoing the password', () => {
    expect(parseDockerHost('ssh://me@box:2222')).toEqual({ kind: 'ssh', host: 'box', port: 2222, user: 'me' });
    expect(parseDockerHost('ssh://box')).toEqual({ kind: 'ssh', host: 'box', port: undefined, user: undefined });
    expect(parseDockerHost('ssh://me@[::1]:22')).toMatchObject({ kind: 'ssh', host: '::1', port: 22 });
    expect(parseDockerHost('ssh://me@box/var/run/docker.sock')).toMatchObject({
      kind: 'unusable',
      reason: expect.stringMatching(/has a path/),
    });
    const withPassword = parseDockerHost('ssh://me:hunter2@box');
    expect(withPassword).toMatchObject({ kind: 'unusable', reason: expect.stringMatching(/holds a password/) });
    expect(JSON.stringify(withPassword)).not.toContain('hunter2');
    expect(parseDockerHost('ssh://-oProxyCommand=x')).toMatchObject({ kind: 'unusable' });
  });

  it('runs ssh with an argument array: batch mode, the host after "--", the remote command last', () => {
    expect(
      sshArgs({ host: 'box', port: 2222, user: 'me', configFile: '/c' }, ['docker', 'system', 'dial-stdio']),
    ).toEqual([
      '-F',
      '/c',
      '-o',
      'BatchMode=yes',
      '-p',
      '2222',
      '-l',
      'me',
      '--',
      'box',
      'docker',
      'system',
      'dial-stdio',
    ]);
    expect(sshArgs({ host: 'box' }, ['true'])).toEqual(['-o', 'BatchMode=yes', '--', 'box', 'true']);
    // A port forward: ssh's own options before "--", no remote command.
    expect(sshArgs({ host: 'box', configFile: '/c' }, [], ['-W', '127.0.0.1:8006'])).toEqual([
      '-F',
      '/c',
      '-W',
      '127.0.0.1:8006',
      '-o',
      'BatchMode=yes',
      '--',
      'box',
    ]);
  });
});
