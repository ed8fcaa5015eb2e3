// The page's (client) face of the same contract as app/api/desktop.ts: the preload's DesktopBridge.
import type { DesktopBridge } from '@porthole/api';

/** The Electron preload's shell helpers, or null in the web host. */
export function desktopBridge(): DesktopBridge | null {
  return window.porthole?.desktop ?? null;
}
