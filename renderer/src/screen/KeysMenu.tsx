import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { chordList, type ChordName } from './chords';

export interface KeysMenuProps {
  disabled: boolean;
  onChord(name: ChordName): void;
}

/** Arrow keys, Home and End move between the items; Escape closes (focus back on the button); Tab leaves. */
function menuKeyDown(
  event: KeyboardEvent<HTMLDivElement>,
  root: HTMLElement | null,
  close: () => void,
  leave: () => void,
): void {
  const items = Array.from(root?.querySelectorAll<HTMLElement>('[role="menuitem"]') ?? []);
  const index = items.indexOf(document.activeElement as HTMLElement);
  const move = (to: number): void => items[(to + items.length) % items.length]?.focus();
  switch (event.key) {
    case 'Escape':
      close();
      break;
    case 'ArrowDown':
      move(index + 1);
      break;
    case 'ArrowUp':
      move(index - 1);
      break;
    case 'Home':
      move(0);
      break;
    case 'End':
      move(items.length - 1);
      break;
    case 'Tab':
      leave();
      return;
    default:
      return;
  }
  event.preventDefault();
}

interface KeysMenuListProps {
  id: string;
  onKeyDown(event: KeyboardEvent<HTMLDivElement>): void;
  onChord(name: ChordName): void;
}

function KeysMenuList({ id, onKeyDown, onChord }: KeysMenuListProps) {
  return (
    <div id={id} role="menu" aria-label="Send keys to Windows" className="screen-menu-list" onKeyDown={onKeyDown}>
      {chordList.map((chord) => (
        <button
          key={chord.name}
          type="button"
          role="menuitem"
          tabIndex={-1}
          className="screen-menu-item"
          data-chord={chord.name}
          onClick={() => onChord(chord.name)}
        >
          {chord.label}
        </button>
      ))}
    </div>
  );
}

/** A menu of the key combinations the host would otherwise keep for itself. */
export function KeysMenu({ disabled, onChord }: KeysMenuProps) {
  const [open, setOpen] = useState(false);
  const rootRef = useRef<HTMLDivElement>(null);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const menuId = useId();
  const shown = open && !disabled;

  useEffect(() => {
    if (!shown) return;
    const onPointerDown = (event: PointerEvent): void => {
      if (rootRef.current && event.target instanceof Node && !rootRef.current.contains(event.target)) setOpen(false);
    };
    document.addEventListener('pointerdown', onPointerDown);
    rootRef.current?.querySelector<HTMLElement>('[role="menuitem"]')?.focus();
    return () => document.removeEventListener('pointerdown', onPointerDown);
  }, [shown]);

  const close = (): void => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  const onMenuKeyDown = (event: KeyboardEvent<HTMLDivElement>): void =>
    menuKeyDown(event, rootRef.current, close, () => setOpen(false));

  return (
    <div className="screen-menu" ref={rootRef}>
      <button
        ref={buttonRef}
        type="button"
        className="screen-button"
        aria-haspopup="menu"
        aria-expanded={shown}
        aria-controls={shown ? menuId : undefined}
        disabled={disabled}
        onClick={() => setOpen((o) => !o)}
      >
        Keys ▾
      </button>
      {shown ? (
        <KeysMenuList
          id={menuId}
          onKeyDown={onMenuKeyDown}
          onChord={(name) => {
            setOpen(false);
            onChord(name);
          }}
        />
      ) : null}
    </div>
  );
}
