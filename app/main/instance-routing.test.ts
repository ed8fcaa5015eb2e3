import { describe, expect, it } from 'vitest';
import {
  actOnArgs,
  handedLaunch,
  parseArgs,
  routeArgv,
  secondInstanceArgv,
  type InstanceActions,
} from './instance-routing';

function recorder(): InstanceActions & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    start: (id) => log.push(`start ${id}`),
    stop: (id) => log.push(`stop ${id}`),
    showScreen: (id) => log.push(`screen ${id}`),
    showMainWindow: () => log.push('show'),
    reportProblems: (p) => log.push(`problems ${p.join('|')}`),
    launchApp: (l) => log.push(`launch ${l.machine} ${l.app}${l.file ? ` ${l.file}` : ''}`),
  };
}

describe('parseArgs', () => {
  it('reads our flags from a dev argv (electron, app path) and a packaged one', () => {
    expect(parseArgs(['/x/electron', '/work/main', '--start', 'win11'])).toMatchObject({
      start: ['win11'],
      hidden: false,
    });
    expect(parseArgs(['/opt/Porthole/porthole', '--stop=win11', '--hidden'])).toMatchObject({
      stop: ['win11'],
      hidden: true,
    });
  });

  it('takes several machines and drops duplicates', () => {
    const args = parseArgs(['porthole', '--start', 'a', '--start=b', '--start', 'a', '--screen', 'b']);
    expect(args.start).toEqual(['a', 'b']);
    expect(args.screen).toEqual(['b']);
  });

  it('ignores Chromium switches and anything else', () => {
    const args = parseArgs(['porthole', '--no-sandbox', '--enable-features=X', '--inspect=0', 'stray', '--hidden']);
    expect(args).toEqual({ start: [], stop: [], screen: [], hidden: true, problems: [] });
  });

  it('reports a flag without a machine id, or with one that is not valid', () => {
    const args = parseArgs(['porthole', '--start', '--hidden', '--stop', 'Bad Id!', '--screen']);
    expect(args.start).toEqual([]);
    expect(args.stop).toEqual([]);
    expect(args.hidden).toBe(true);
    expect(args.problems).toEqual([
      '--start needs a machine id',
      '--stop needs a machine id, not "Bad Id!"',
      '--screen needs a machine id',
    ]);
  });

  it('stops at --', () => {
    expect(parseArgs(['porthole', '--', '--start', 'a']).start).toEqual([]);
  });
});

describe('acting on the arguments', () => {
  it('first launch: carries out the requests and shows the window', () => {
    const r = recorder();
    actOnArgs(parseArgs(['porthole', '--start', 'a', '--screen', 'b']), r, { secondInstance: false });
    expect(r.log).toEqual(['start a', 'screen b', 'show']);
  });

  it('first launch with --hidden (autostart): no window', () => {
    const r = recorder();
    actOnArgs(parseArgs(['porthole', '--hidden']), r, { secondInstance: false });
    expect(r.log).toEqual([]);
  });

  it('second instance without arguments focuses the first one’s window', () => {
    const r = recorder();
    actOnArgs(parseArgs(['porthole']), r, { secondInstance: true });
    expect(r.log).toEqual(['show']);
  });

  it('second instance from a script (--start/--stop only) acts without raising the window', () => {
    const r = recorder();
    actOnArgs(parseArgs(['porthole', '--stop', 'a']), r, { secondInstance: true });
    expect(r.log).toEqual(['stop a']);
  });

  it('reports problems', () => {
    const r = recorder();
    actOnArgs(parseArgs(['porthole', '--start']), r, { secondInstance: true });
    expect(r.log).toEqual(['problems --start needs a machine id', 'show']);
  });

  it('prefers the argv sent as additionalData (Chromium may rewrite the forwarded argv)', () => {
    expect(secondInstanceArgv(['mangled'], { argv: ['porthole', '--start', 'a'] })).toEqual([
      'porthole',
      '--start',
      'a',
    ]);
    expect(secondInstanceArgv(['porthole', '--hidden'], { argv: [1, 2] })).toEqual(['porthole', '--hidden']);
    expect(secondInstanceArgv(['porthole'], null)).toEqual(['porthole']);
  });
});

describe('routing one executable: CLI verb, app launch or GUI', () => {
  const packaged = { defaultApp: false };
  it('a CLI verb runs the CLI with everything from the verb on, in a packaged and a dev argv', () => {
    expect(routeArgv(['/opt/Porthole/porthole', 'check', '--json'], packaged)).toEqual({
      kind: 'cli',
      argv: ['check', '--json'],
    });
    expect(routeArgv(['/x/electron', '/work/main', 'machines'], { defaultApp: true })).toEqual({
      kind: 'cli',
      argv: ['machines'],
    });
    expect(routeArgv(['/x/electron', '--inspect=0', '/work/main', 'check'], { defaultApp: true })).toEqual({
      kind: 'cli',
      argv: ['check'],
    });
    expect(routeArgv(['/opt/Porthole/porthole', '--json', 'snapshot', 'win11'], packaged)).toEqual({
      kind: 'cli',
      argv: ['--json', 'snapshot', 'win11'],
    });
    expect(routeArgv(['/opt/Porthole/porthole', '--no-sandbox', 'apps', 'win11'], packaged)).toEqual({
      kind: 'cli',
      argv: ['apps', 'win11'],
    });
    expect(routeArgv(['porthole', '--help'], packaged)).toEqual({ kind: 'cli', argv: ['--help'] });
  });

  it('a launcher’s app MACHINE APP [FILE] is an app launch, for the running instance', () => {
    expect(routeArgv(['/opt/Porthole/porthole', 'app', 'office', '3561ec4a8629'], packaged)).toEqual({
      kind: 'app',
      argv: ['app', 'office', '3561ec4a8629'],
      launch: { machine: 'office', app: '3561ec4a8629' },
    });
    expect(
      routeArgv(['/home/me/P.AppImage', 'app', 'office', 'notepad', '/home/me/Shared/a.txt'], packaged),
    ).toMatchObject({
      kind: 'app',
      launch: { machine: 'office', app: 'notepad', file: '/home/me/Shared/a.txt' },
    });
    // Incomplete or with options: the CLI answers (usage, --json output) in this process.
    expect(routeArgv(['porthole', 'app', 'office'], packaged)).toEqual({ kind: 'cli', argv: ['app', 'office'] });
    expect(routeArgv(['porthole', 'app', 'office', 'notepad', '--json'], packaged).kind).toBe('cli');
  });

  it('the GUI otherwise: no words, our flags and their values, Chromium switches, an unknown word', () => {
    for (const argv of [
      ['/opt/Porthole/porthole'],
      ['/opt/Porthole/porthole', '--hidden'],
      ['/opt/Porthole/porthole', '--start', 'check'],
      ['/opt/Porthole/porthole', '--screen=check'],
      ['/x/electron', '/work/main', '--start', 'win11'],
      ['/x/electron', '--inspect=0', '--remote-debugging-port=0', '/work/main', '--no-sandbox'],
      ['/x/electron', 'check'], // the app folder is called check: still the GUI
      ['/opt/Porthole/porthole', '--enable-features=X', 'stray'],
      ['/opt/Porthole/porthole', '--', 'check'],
    ]) {
      expect(routeArgv(argv, { defaultApp: argv[0] === '/x/electron' }), argv.join(' ')).toEqual({ kind: 'gui' });
    }
  });

  it('a handed-over FILE is taken from the second instance’s folder', () => {
    const route = routeArgv(['porthole', 'app', 'office', 'notepad', 'docs/a.txt'], packaged);
    expect(handedLaunch(route, '/home/me/Shared')).toEqual({
      machine: 'office',
      app: 'notepad',
      file: '/home/me/Shared/docs/a.txt',
    });
    expect(handedLaunch(routeArgv(['porthole'], packaged), '/')).toBeUndefined();
  });

  it('a launch opens the program and does not raise the main window', () => {
    const r = recorder();
    actOnArgs({ ...parseArgs(['porthole']), launch: { machine: 'office', app: 'notepad' } }, r, {
      secondInstance: true,
    });
    expect(r.log).toEqual(['launch office notepad']);
  });
});
