import { useEffect, useId, useRef, useState, type KeyboardEvent, type RefObject } from 'react';

export interface MenuItem {
  label: string;
  onSelect(): void;
  disabled?: boolean;
  /** Deleting, forcing off: shown in the danger colour. */
  danger?: boolean;
}

/** While open, a mouse press outside the menu and its button closes the menu. */
function useCloseOnClickOutside(
  open: boolean,
  menu: RefObject<HTMLElement | null>,
  button: RefObject<HTMLElement | null>,
  setOpen: (open: boolean) => void,
): void {
  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent): void => {
      const target = e.target as Node;
      if (!menu.current?.contains(target) && !button.current?.contains(target)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open, menu, button, setOpen]);
}

/** The open menu's keys: arrows, Home and End move; Enter or Space choose; Escape and Tab close. */
function onMenuKeys(
  e: KeyboardEvent,
  enabled: number[],
  on: {
    move: (step: number) => void;
    setActive: (index: number) => void;
    close: (refocus: boolean) => void;
    chooseActive: () => void;
  },
): void {
  switch (e.key) {
    case 'ArrowDown':
      e.preventDefault();
      return on.move(1);
    case 'ArrowUp':
      e.preventDefault();
      return on.move(-1);
    case 'Home':
      e.preventDefault();
      return on.setActive(enabled[0] ?? 0);
    case 'End':
      e.preventDefault();
      return on.setActive(enabled[enabled.length - 1] ?? 0);
    case 'Escape':
      e.preventDefault();
      e.stopPropagation();
      return on.close(true);
    case 'Tab':
      return on.close(false);
    case 'Enter':
    case ' ': {
      e.preventDefault();
      on.chooseActive();
      return;
    }
    default:
      return;
  }
}

/**
 * A menu button's state after WAI-ARIA's menu button pattern: which item is active (focused while open), opening
 * on the first or last enabled item, moving over the enabled ones, choosing, and closing with focus back on the
 * button when asked.
 */
export function useMenu(items: MenuItem[]) {
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
  useCloseOnClickOutside(open, menu, button, setOpen);

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
  const chooseActive = (): void => {
    const item = items[active];
    if (item) choose(item);
  };
  const onMenuKey = (e: KeyboardEvent): void => onMenuKeys(e, enabled, { move, setActive, close, chooseActive });

  return { open, active, setActive, button, menu, menuId, enabled, openAt, close, choose, onButtonKey, onMenuKey };
}
