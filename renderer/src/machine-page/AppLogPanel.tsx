import { useCallback, useEffect, useState } from 'react';
import { porthole } from '../api/porthole';
import { errorText } from '../ui/error-text';

/** Porthole's own log (lifecycle, errors, engine reconnects): its last lines and where the file is. */
export function AppLogPanel() {
  const [log, setLog] = useState<{ file: string | null; lines: string[] } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const load = useCallback(() => {
    porthole()
      .appLog({ tail: 1000 })
      .then(setLog, (e: unknown) => setError(errorText(e)));
  }, []);
  useEffect(load, [load]);
  return (
    <section className="app-log" aria-label="Porthole’s log">
      <div className="logs-toolbar">
        <span className="muted" data-testid="app-log-file">
          {log?.file
            ? `Porthole’s own log: ${log.file} (also: porthole logs --app)`
            : log
              ? 'This Porthole keeps no log file.'
              : 'Loading…'}
        </span>
        <button onClick={load}>Reload</button>
      </div>
      {error ? (
        <div className="failure" role="alert">
          {error}
        </div>
      ) : null}
      <pre className="log-view app-log-lines" data-testid="app-log-lines">
        {log?.lines.map((line, i) => (
          <div key={i} className={`log-line-flow${/ (ERROR|WARN) /.test(line) ? ' log-error' : ''}`}>
            {line}
          </div>
        ))}
      </pre>
    </section>
  );
}
