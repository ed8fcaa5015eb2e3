// What a second start of the executable hands over (single-instance.ts), with a fake Electron app.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { LaunchArgs } from './instance-routing';
import { fakeElectron, type FakeElectron } from './testing/fake-electron';

const electron: FakeElectron = vi.hoisted(() => ({}) as FakeElectron);
vi.mock('electron', async () => {
  const { fakeElectron: make } = await import('./testing/fake-electron');
  return Object.assign(electron, make());
});

const { handedArgs, SecondInstances } = await import('./single-instance');

beforeEach(() => {
  Object.assign(electron, fakeElectron());
});

describe('a second instance’s arguments', () => {
  it('come from its additionalData when well-formed, with an app launch’s file taken from its folder', () => {
    const args = handedArgs(
      ['mangled'],
      '/home/me',
      { argv: ['/usr/bin/porthole', 'app', 'win11', 'Notepad', 'a.txt'] },
      false,
    );
    expect(args.launch).toEqual({ machine: 'win11', app: 'Notepad', file: '/home/me/a.txt' });
    expect(handedArgs(['/usr/bin/porthole', '--screen', 'win11'], '/', { argv: 'no' }, false)).toMatchObject({
      screen: ['win11'],
      hidden: false,
    });
    expect(handedArgs(['/usr/bin/porthole'], '/', null, false)).not.toHaveProperty('launch');
  });
});

describe('the hand-over', () => {
  it('keeps what comes while starting, then hands each over as it comes', () => {
    const handover = new SecondInstances();
    handover.listen();
    electron.app.emit('second-instance', {}, ['x'], '/', { argv: ['porthole', '--start', 'win11'] });
    electron.app.emit('second-instance', {}, ['x'], '/', { argv: ['porthole', '--stop', 'win11'] });
    const seen: LaunchArgs[] = [];
    handover.handle((args) => seen.push(args));
    expect(seen.map((a) => [a.start, a.stop])).toEqual([
      [['win11'], []],
      [[], ['win11']],
    ]);
    electron.app.emit('second-instance', {}, ['x'], '/', { argv: ['porthole', '--screen', 'win11'] });
    expect(seen.map((a) => a.screen)).toEqual([[], [], ['win11']]);
  });
});
