import { askYes } from '../confirm';
import { confirmationNeededJson } from '../output-json';
import { formatDeletePlan } from '../output-text';
import { formatSnapshotsAfterDelete } from './snapshot';
import type { Verb, VerbContext } from './verb';

export const verb: Verb = {
  usage:
    '  rm ID [--delete-disk [--yes]]\n' +
    '                              Remove a machine; its disk is kept unless --delete-disk (then only what Porthole\n' +
    "                              made goes: its own folder whole, else only the image's disk files). It says\n" +
    '                              what would be deleted and asks first; --yes deletes without asking\n' +
    '     [--delete-snapshots]     Its snapshots are kept (and where is said) unless --delete-snapshots\n',
  async run(ctx) {
    const { values, call, print } = ctx;
    const target = ctx.needId();
    if (values['delete-disk'] && !values.yes && !(await diskDeleteConfirmed(ctx, target))) return 1;
    const result = await call('deleteMachine', {
      id: target,
      deleteDisk: values['delete-disk'],
      ...(values['delete-snapshots'] ? { deleteSnapshots: true } : {}),
    });
    print(
      result,
      () =>
        (result.disk
          ? `Removed ${target}.\n${formatDeletePlan(result.disk, true)}`
          : `Removed ${target} (its disk is kept)\n`) + formatSnapshotsAfterDelete(result.snapshots),
    );
    return 0;
  },
};

/**
 * Says what would go and asks first; without a terminal to ask on, refuses (and says so). The backend
 * plans again when it deletes. True when there is nothing to ask about, or the answer was yes.
 */
async function diskDeleteConfirmed({ call, json, out, err }: VerbContext, target: string): Promise<boolean> {
  const plan = await call('storageUsage', { id: target });
  if (!((plan.kind === 'folder' || plan.kind === 'files') && plan.remove.length > 0)) return true;
  const question = `Removing ${target} with its disk:\n${formatDeletePlan(plan, false)}`;
  const asked = !json && process.stdin.isTTY === true;
  if (asked && (await askYes(`${question}Delete these? [y/N] `, err))) return true;
  if (json) out(confirmationNeededJson(question.trimEnd(), { plan }));
  else if (asked) err('Nothing was changed.\n');
  else err(`${question}Run it again with --yes to delete them. Nothing was changed.\n`);
  return false;
}
