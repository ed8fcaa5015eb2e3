import type { ReactNode } from 'react';
import { useMenu, type MenuItem } from './use-menu';
import './ui.css';

export type { MenuItem } from './use-menu';

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
  const { open, active, setActive, button, menu, menuId, enabled, openAt, close, choose, onButtonKey, onMenuKey } =
    useMenu(items);

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
