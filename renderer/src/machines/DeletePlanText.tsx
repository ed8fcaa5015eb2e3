import type { DeletePlan } from '@porthole/api';
import { formatBytes } from '@porthole/api/bytes';

/** What the disk holds: its size on disk, and what its files claim when that differs. */
function Size({ plan }: { plan: DeletePlan }) {
  return (
    <>
      <strong data-testid="delete-size">{formatBytes(plan.allocatedBytes)}</strong> on disk
      {plan.apparentBytes !== plan.allocatedBytes ? ` (its files claim ${formatBytes(plan.apparentBytes)})` : ''}
    </>
  );
}

/** The folder, and the engine's computer it is on when that is not this one. */
function Where({ plan }: { plan: DeletePlan }) {
  return (
    <>
      <code>{plan.path}</code>
      {plan.host ? (
        <>
          {' '}
          on <strong data-testid="delete-host">{plan.host}</strong>
        </>
      ) : null}
    </>
  );
}

/** The plan in words: what goes, what stays. */
export function PlanText({ plan }: { plan: DeletePlan }) {
  const lost = ' Windows, its programs and every file saved inside it are lost and cannot be recovered.';
  switch (plan.kind) {
    case 'folder':
      return (
        <p data-testid="delete-plan">
          This deletes the folder <Where plan={plan} /> and everything in it: <Size plan={plan} />.{lost}
        </p>
      );
    case 'files':
      return (
        <div data-testid="delete-plan">
          <p>
            The folder <Where plan={plan} /> was not made by Porthole for this machine, so only the Windows disk files
            in it are deleted: <Size plan={plan} />.{plan.remove.length > 0 ? lost : ''}
          </p>
          <p>
            Deleted:{' '}
            {plan.remove.length > 0
              ? plan.remove.map((name, i) => (
                  <span key={name}>
                    {i > 0 ? ', ' : ''}
                    <code>{name}</code>
                  </span>
                ))
              : 'nothing (there are no disk files)'}
            .
          </p>
          <p>
            Kept: the folder
            {plan.keep.map((name) => (
              <span key={name}>
                , <code>{name}</code>
              </span>
            ))}
            .
          </p>
        </div>
      );
    case 'missing':
      return (
        <p data-testid="delete-plan">
          The folder <Where plan={plan} /> does not exist: there is no disk to delete. Only the machine leaves Porthole.
        </p>
      );
    case 'refused':
      return (
        <div className="failure" role="alert" data-testid="delete-plan">
          {plan.reason} Porthole deletes nothing there: go back and keep the disk, then remove the files you no longer
          need by hand.
        </div>
      );
  }
}
