import { useEffect, useReducer, useState } from 'react';
import type { LogStreamItem } from '@porthole/api';
import { porthole } from '../api/porthole';
import { forPerson, stripAnsi, type LogRing } from './log-lines';

/** Lines asked for when the viewer opens. */
const TAIL = 2000;

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

/** Puts one stream item into the ring as the lines a person reads. */
function pushItem(ring: LogRing, item: LogStreamItem, webPort: number): void {
  if (item.kind === 'lines') {
    for (const line of item.lines) {
      const shown = forPerson(stripAnsi(line), webPort);
      ring.push(shown.text, shown.kind);
    }
  } else if (item.kind === 'phase')
    ring.push(`Porthole: ${item.phase}${item.message ? ` — ${item.message}` : ''}`, 'phase');
  else if (item.kind === 'started') ring.push('Porthole: the container started', 'run');
  else ring.push('Porthole: the container is not running; the log continues at its next start', 'run');
}

/**
 * Follows the machine's log into `ring` through the backend's `machineLog` stream while the page is shown (one
 * engine request then, none otherwise). `version` changes whenever the ring does, at most once a frame.
 */
export function useLogStream(
  id: string,
  webPort: number,
  ring: LogRing,
): { version: number; streamError: string | null } {
  const [version, bump] = useReducer((n: number) => n + 1, 0);
  const [streamError, setStreamError] = useState<string | null>(null);
  const visible = usePageVisible();

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
      pushItem(ring, item, webPort);
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

  return { version, streamError };
}
