import { protocol } from 'electron';
import { PAGE_SCHEME, PAGE_SCHEME_PRIVILEGES } from './page';

/** Our page's scheme (page.ts) must be known before app ready; it is handled in hardenSession (window.ts). */
export function registerPageScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: PAGE_SCHEME, privileges: PAGE_SCHEME_PRIVILEGES }]);
}
