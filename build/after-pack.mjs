// electron-builder afterPack hook: flips Electron's fuses in the packed binary, before the
// AppImage/deb/rpm/tar.gz are made from it. Fuses are compile-time switches baked into the
// executable, so nothing at run time (env vars, flags) can turn these features back on.
import { chmod, copyFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FuseV1Options, FuseVersion, flipFuses, getCurrentFuseWire } from '@electron/fuses';

// A fuse's byte in the wire: ASCII '1' on, '0' off (@electron/fuses does not export these).
const ENABLED = 0x31;
const DISABLED = 0x30;

/** What each fuse must be in a released Porthole. */
export const PORTHOLE_FUSES = {
  // ELECTRON_RUN_AS_NODE would turn the app into a plain Node interpreter.
  [FuseV1Options.RunAsNode]: false,
  // NODE_OPTIONS could inject code into the main process.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect / --inspect-brk would open a debugger on the main process.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // Check app.asar against the hash electron-builder embeds (enforced where Electron supports it).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Load the app only from app.asar, never from a loose app/ folder placed beside it.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // file:// pages get no extra privileges (reading other local files): ours is served from the
  // privileged porthole:// scheme (app/main/page.ts), as the Electron security checklist advises.
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
};

/** Flips and verifies the fuses of one Electron executable. */
export async function flipPortholeFuses(executable) {
  await flipFuses(executable, { version: FuseVersion.V1, ...PORTHOLE_FUSES });

  // Read the wire back: a fuse that did not flip must fail the build, not ship.
  const wire = await getCurrentFuseWire(executable);
  const wrong = Object.entries(PORTHOLE_FUSES).filter(([fuse, enabled]) => {
    const state = wire[fuse];
    return state !== (enabled ? ENABLED : DISABLED);
  });
  if (wrong.length > 0) {
    const names = wrong.map(([fuse]) => FuseV1Options[Number(fuse)]).join(', ');
    throw new Error(`after-pack: these Electron fuses did not take their value in ${executable}: ${names}`);
  }
}

/** build/launcher.sh: runs Electron, or says how to let an AppImage's sandbox start (see its comments). */
export const LAUNCHER = fileURLToPath(new URL('./launcher.sh', import.meta.url));

/**
 * Moves Electron to `<name>.bin` and puts the launcher in its place (the deb's /usr/bin link, the AppImage's
 * AppRun and the desktop entry all start `<name>`); returns Electron's new path.
 */
export async function installLauncher(appOutDir, executableName) {
  const executable = join(appOutDir, executableName);
  const binary = `${executable}.bin`;
  await rename(executable, binary);
  await copyFile(LAUNCHER, executable);
  await chmod(executable, 0o755);
  return binary;
}

export default async function afterPack(context) {
  if (context.electronPlatformName !== 'linux') {
    throw new Error(`after-pack: Porthole packages for Linux only, not ${context.electronPlatformName}.`);
  }
  const binary = await installLauncher(context.appOutDir, context.packager.executableName);
  await flipPortholeFuses(binary);
  console.log(
    `  • fuses flipped in ${binary}, launcher at ${join(context.appOutDir, context.packager.executableName)}`,
  );
}
