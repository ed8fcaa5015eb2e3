import { describe, expect, it } from 'vitest';
import type { AppList, WindowsApp } from '../api';
import { formatApps, pickApp } from './apps-format';

const app = (id: string, name: string, inMenu = false): WindowsApp => ({
  id,
  name,
  target: 'C:\\x.exe',
  args: '',
  source: 'uwp',
  icon: null,
  inMenu,
});
const list = (apps: WindowsApp[], extra: Partial<AppList> = {}): AppList => ({
  state: 'ok',
  folder: '/s/.porthole/apps',
  written: null,
  apps,
  warnings: [],
  ...extra,
});

describe('porthole apps / app', () => {
  it('prints one program a line with its id, and the warnings', () => {
    expect(
      formatApps(
        list([app('aaaaaaaaaaaa', 'Notepad', true), app('bbbbbbbbbbbb', 'Calculator')], {
          warnings: ['entry 3 was left out: x.'],
        }),
      ),
    ).toBe(
      'aaaaaaaaaaaa  Notepad     uwp  (in the app menu)\nbbbbbbbbbbbb  Calculator  uwp\nWarning: entry 3 was left out: x.\n',
    );
  });

  it('says what the list waits for', () => {
    expect(formatApps(list([], { state: 'not-written' }))).toBe(
      'Windows has not listed its programs yet: it writes the list after you sign in for the first time.\n(Porthole reads it from /s/.porthole/apps.)\n',
    );
  });

  it('picks a program by id, else by name in any case, and refuses an unknown or ambiguous name', () => {
    const apps = [app('aaaaaaaaaaaa', 'Notepad'), app('bbbbbbbbbbbb', 'Word'), app('cccccccccccc', 'word')];
    expect(pickApp(apps, 'bbbbbbbbbbbb').name).toBe('Word');
    expect(pickApp(apps, 'NOTEPAD').id).toBe('aaaaaaaaaaaa');
    expect(() => pickApp(apps, 'Word')).toThrow(/2 programs are called "Word"/);
    expect(() => pickApp(apps, 'Excel')).toThrow(/No program called "Excel"/);
  });
});
