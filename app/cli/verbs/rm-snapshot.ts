import { UsageError } from '../options';
import { terminalSafe as safe } from '../terminal-safe';
import { pickSnapshot } from './snapshot';
import type { Verb } from './verb';

export const verb: Verb = {
  usage: '  rm-snapshot ID SNAPSHOT     Delete one snapshot (SNAPSHOT: its id, or its name where no other has it)\n',
  async run({ positionals, call, print, needId }) {
    const target = needId();
    const second = positionals[2];
    if (!second)
      throw new UsageError(
        `"porthole rm-snapshot" needs a machine id and a snapshot's id or name. "porthole snapshots ${target}" lists them.`,
      );
    const snapshot = pickSnapshot(await call('listSnapshots', { id: target }), second, target);
    const result = await call('deleteSnapshot', { id: target, snapshotId: snapshot.id });
    print(result, () => `Deleted snapshot ${snapshot.id} “${safe(snapshot.name)}” of ${target}.\n`);
    return 0;
  },
};
