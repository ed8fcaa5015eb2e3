import type { Browser, Page } from '@playwright/test';
import { installPaintProbe } from './paint-probe';
import type { StaticServer } from './static-server';

/** The baseline page's canvas, for the paint probe: noVNC's own, with nothing over it. */
export const BASELINE_PROBE = { canvasSelector: '#screen canvas', overlaySelector: null };

/**
 * Opens the plain noVNC page (baseline.html) on `vncUrl` in a context of its own, with the paint probe.
 * With `wait` it does not connect until window.startAndConnect(); otherwise it returns once connected.
 */
export async function openBaseline(
  browser: Browser,
  server: StaticServer,
  vncUrl: string,
  { wait = false } = {},
): Promise<Page> {
  const context = await browser.newContext();
  const page = await context.newPage();
  // What the page went through, for the error when it does not connect (an intermittent failure under load).
  const seen: string[] = [];
  page.on('console', (m) => seen.push(`console ${m.type()}: ${m.text()}`));
  page.on('pageerror', (e) => seen.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => seen.push(`request failed: ${r.url()} ${r.failure()?.errorText ?? ''}`));
  await page.addInitScript(installPaintProbe, BASELINE_PROBE);
  const address = `${server.origin}/?url=${encodeURIComponent(vncUrl)}${wait ? '&wait=1' : ''}`;
  // Docker adding or removing a container's network interface (other work on this engine) makes Chromium
  // abort its requests in flight with ERR_NETWORK_CHANGED: the page's noVNC modules then never load. That
  // is the host, not the client under test: load the page again (up to 10 loads, a second apart; other
  // helpers' containers come and go on this engine all the time).
  for (let attempt = 1; ; attempt += 1) {
    let networkChanged: () => void = () => undefined;
    const changed = new Promise<'changed'>((resolve) => (networkChanged = () => resolve('changed')));
    const onFailed = (r: { failure(): { errorText: string } | null }): void => {
      if (r.failure()?.errorText.includes('ERR_NETWORK_CHANGED')) networkChanged();
    };
    page.on('requestfailed', onFailed);
    try {
      await page.goto(address);
      const ready = wait
        ? page.waitForFunction(
            () => typeof (window as unknown as { startAndConnect?: unknown }).startAndConnect === 'function',
            undefined,
            { timeout: 60_000 },
          )
        : page.waitForFunction(() => (window as unknown as { connected?: boolean }).connected === true, undefined, {
            timeout: 60_000,
          });
      const outcome = await Promise.race([ready.then(() => 'ready' as const), changed]);
      if (outcome === 'ready') return page;
      if (attempt >= 10) throw new Error('the network changed under every load of the page');
      seen.splice(0, seen.length, `(load ${attempt} hit ERR_NETWORK_CHANGED: loading again)`);
      await new Promise((r) => setTimeout(r, 1000));
    } catch (error) {
      throw new Error(
        `the plain noVNC page did not get ready on ${vncUrl}; it saw:\n${seen.join('\n') || '(nothing)'}`,
        { cause: error },
      );
    } finally {
      page.off('requestfailed', onFailed);
    }
  }
}
