import type { DesktopBridge } from '@porthole/api';

/** The Electron preload's shell helpers, or null in the web host. */
export function desktopBridge(): DesktopBridge | null {
  return window.porthole?.desktop ?? null;
}
