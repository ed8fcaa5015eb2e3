import { useEffect, useMemo, useReducer, useRef, useState, type UIEvent } from 'react';
import type { LogStreamItem, MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { copyText, fileNameFor, saveText } from './download';
import { forPerson, LogRing, matches, stripAnsi, visibleRange, type LogLine } from './log-lines';

/** Lines kept in memory; older ones scroll out (the whole log is `porthole logs ID` or the engine's). */
export const LOG_RING_LINES = 20_000;
/** Lines asked for when the viewer opens. */
const TAIL = 2000;
const ROW_HEIGHT = 18;
const VIEWPORT = 480;

/** True while the page is shown: a hidden page (minimised window, other tab) follows nothing. */
function usePageVisible(): boolean {
  const [visible, setVisible] = useState(() => document.visibilityState !== 'hidden');
  useEffect(() => {
    const onChange = (): void => setVisible(document.visibilityState !== 'hidden');
    document.addEventListener('visibilitychange', onChange);
    return () => document.removeEventListener('visibilitychange', onChange);
  }, []);
  return visible;
}

/**
 * The container's log, live: followed through the backend's `machineLog` stream (one engine request
 * while this is shown, none otherwise), kept in a ring of LOG_RING_LINES, drawn only where it is
 * scrolled to. `cause`: a failure's log line to show and mark (the card's "Show the cause in the log").
 */
export function LogsPanel({ machine, cause }: { machine: MachineView; cause?: string | undefined }) {
  const ring = useMemo(() => new LogRing(LOG_RING_LINES), []);
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  const [query, setQuery] = useState('');
  const [follow, setFollow] = useState(!cause);
  const [notice, setNotice] = useState<string | null>(null);
  const [streamError, setStreamError] = useState<string | null>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const list = useRef<HTMLDivElement>(null);
  const visible = usePageVisible();
  const id = machine.id;
  const webPort = machine.ports.web;

  useEffect(() => {
    if (!visible) return undefined;
    ring.clear();
    // Items arrive in bursts; one render per animation frame is plenty.
    let frame = 0;
    const changed = (): void => {
      if (frame) return;
      frame = requestAnimationFrame(() => {
        frame = 0;
        bump();
      });
    };
    const onItem = (item: LogStreamItem): void => {
      setStreamError(null);
      if (item.kind === 'lines') {
        for (const line of item.lines) {
          const shown = forPerson(stripAnsi(line), webPort);
          ring.push(shown.text, shown.kind);
        }
      } else if (item.kind === 'phase')
        ring.push(`Porthole: ${item.phase}${item.message ? ` — ${item.message}` : ''}`, 'phase');
      else if (item.kind === 'started') ring.push('Porthole: the container started', 'run');
      else ring.push('Porthole: the container is not running; the log continues at its next start', 'run');
      changed();
    };
    const close = porthole().openStream('machineLog', { id, tail: TAIL }, onItem, (error) => {
      if (error) setStreamError(error.remedy ? `${error.message} ${error.remedy}` : error.message);
    });
    return () => {
      close();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [id, webPort, visible, ring]);

  const shown = useMemo(() => {
    const all = ring.all();
    return query.trim() ? all.filter(matches(query)) : all;
    // `version` changes whenever the ring does.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [ring, version, query]);

  // Following: stay at the newest line. Jumping to a cause: its last occurrence, once.
  const causeIndex = useMemo(() => (cause ? shown.map((l) => l.text).lastIndexOf(cause) : -1), [cause, shown]);
  const jumped = useRef(false);
  useEffect(() => {
    const el = list.current;
    if (!el) return;
    if (cause && !jumped.current && causeIndex >= 0) {
      jumped.current = true;
      el.scrollTop = Math.max(0, causeIndex * ROW_HEIGHT - VIEWPORT / 2);
      setScrollTop(el.scrollTop);
    } else if (follow) {
      el.scrollTop = el.scrollHeight;
      setScrollTop(el.scrollTop);
    }
  }, [shown, follow, cause, causeIndex]);

  const onScroll = (e: UIEvent<HTMLDivElement>): void => {
    const el = e.currentTarget;
    setScrollTop(el.scrollTop);
    // Scrolling up stops following; back at the bottom, it follows again.
    setFollow(el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT);
  };

  const { start, end } = visibleRange(scrollTop, VIEWPORT, ROW_HEIGHT, shown.length);
  const text = (): string => shown.map((l) => l.text).join('\n') + '\n';
  const say = (message: string): void => setNotice(message);

  return (
    <section className="logs-panel" aria-label="Container log">
      <div className="logs-toolbar">
        <input
          type="search"
          placeholder="Search the log"
          aria-label="Search the log"
          value={query}
          onChange={(e) => setQuery(e.target.value)}
        />
        <span className="muted" data-testid="log-count">
          {query.trim() ? `${shown.length} matching of ${ring.all().length} lines` : `${shown.length} lines`}
        </span>
        <label className="checkbox-row">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> Follow
        </label>
        <button
          onClick={() =>
            void copyText(text()).then(
              () => say(`Copied ${shown.length} lines.`),
              (e: Error) => say(e.message),
            )
          }
        >
          Copy
        </button>
        <button
          onClick={() =>
            void saveText(text(), fileNameFor(machine.name, '.log')).then(
              (where) => say(where ? `Saved ${where}.` : 'Not saved.'),
              (e: Error) => say(e.message),
            )
          }
        >
          Save…
        </button>
      </div>
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
      <div
        className="log-view"
        ref={list}
        onScroll={onScroll}
        style={{ height: VIEWPORT }}
        data-testid="log-view"
        role="log"
      >
        <div style={{ height: shown.length * ROW_HEIGHT, position: 'relative' }}>
          {shown.slice(start, end).map((line: LogLine, i) => (
            <div
              key={line.seq}
              className={`log-line log-${line.kind}${start + i === causeIndex ? ' log-cause' : ''}`}
              data-kind={line.kind}
              style={{ top: (start + i) * ROW_HEIGHT, height: ROW_HEIGHT }}
            >
              {line.text || '\u00a0'}
            </div>
          ))}
        </div>
      </div>
    </section>
  );
}
