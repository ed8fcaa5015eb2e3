import type { CheckResult } from '../../api';
import type { HostContext } from './context';

/**
 * Chromium's sandbox in an AppImage. The deb and rpm install chrome-sandbox setuid root; an AppImage
 * cannot carry a setuid helper, so its sandbox needs unprivileged user namespaces, which Ubuntu 24.04
 * and later allow only to programs with an AppArmor profile (kernel.apparmor_restrict_unprivileged_userns=1),
 * and some kernels turn off altogether (kernel.unprivileged_userns_clone=0). There Electron aborts at
 * start. The one safe fix is a profile for the AppImage's own path; --no-sandbox is never offered.
 * build/after-pack.mjs's launcher prints the same profile before Chromium starts (packaging.test.ts
 * keeps the two in step).
 */
export interface AppImageSandboxFindings {
  /** $APPIMAGE: the AppImage's own file, or null when Porthole is not running from one. */
  appImage: string | null;
  /** apparmor_restrict_unprivileged_userns is 1. */
  apparmorRestricts: boolean;
  /** unprivileged_userns_clone is 0 (older Debian and Ubuntu kernels). */
  usernsCloneOff: boolean;
  /** This process's AppArmor label ('unconfined', or a profile's name), or null when AppArmor is not there. */
  label: string | null;
}

export async function readAppImageSandbox(ctx: HostContext): Promise<AppImageSandboxFindings> {
  const appImage = ctx.env.APPIMAGE && ctx.env.APPIMAGE.startsWith('/') ? ctx.env.APPIMAGE : null;
  const [restrict, clone, label] = await Promise.all([
    ctx.readText('/proc/sys/kernel/apparmor_restrict_unprivileged_userns'),
    ctx.readText('/proc/sys/kernel/unprivileged_userns_clone'),
    ctx.readText('/proc/self/attr/apparmor/current').then((text) => text ?? ctx.readText('/proc/self/attr/current')),
  ]);
  return {
    appImage,
    apparmorRestricts: restrict?.trim() === '1',
    usernsCloneOff: clone?.trim() === '0',
    // "unconfined\n", or "porthole-appimage (unconfined)" under a profile in unconfined mode.
    label: label === null ? null : label.replace(/\0/g, '').trim() || null,
  };
}

export const APPARMOR_PROFILE_NAME = 'porthole-appimage';
export const APPARMOR_PROFILE_FILE = `/etc/apparmor.d/${APPARMOR_PROFILE_NAME}`;

/** A path as an AppArmor profile attachment: in double quotes, its glob characters escaped. */
function apparmorPath(path: string): string {
  return `"${path.replace(/[\\"*?[\]{}^]/g, (c) => `\\${c}`)}"`;
}

/**
 * The profile that lets this AppImage (and only it) create user namespaces, as Ubuntu documents for
 * Chrome and other Electron AppImages document for theirs. Unconfined otherwise: it adds no rules.
 */
export function appArmorProfile(appImage: string): string {
  return [
    'abi <abi/4.0>,',
    'include <tunables/global>',
    '',
    `profile ${APPARMOR_PROFILE_NAME} ${apparmorPath(appImage)} flags=(unconfined) {`,
    '  userns,',
    '',
    `  include if exists <local/${APPARMOR_PROFILE_NAME}>`,
    '}',
    '',
  ].join('\n');
}

/** A word for sh, in single quotes. */
function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** The commands that install the profile and load it (no reboot, no log out). */
export function appArmorCommands(appImage: string, sudo: string): string[] {
  const lines = appArmorProfile(appImage).trimEnd().split('\n');
  return [
    `printf '%s\\n' ${lines.map(shellWord).join(' ')} | ${sudo}tee ${APPARMOR_PROFILE_FILE}`,
    `${sudo}apparmor_parser -r ${APPARMOR_PROFILE_FILE}`,
  ];
}

/** The readiness check: only for an AppImage, since the deb and rpm's setuid helper needs no namespaces. */
export function appImageSandboxCheck(f: AppImageSandboxFindings, sudo: string): CheckResult | null {
  if (!f.appImage) return null;
  const base = { id: 'appimage-sandbox', title: 'AppImage sandbox' };
  const why =
    'Chromium’s sandbox, which keeps Porthole’s windows apart from the rest of your system, needs unprivileged user ' +
    'namespaces when Porthole runs as an AppImage. Without them the AppImage cannot start; Porthole never turns the sandbox off instead.';
  if (f.usernsCloneOff) {
    return {
      ...base,
      status: 'fail',
      found: 'This kernel does not allow unprivileged user namespaces (kernel.unprivileged_userns_clone = 0).',
      why,
      fix: {
        text: 'Install Porthole’s .deb or .rpm package instead of the AppImage: its sandbox helper (chrome-sandbox, setuid root) needs no user namespaces.',
        commands: [],
      },
    };
  }
  const confined = f.label !== null && !/^unconfined$/.test(f.label);
  if (!f.apparmorRestricts || confined) {
    return {
      ...base,
      status: 'ok',
      found: f.apparmorRestricts
        ? `User namespaces are allowed to this AppImage by its AppArmor profile (${f.label}).`
        : 'This system allows unprivileged user namespaces.',
      why,
    };
  }
  return {
    ...base,
    status: 'fail',
    found:
      'This system (Ubuntu 24.04 and later, kernel.apparmor_restrict_unprivileged_userns = 1) allows user namespaces only to ' +
      `programs with an AppArmor profile, and ${f.appImage} has none.`,
    why,
    fix: {
      text:
        `Add an AppArmor profile for this AppImage’s path (${APPARMOR_PROFILE_FILE}: it allows user namespaces to that one file), ` +
        'then start Porthole again. If you move or rename the AppImage, change the path in the profile and load it again. ' +
        'Do not start it with --no-sandbox, and do not turn the restriction off for the whole system. ' +
        'Or install the .deb or .rpm package, which needs none of this.',
      commands: appArmorCommands(f.appImage, sudo),
    },
  };
}
