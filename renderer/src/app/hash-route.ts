import { useEffect, useState } from 'react';

/**
 * A machine's old homes, `#/machine/<id>` (settings) and `#/apps/<id>`, are tabs of its one page now:
 * the new route for an old link, or null.
 */
export function redirectOf(route: readonly string[]): string | null {
  const [page, id] = route;
  if (!id) return null;
  if (page === 'machine') return `/machines/${id}/settings`;
  if (page === 'apps') return `/machines/${id}/apps`;
  return null;
}

/** Hash routes: `#/`, `#/new`, `#/check`, `#/app-log`, `#/machines/<id>/<tab>`, `#/screen/<id>`. Old links are redirected. */
export function useRoute(): string[] {
  const read = (): string[] => {
    const route = window.location.hash.replace(/^#\/?/, '').split('/').filter(Boolean);
    const to = redirectOf(route);
    if (!to) return route;
    // Replaced, not added: Back does not land on the old link only to be sent forward again.
    window.history.replaceState(null, '', `#${to}`);
    return to.split('/').filter(Boolean);
  };
  const [route, setRoute] = useState(read);
  useEffect(() => {
    const onChange = (): void => setRoute(read());
    window.addEventListener('hashchange', onChange);
    return () => window.removeEventListener('hashchange', onChange);
  }, []);
  return route;
}

export function navigate(path: string): void {
  window.location.hash = path;
}
