import { useEffect, useRef, useState, type UIEvent } from 'react';
import { visibleRange, type LogLine } from './log-lines';

const ROW_HEIGHT = 18;
const VIEWPORT = 480;

/**
 * The log's lines, drawn only where it is scrolled to. Following, it stays at the newest line; with a cause, it
 * jumps once to that line's last occurrence (`causeIndex`) and marks it. Scrolling up stops following; back at the
 * bottom, it follows again.
 */
export function LogView({
  shown,
  follow,
  onFollow,
  cause,
  causeIndex,
}: {
  shown: LogLine[];
  follow: boolean;
  onFollow: (follow: boolean) => void;
  cause: string | undefined;
  causeIndex: number;
}) {
  const [scrollTop, setScrollTop] = useState(0);
  const list = useRef<HTMLDivElement>(null);

  // Following: stay at the newest line. Jumping to a cause: its last occurrence, once.
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
    onFollow(el.scrollTop + el.clientHeight >= el.scrollHeight - ROW_HEIGHT);
  };

  const { start, end } = visibleRange(scrollTop, VIEWPORT, ROW_HEIGHT, shown.length);
  return (
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
  );
}
