/**
 * An ISO handed to the wizard from elsewhere (a drop on the main window, then "Change settings
 * first"). Read when the wizard opens, cleared once it has taken it.
 */
let offered: string | null = null;

export function offerIsoToWizard(path: string): void {
  offered = path;
}

export function offeredIso(): string | null {
  return offered;
}

export function clearOfferedIso(): void {
  offered = null;
}
