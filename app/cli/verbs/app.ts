import { resolve } from 'node:path';
import { pickApp } from '../apps-format';
import { UsageError } from '../options';
import { terminalSafe as safe } from '../terminal-safe';
import type { Verb, VerbContext } from './verb';

export const verb: Verb = {
  usage:
    '  app ID PROGRAM [FILE]       Open one program in its own window (FreeRDP RemoteApp); PROGRAM is its id or\n' +
    "                              name; FILE must be in the machine's shared folder. A stopped machine starts first\n",
  async run(ctx) {
    const { positionals, call, print } = ctx;
    const target = ctx.needId();
    const [, , wanted, file] = positionals;
    if (!wanted) throw new UsageError(`"porthole app" needs a program: "porthole apps ${target}" lists them.`);
    const app = pickApp((await call('listApps', { id: target })).apps, wanted);
    const stopProgress = followStartProgress(ctx, target);
    try {
      const result = await call('launchApp', { id: target, app: app.id, ...(file ? { file: resolve(file) } : {}) });
      print(result, () =>
        result.launched
          ? `Opened ${safe(app.name)} from ${target} in ${result.client}\n`
          : `${result.fix?.text ?? 'No FreeRDP found.'}\n${(result.fix?.commands ?? []).map((c) => `  ${c}`).join('\n')}\n`,
      );
      return result.launched ? 0 : 1;
    } finally {
      stopProgress();
    }
  },
};

/** A stopped machine starts first: says what it is doing meanwhile (not with --json); returns the unsubscribe. */
function followStartProgress({ backend, json, say }: VerbContext, target: string): () => void {
  let said = '';
  return backend.subscribe((e) => {
    if (json || e.event !== 'machineChanged' || e.payload.id !== target) return;
    const message = e.payload.status.message;
    if (message && message !== said) say(`${safe((said = message))}\n`);
  });
}
