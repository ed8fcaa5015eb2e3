import { terminalSafe as safe, terminalSafeLogLine } from '../terminal-safe';
import type { Verb } from './verb';

export const verb: Verb = {
  usage:
    "  logs ID [--tail N]          The machine's container log\n" +
    "  logs --app [--tail N]       Porthole's own log: where the file is, then its last lines\n",
  async run({ values, numbers, call, print, needId }) {
    if (values.app) {
      const log = await call('appLog', { tail: numbers.tail ?? 200 });
      print(log, () =>
        log.file
          ? `${safe(log.file)}\n${log.lines.map((l) => `${safe(l)}\n`).join('')}`
          : 'Porthole keeps no log file here.\n',
      );
      return 0;
    }
    const result = await call('machineLogs', { id: needId(), tail: numbers.tail ?? 200 });
    // The container's own lines: colour codes dropped, every other control shown escaped, one line each.
    print(result, () => result.lines.map(terminalSafeLogLine).join('\n') + '\n');
    return 0;
  },
};
