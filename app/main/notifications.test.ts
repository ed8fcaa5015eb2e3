import { describe, expect, it, vi } from 'vitest';
import { HeldNotifications, MachineNotifier, notificationFor } from './notifications';
import { FakeNotification } from './testing/fake-electron';
import { machine } from './testing/machines';

describe('notificationFor', () => {
  it('says nothing when the engine goes away or comes back: that is no news about the machine', () => {
    expect(notificationFor(machine('w', 'ready'), machine('w', 'unknown'))).toBeNull();
    expect(notificationFor(machine('w', 'unknown'), machine('w', 'ready'))).toBeNull();
    expect(
      notificationFor(
        machine('w', 'unknown'),
        machine('w', 'failed', { failure: { exitCode: 1, cause: 'x', remedy: 'y' } }),
      ),
    ).toBeNull();
  });

  it('says nothing about a machine seen for the first time, or one that did not change phase', () => {
    expect(notificationFor(undefined, machine('w', 'ready'))).toBeNull();
    expect(notificationFor(machine('w', 'ready'), machine('w', 'ready', { message: 'x' }))).toBeNull();
  });

  it('tells when the image has been pulled', () => {
    expect(notificationFor(machine('w', 'pulling', {}, 'Work'), machine('w', 'created', {}, 'Work'))).toMatchObject({
      kind: 'image-pulled',
      title: 'Image downloaded',
      body: 'Work has its image (dockurr/windows:6.05).',
    });
  });

  it('tells when Windows finished installing', () => {
    expect(notificationFor(machine('w', 'installing', {}, 'Work'), machine('w', 'ready', {}, 'Work'))).toMatchObject({
      kind: 'installed',
      title: 'Windows is installed',
    });
  });

  it('says nothing of an install for a machine running an ISO that is not Windows setup', () => {
    expect(notificationFor(machine('w', 'booting'), machine('w', 'running-iso'))).toBeNull();
    expect(notificationFor(machine('w', 'preparing'), machine('w', 'running-iso'))).toBeNull();
  });

  it('tells when an installed machine is ready', () => {
    expect(notificationFor(machine('w', 'booting', {}, 'Work'), machine('w', 'ready', {}, 'Work'))).toMatchObject({
      kind: 'ready',
      title: 'Work is ready',
    });
  });

  it('tells when a running machine stopped without being asked, with the cause', () => {
    const failure = {
      exitCode: 1,
      cause: 'KVM internal error: emulation failure',
      remedy: 'Use software emulation (KVM=N).',
    };
    expect(notificationFor(machine('w', 'ready', {}, 'Work'), machine('w', 'failed', { failure }, 'Work'))).toEqual({
      kind: 'stopped-unexpectedly',
      machineId: 'w',
      title: 'Work stopped unexpectedly',
      body: 'KVM internal error: emulation failure Use software emulation (KVM=N).',
    });
    expect(notificationFor(machine('w', 'ready'), machine('w', 'stopped'))).toMatchObject({
      kind: 'stopped-unexpectedly',
      body: 'Windows shut down, or its container exited.',
    });
  });

  it('says a machine could not start when it failed before running', () => {
    const failure = { exitCode: 88, cause: 'KVM is not enabled in the BIOS', remedy: '' };
    expect(
      notificationFor(machine('w', 'created', {}, 'Work'), machine('w', 'failed', { failure }, 'Work')),
    ).toMatchObject({
      kind: 'failed',
      title: 'Work could not start',
      body: 'KVM is not enabled in the BIOS',
    });
  });

  it('stays quiet about a stop that was asked for', () => {
    expect(notificationFor(machine('w', 'stopping'), machine('w', 'stopped'))).toBeNull();
    expect(notificationFor(machine('w', 'stopped'), machine('w', 'booting'))).toBeNull();
  });
});

describe('MachineNotifier', () => {
  it('compares each change with the last view, and shows only where notifications work', () => {
    const sink = { isSupported: vi.fn(() => true), show: vi.fn() };
    const n = new MachineNotifier(sink);
    n.seed([machine('w', 'installing')]);
    n.changed(machine('w', 'ready'));
    expect(sink.show).toHaveBeenCalledWith(expect.objectContaining({ kind: 'installed' }));
    n.changed(machine('w', 'ready'));
    expect(sink.show).toHaveBeenCalledOnce();
    n.removed('w');
    expect(n.changed(machine('w', 'failed'))).toBeNull();
    sink.isSupported.mockReturnValue(false);
    expect(n.changed(machine('w', 'booting'))).toBeNull();
    expect(n.changed(machine('w', 'ready'))).toMatchObject({ kind: 'ready' });
    expect(sink.show).toHaveBeenCalledOnce();
  });
});

describe('held notifications', () => {
  it('keeps each notification referenced until it is clicked, closed or fails, so its click is not lost', () => {
    const held = new HeldNotifications<FakeNotification>();
    const clicks: string[] = [];
    const [a, b, c] = ['a', 'b', 'c'].map((title) => new FakeNotification({ title }));
    held.show(a!, () => clicks.push('a'));
    held.show(b!, () => clicks.push('b'));
    held.show(c!, () => clicks.push('c'));
    expect(held.size).toBe(3);
    a!.emit('click');
    expect(clicks).toEqual(['a']);
    b!.emit('close');
    c!.emit('failed');
    expect(held.size).toBe(0);
    expect(FakeNotification.shown.map((n) => n.title)).toEqual(expect.arrayContaining(['a', 'b', 'c']));
  });
});
