// What a page loads before it runs: the entry scripts and the modules it preloads, as its built
// index.html names them. Dynamic imports (the screen route) are left out: they load on demand.

/** The JavaScript files an index.html loads at first (module scripts and modulepreloads), in order, deduplicated. */
export function firstLoadScripts(html: string): string[] {
  const found: string[] = [];
  const tag = /<(script|link)\b([^>]*)>/gi;
  for (const match of html.matchAll(tag)) {
    const [, name, attrs] = match as unknown as [string, string, string];
    const attr = (key: string): string | undefined => new RegExp(`\\b${key}\\s*=\\s*"([^"]*)"`, 'i').exec(attrs)?.[1];
    const url =
      name.toLowerCase() === 'script' ? attr('src') : attr('rel') === 'modulepreload' ? attr('href') : undefined;
    if (url && !found.includes(url)) found.push(url);
  }
  return found;
}

/** Kilobytes (1000 bytes, as Vite reports them), to two decimals. */
export function kB(bytes: number): number {
  return Math.round(bytes / 10) / 100;
}
