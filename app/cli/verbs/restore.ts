import { confirmationNeededJson } from '../output-json';
import { UsageError } from '../options';
import { terminalSafe as safe } from '../terminal-safe';
import { followSnapshotProgress, pickSnapshot, restoreQuestion } from './snapshot';
import type { Verb } from './verb';

export const verb: Verb = {
  usage:
    "  restore ID SNAPSHOT --yes   Put the snapshot's disk back (machine stopped): every change since the\n" +
    '                              snapshot is lost; without --yes it only says what would be lost\n',
  async run({ positionals, values, json, backend, call, print, out, err, complain, needId }) {
    const target = needId();
    const second = positionals[2];
    if (!second)
      throw new UsageError(
        `"porthole restore" needs a machine id and a snapshot's id or name. "porthole snapshots ${target}" lists them.`,
      );
    const snapshot = pickSnapshot(await call('listSnapshots', { id: target }), second, target);
    if (!values.yes) {
      // Asks first: says what would be lost, changes nothing. The backend refuses without the confirmation too.
      const question = restoreQuestion(snapshot);
      if (json) out(confirmationNeededJson(question));
      else complain(`${question}\nRun it again with --yes to restore. Nothing was changed.\n`);
      return 1;
    }
    const stopProgress = json ? () => undefined : followSnapshotProgress(backend, target, err);
    try {
      const result = await call('restoreSnapshot', { id: target, snapshotId: snapshot.id, confirmLoss: true });
      print(
        result,
        () =>
          `Restored ${target} to snapshot ${result.snapshot.id} “${safe(result.snapshot.name)}” (${result.restored.join(', ')}${result.removed.length ? `; removed ${result.removed.join(', ')}, made after it` : ''}).\n`,
      );
    } finally {
      stopProgress();
    }
    return 0;
  },
};
