import type { CheckStatus } from './report';

export const STATUS_LABEL: Record<CheckStatus, string> = { ok: 'Passed', warn: 'Warning', fail: 'Problem' };

/** A check's state at a glance: a coloured disc with a tick, an exclamation mark or a cross. */
export function StatusIcon({ status, size = 22 }: { status: CheckStatus; size?: number }) {
  return (
    <svg
      className={`status-icon status-${status}`}
      width={size}
      height={size}
      viewBox="0 0 24 24"
      role="img"
      aria-label={STATUS_LABEL[status]}
    >
      <circle cx="12" cy="12" r="12" />
      {status === 'ok' ? <path d="M6.8 12.4l3.4 3.4 7-7.2" /> : null}
      {status === 'warn' ? (
        <>
          <path d="M12 6.5v7" />
          <path d="M12 17.4v.1" />
        </>
      ) : null}
      {status === 'fail' ? <path d="M8 8l8 8M16 8l-8 8" /> : null}
    </svg>
  );
}
