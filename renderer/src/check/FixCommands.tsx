import { useEffect, useState } from 'react';
import { copyText } from './clipboard';

/**
 * A fix's commands, one copyable line each. Lines starting with `#` are comments that name or separate
 * alternatives, so they are shown as comments and never copied: each command is copied on its own,
 * and pasting one alternative never runs the other.
 */
export function FixCommands({ commands }: { commands: string[] }) {
  if (commands.length === 0) return null;
  return (
    <div className="fix-commands">
      {commands.map((line, index) =>
        line.trimStart().startsWith('#') ? (
          <div key={index} className="fix-comment">
            {line}
          </div>
        ) : (
          <CommandLine key={index} command={line} />
        ),
      )}
    </div>
  );
}

type CopyState = 'idle' | 'copied' | 'failed';

function CommandLine({ command }: { command: string }) {
  const [copy, setCopy] = useState<CopyState>('idle');
  useEffect(() => {
    if (copy === 'idle') return;
    const timer = setTimeout(() => setCopy('idle'), 2000);
    return () => clearTimeout(timer);
  }, [copy]);

  return (
    <div className="fix-command">
      <code>{command}</code>
      <button
        type="button"
        className={`copy copy-${copy}`}
        aria-label={`Copy: ${command}`}
        title={
          copy === 'failed' ? 'The clipboard refused: select the command and copy it by hand' : 'Copy this command'
        }
        onClick={() =>
          copyText(command).then(
            () => setCopy('copied'),
            () => setCopy('failed'),
          )
        }
      >
        {copy === 'copied' ? 'Copied' : copy === 'failed' ? 'Copy failed' : 'Copy'}
      </button>
    </div>
  );
}
