import { desktopBridge } from '../api/desktop';

/**
 * Puts text on the clipboard. In Electron through the main process (the page itself may not write it);
 * in the web host through the browser, which allows it on 127.0.0.1 after a click.
 */
export async function copyText(text: string): Promise<void> {
  const desktop = desktopBridge();
  if (desktop) return desktop.writeClipboard(text);
  if (!navigator.clipboard) throw new Error('This browser gives the page no clipboard.');
  return navigator.clipboard.writeText(text);
}
