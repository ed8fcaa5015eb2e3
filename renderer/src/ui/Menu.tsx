import { useEffect, useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import './ui.css';

export interface MenuItem {
  label: string;
  onSelect(): void;
  disabled?: boolean;
  /** Deleting, forcing off: shown in the danger colour. */
  danger?: boolean;
}

/**
 * A menu button after WAI-ARIA's menu button pattern: Enter, Space or Arrow Down open it on its first
 * item, Arrow Up on its last; arrows, Home and End move; Enter or Space choose; Escape (or Tab, or a
 * click elsewhere) closes it and focus goes back to the button.
 */
export function MenuButton({
  label,
  children,
  items,
  className = 'ghost',
  testId,
}: {
  /** The button's accessible name (e.g. "More for Windows 11"). */
  label: string;
  /** What the button shows; the label when omitted. */
  children?: ReactNode;
  items: MenuItem[];
  className?: string;
  testId?: string;
}) {
  const [open, setOpen] = useState(false);
  const [active, setActive] = useState(0);
  const button = useRef<HTMLButtonElement>(null);
  const menu = useRef<HTMLUListElement>(null);
  const menuId = useId();
  const enabled = items.map((item, i) => (item.disabled ? -1 : i)).filter((i) => i >= 0);

  const openAt = (index: number | undefined): void => {
    if (index === undefined) return;
    setActive(index);
    setOpen(true);
  };
  const close = (refocus: boolean): void => {
    setOpen(false);
    if (refocus) button.current?.focus();
  };

  useEffect(() => {
    if (!open) return;
    menu.current?.querySelectorAll<HTMLElement>('[role="menuitem"]')[active]?.focus();
  }, [open, active]);

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => {
      const target = e.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const onButtonKey = (e: KeyboardEvent): void => {
    if (e.key === 'ArrowDown' || e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      openAt(enabled[0]);
    } else if (e.key === 'ArrowUp') {
      e.preventDefault();
      openAt(enabled[enabled.length - 1]);
    }
  };

  const move = (step: number): void => {
    const at = enabled.indexOf(active);
    setActive(enabled[(at + step + enabled.length) % enabled.length]!);
  };
  const choose = (item: MenuItem): void => {
    if (item.disabled) return;
    close(true);
    item.onSelect();
  };
  const onMenuKey = (e: KeyboardEvent): void => {
    switch (e.key) {
      case 'ArrowDown':
        e.preventDefault();
        return move(1);
      case 'ArrowUp':
        e.preventDefault();
        return move(-1);
      case 'Home':
        e.preventDefault();
        return setActive(enabled[0] ?? 0);
      case 'End':
        e.preventDefault();
        return setActive(enabled[enabled.length - 1] ?? 0);
      case 'Escape':
        e.preventDefault();
        e.stopPropagation();
        return close(true);
      case 'Tab':
        return close(false);
      case 'Enter':
      case ' ': {
        e.preventDefault();
        const item = items[active];
        if (item) choose(item);
        return;
      }
      default:
        return;
    }
  };

  return (
    <span className="menu-anchor">
      <button
        ref={button}
        type="button"
        className={`menu-button ${className}`}
        aria-haspopup="menu"
        aria-expanded={open}
        aria-controls={open ? menuId : undefined}
        aria-label={children ? label : undefined}
        data-testid={testId}
        onClick={() => (open ? close(false) : openAt(enabled[0]))}
        onKeyDown={onButtonKey}
      >
        {children ?? label}
      </button>
      {open ? (
        <ul ref={menu} id={menuId} role="menu" aria-label={label} className="menu" onKeyDown={onMenuKey}>
          {items.map((item, i) => (
            <li
              key={item.label}
              role="menuitem"
              tabIndex={i === active ? 0 : -1}
              aria-disabled={item.disabled || undefined}
              className={item.danger ? 'menu-item menu-item-danger' : 'menu-item'}
              onClick={() => choose(item)}
              onMouseEnter={() => !item.disabled && setActive(i)}
            >
              {item.label}
            </li>
          ))}
        </ul>
      ) : null}
    </span>
  );
}
