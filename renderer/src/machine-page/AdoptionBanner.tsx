import { useCallback, useEffect, useState } from 'react';
import type { ActionResponse } from '@porthole/api';
import { porthole } from '../api/porthole';
import { errorText } from '../ui/error-text';

type Adoptable = ActionResponse<'adoptableContainers'>[number];

/** What adopting this container means, said as the CLI says it. */
function caveat(c: Adoptable): string {
  if (c.foreign)
    return 'Another Porthole configuration’s: adopting takes it from there, and the next start here replaces its container.';
  if (c.porthole) return 'Made by Porthole; its record was lost. Adopting keeps its machine id.';
  return 'Made by hand: it stays as it is until the next start here replaces it with Porthole’s own container (same disk, env and mounts).';
}

/**
 * "Found N Windows containers Porthole did not create": asked once when the list opens (one engine
 * list call, never repeated on a timer), with Adopt for each and what adopting changed.
 */
export function AdoptionBanner({ machineCount }: { machineCount: number }) {
  const [found, setFound] = useState<Adoptable[]>([]);
  const [busy, setBusy] = useState<string | null>(null);
  const [result, setResult] = useState<{ text: string; warnings: string[]; failed: boolean } | null>(null);
  const load = useCallback(() => {
    porthole()
      .adoptableContainers({})
      .then(setFound, () => setFound([]));
  }, []);
  // Again when a machine comes or goes (an adoption elsewhere, a delete): not on every state change.
  useEffect(load, [load, machineCount]);

  const adopt = async (c: Adoptable): Promise<void> => {
    setBusy(c.containerId);
    try {
      const adopted = await porthole().adoptContainer({ containerId: c.containerId });
      setResult({ text: `Adopted ${c.name} as ${adopted.machine.name}.`, warnings: adopted.warnings, failed: false });
      load();
    } catch (err) {
      setResult({ text: `${c.name} was not adopted: ${errorText(err)}`, warnings: [], failed: true });
    } finally {
      setBusy(null);
    }
  };

  if (found.length === 0 && !result) return null;
  const handMade = found.filter((c) => !c.porthole).length;
  const own = found.length - handMade;
  const title = [
    handMade > 0 ? `Found ${handMade} Windows container${handMade === 1 ? '' : 's'} Porthole did not create` : '',
    own > 0 ? `${handMade > 0 ? ', and ' : 'Found '}${own} of Porthole’s own without a machine` : '',
  ].join('');
  return (
    <div
      className="banner adoption-banner"
      role="region"
      aria-label="Containers to adopt"
      data-testid="adoption-banner"
    >
      {found.length > 0 ? <strong>{title}.</strong> : null}
      {found.length > 0 ? (
        <ul>
          {found.map((c) => (
            <li key={c.containerId} className="adoption-row">
              <span>
                <strong>{c.name}</strong>{' '}
                <span className="muted">
                  {c.image} · {c.running ? 'running' : 'stopped'}
                </span>
              </span>
              <span className="muted">{caveat(c)}</span>
              <button className="primary" disabled={busy !== null} onClick={() => void adopt(c)}>
                {busy === c.containerId ? 'Adopting…' : `Adopt ${c.name}`}
              </button>
            </li>
          ))}
        </ul>
      ) : null}
      {result ? (
        <div role={result.failed ? 'alert' : 'status'} data-testid="adoption-result">
          {result.text}
          {result.warnings.length > 0 ? (
            <ul>
              {result.warnings.map((w) => (
                <li key={w}>Warning: {w}</li>
              ))}
            </ul>
          ) : null}
          <button className="ghost" onClick={() => setResult(null)}>
            Dismiss
          </button>
        </div>
      ) : null}
    </div>
  );
}
