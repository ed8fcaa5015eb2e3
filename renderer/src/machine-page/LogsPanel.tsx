import { useMemo, useState } from 'react';
import type { MachineView } from '@porthole/api';
import { LogRing, matches } from './log-lines';
import { LogToolbar } from './LogToolbar';
import { LogView } from './LogView';
import { useLogStream } from './use-log-stream';

/** Lines kept in memory; older ones scroll out (the whole log is `porthole logs ID` or the engine's). */
export const LOG_RING_LINES = 20_000;

/**
 * The container's log, live: followed through the backend's `machineLog` stream (one engine request
 * while this is shown, none otherwise), kept in a ring of LOG_RING_LINES, drawn only where it is
 * scrolled to. `cause`: a failure's log line to show and mark (the card's "Show the cause in the log").
 */
export function LogsPanel({ machine, cause }: { machine: MachineView; cause?: string | undefined }) {
  const ring = useMemo(() => new LogRing(LOG_RING_LINES), []);
  const [query, setQuery] = useState('');
  const [follow, setFollow] = useState(!cause);
  const [notice, setNotice] = useState<string | null>(null);
  const { version, streamError } = useLogStream(machine.id, machine.ports.web, ring);

  const shown = useMemo(() => {
    const all = ring.all();
    return query.trim() ? all.filter(matches(query)) : all;
    // `version` changes whenever the ring does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ring, version, query]);

  const causeIndex = useMemo(() => (cause ? shown.map((l) => l.text).lastIndexOf(cause) : -1), [cause, shown]);
  const text = (): string => shown.map((l) => l.text).join('\n') + '\n';

  return (
    <section className="logs-panel" aria-label="Container log">
      <LogToolbar
        query={query}
        onQuery={setQuery}
        shownCount={shown.length}
        totalCount={ring.all().length}
        follow={follow}
        onFollow={setFollow}
        text={text}
        machineName={machine.name}
        say={setNotice}
      />
      {notice ? (
        <p className="muted" role="status">
          {notice}
        </p>
      ) : null}
      {streamError ? (
        <div className="failure" role="alert">
          The log could not be followed: {streamError}
        </div>
      ) : null}
      {cause && causeIndex < 0 && version > 0 ? (
        <p className="muted" role="status">
          The failure’s line is not among the last {ring.all().length} lines: “{cause}”.
        </p>
      ) : null}
      <LogView shown={shown} follow={follow} onFollow={setFollow} cause={cause} causeIndex={causeIndex} />
    </section>
  );
}
