import type { MutableRefObject } from 'react';
import iconUrl from '../../../resources/icon.svg';
import { ImportCompose } from '../machines/ImportCompose';
import { MenuButton } from '../ui/Menu';
import { navigate } from './hash-route';

/** The bar across the top: the brand (home), New machine, and the main menu. */
export function TopBar({ importPick }: { importPick: MutableRefObject<(() => void) | null> }) {
  return (
    <header className="topbar">
      <a className="brand" href="#/">
        <img className="brand-mark" src={iconUrl} alt="" aria-hidden="true" />
        Porthole
      </a>
      <nav aria-label="Porthole">
        <button className="primary" onClick={() => navigate('/new')}>
          New machine
        </button>
        <MenuButton
          label="Main menu"
          className="ghost icon"
          testId="main-menu"
          items={[
            { label: 'Check this computer', onSelect: () => navigate('/check') },
            { label: 'Import a dockur compose file…', onSelect: () => importPick.current?.() },
            { label: 'Porthole log', onSelect: () => navigate('/app-log') },
          ]}
        >
          <svg aria-hidden="true" viewBox="0 0 16 16" width="16" height="16" fill="currentColor">
            <rect x="2" y="3" width="12" height="1.6" rx="0.8" />
            <rect x="2" y="7.2" width="12" height="1.6" rx="0.8" />
            <rect x="2" y="11.4" width="12" height="1.6" rx="0.8" />
          </svg>
        </MenuButton>
        <ImportCompose pickRef={importPick} />
      </nav>
    </header>
  );
}
