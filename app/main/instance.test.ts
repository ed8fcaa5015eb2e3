import { describe, expect, it } from 'vitest';
import { actOnArgs, parseArgs, secondInstanceArgv, type InstanceActions } from './instance';

function recorder(): InstanceActions & { log: string[] } {
  const log: string[] = [];
  return {
    log,
    start: (id) => log.push(`start ${id}`),
    stop: (id) => log.push(`stop ${id}`),
    showScreen: (id) => log.push(`screen ${id}`),
    showMainWindow: () => log.push('show'),
    reportProblems: (p) => log.push(`problems ${p.join('|')}`),
  };
}

describe('parseArgs', () => {
  it('reads our flags from a dev argv (electron, app path) and a packaged one', () => {
    expect(parseArgs(['/x/electron', '/work/main', '--start', 'win11'])).toMatchObject({ start: ['win11'], hidden: false });
    expect(parseArgs(['/opt/Porthole/porthole', '--stop=win11', '--hidden'])).toMatchObject({ stop: ['win11'], hidden: true });
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
    expect(secondInstanceArgv(['mangled'], { argv: ['porthole', '--start', 'a'] })).toEqual(['porthole', '--start', 'a']);
    expect(secondInstanceArgv(['porthole', '--hidden'], { argv: [1, 2] })).toEqual(['porthole', '--hidden']);
    expect(secondInstanceArgv(['porthole'], null)).toEqual(['porthole']);
  });
});

