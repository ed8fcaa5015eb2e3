import { copyText, fileNameFor, saveText } from './download';

/** The log's search, its line count, Follow, and Copy and Save of the lines shown. */
export function LogToolbar({
  query,
  onQuery,
  shownCount,
  totalCount,
  follow,
  onFollow,
  text,
  machineName,
  say,
}: {
  query: string;
  onQuery: (query: string) => void;
  shownCount: number;
  totalCount: number;
  follow: boolean;
  onFollow: (follow: boolean) => void;
  /** The lines shown, as one text. */
  text: () => string;
  machineName: string;
  say: (message: string) => void;
}) {
  return (
    <div className="logs-toolbar">
      <input
        type="search"
        placeholder="Search the log"
        aria-label="Search the log"
        value={query}
        onChange={(e) => onQuery(e.target.value)}
      />
      <span className="muted" data-testid="log-count">
        {query.trim() ? `${shownCount} matching of ${totalCount} lines` : `${shownCount} lines`}
      </span>
      <label className="checkbox-row">
        <input type="checkbox" checked={follow} onChange={(e) => onFollow(e.target.checked)} /> Follow
      </label>
      <button
        onClick={() =>
          void copyText(text()).then(
            () => say(`Copied ${shownCount} lines.`),
            (e: Error) => say(e.message),
          )
        }
      >
        Copy
      </button>
      <button
        onClick={() =>
          void saveText(text(), fileNameFor(machineName, '.log')).then(
            (where) => say(where ? `Saved ${where}.` : 'Not saved.'),
            (e: Error) => say(e.message),
          )
        }
      >
        Save…
      </button>
    </div>
  );
}
