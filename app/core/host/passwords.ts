import type { CheckResult } from '../../api';
import type { PasswordsState } from '../secrets';

/**
 * Where the Windows passwords are kept. Informational: a private file works, a keyring is better,
 * so the file is a warning (never a failure) with the way to get a keyring.
 */
export function passwordsCheck(state: PasswordsState, sudo: string): CheckResult {
  const title = 'Passwords';
  if (state.place === 'keyring') {
    return {
      id: 'passwords',
      title,
      status: 'ok',
      found: 'Windows passwords are kept in the desktop keyring (Secret Service).',
      why: 'The keyring keeps them encrypted and gives them only to your unlocked session.',
    };
  }
  const locked = /locked/i.test(state.reason ?? '');
  return {
    id: 'passwords',
    title,
    status: 'warn',
    found: `Windows passwords are kept in a private file (0600) — no usable Secret Service found${state.reason ? ` (${state.reason})` : ''}.`,
    why: 'Porthole works either way, but any program running as you can read that file; a desktop keyring keeps the passwords encrypted. Once one answers, Porthole moves them there.',
    fix: locked
      ? {
          text: 'Unlock your keyring (most desktops do it at login; otherwise open "Passwords and Keys" and unlock "Login"), then check again.',
          commands: [],
        }
      : {
          text: 'Install a keyring and the secret-tool helper, log out and in (the keyring unlocks at login), then check again.',
          commands: [
            '# Debian, Ubuntu',
            `${sudo}apt install gnome-keyring libsecret-tools dbus-bin`,
            '# Fedora',
            `${sudo}dnf install gnome-keyring libsecret dbus-tools`,
            '# Arch',
            `${sudo}pacman -S gnome-keyring libsecret`,
          ],
        },
  };
}
