import { describe, expect, it } from 'vitest';
import {
  ErrorTrail,
  interpretLogLine,
  interpretStatusMessage,
  messageFromHtml,
  percentIn,
  stripAnsi,
} from './log-signals';

const marker = /PORTHOLE-INSTALLED/;

describe('interpretLogLine (lines as the image prints them)', () => {
  const cases: Array<[string, ReturnType<typeof interpretLogLine>]> = [
    ['❯ Starting Windows for Docker v6.05...', { kind: 'starting' }],
    ['\u001b[1;34m❯ \u001b[1;36mStarting Windows for Podman v6.05...\u001b[0m', { kind: 'starting' }],
    ['❯ Booting Windows using QEMU v11.1.0...', { kind: 'booting' }],
    ['❯ Booting Windows (legacy) using QEMU v7.2.0...', { kind: 'booting' }],
    ['❯ Windows started successfully, visit http://127.0.0.1:8006/ to view the screen...', { kind: 'started' }],
    ['❯ Windows started succesfully, visit http://localhost:8006/ to view the screen...', { kind: 'started' }],
    ['BdsDxe: loading Boot0001 "UEFI QEMU DVD-ROM QM00013 " from PciRoot(0x0)', { kind: 'firmware-boot' }],
    ['PORTHOLE-INSTALLED WIN-ABC', { kind: 'install-marker' }],
    ['❯ Received SIGTERM signal, sending ACPI shutdown signal...', { kind: 'stopping' }],
    ['❯ Waiting for Windows to shut down... (3/100)', { kind: 'shutdown-step', step: 3, of: 100 }],
    ['❯ Windows is still running, sending SIGTERM... (7/10)', { kind: 'shutdown-step', step: 7, of: 10 }],
    ['❯ Shutdown completed!', { kind: 'shutdown-done' }],
    [
      '❯ ERROR: KVM acceleration is not available (not enabled in BIOS), this will cause a major loss of performance.',
      {
        kind: 'error',
        text: 'KVM acceleration is not available (not enabled in BIOS), this will cause a major loss of performance.',
      },
    ],
    ['❯ Warning: the TUN device is missing', { kind: 'warning', text: 'the TUN device is missing' }],
    ['error: kvm run failed Bad address  KVM internal error. Suberror: 1', { kind: 'kvm-internal-error' }],
    ['random qemu chatter', null],
    ['', null],
  ];
  it.each(cases)('%s', (line, expected) => {
    expect(interpretLogLine(line, marker)).toEqual(expected);
  });
});

describe('status messages', () => {
  it('reads s: and c: messages', () => {
    expect(interpretStatusMessage('s: Downloading Windows 11 (12.3%)...')).toEqual({
      kind: 'message',
      text: 'Downloading Windows 11 (12.3%)...',
      fraction: expect.closeTo(0.123, 6),
    });
    expect(interpretStatusMessage('s: Creating a disk image...')).toEqual({
      kind: 'message',
      text: 'Creating a disk image...',
      fraction: undefined,
    });
    expect(interpretStatusMessage('s: <p class="loading">Downloading Windows 11 (50%)</p>')).toEqual({
      kind: 'message',
      text: 'Downloading Windows 11 (50%)...',
      fraction: 0.5,
    });
    expect(interpretStatusMessage('c: vnc')).toEqual({ kind: 'screen-ready' });
    expect(interpretStatusMessage('c: other')).toBeNull();
    expect(interpretStatusMessage('x: what')).toBeNull();
  });
  it('takes the percentage only when it is one', () => {
    expect(percentIn('Downloading Windows 11 (1.2 GB)...')).toBeUndefined();
    expect(percentIn('Extracting Windows 11 image (100%)...')).toBe(1);
    expect(percentIn('(250%)')).toBeUndefined();
  });
  it('reads /msg.html fragments and strips colour codes', () => {
    expect(messageFromHtml('<p>Downloading&nbsp;Windows &amp; more...</p>\n')).toBe('Downloading Windows & more...');
    expect(stripAnsi('\u001b[31mred\u001b[0m')).toBe('red');
  });
});

describe('ErrorTrail (the error a failed machine shows)', () => {
  const feed = (trail: ErrorTrail, lines: string[]): void => {
    for (const line of lines) trail.push(line, interpretLogLine(line, marker));
  };
  it('keeps consecutive ERROR lines together, so the cause is not lost behind the FAQ hint', () => {
    const trail = new ErrorTrail();
    feed(trail, [
      '❯ Starting Windows for Docker v6.05...',
      '\u001b[1;31m❯ ERROR: KVM acceleration is not available (not enabled in BIOS), this will cause a major loss of performance.\u001b[0m',
      '\u001b[1;31m❯ ERROR: See the FAQ for possible causes, or disable acceleration by adding the "KVM=N" variable (not recommended).\u001b[0m',
    ]);
    expect(trail.text).toBe(
      'KVM acceleration is not available (not enabled in BIOS), this will cause a major loss of performance. See the FAQ for possible causes, or disable acceleration by adding the "KVM=N" variable (not recommended).',
    );
  });
  it('starts over after any other line, and can be set or reset', () => {
    const trail = new ErrorTrail();
    feed(trail, ['❯ ERROR: first', 'qemu chatter', '❯ ERROR: second', '']);
    expect(trail.text).toBe('second');
    trail.set('The container ran out of memory.');
    expect(trail.text).toBe('The container ran out of memory.');
    trail.reset();
    expect(trail.text).toBeUndefined();
  });
});
