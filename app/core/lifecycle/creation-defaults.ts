import { join } from 'node:path';
import type { CreationDefaults, HostFacts } from '../../api';
import { DEFAULT_IMAGE, kvmHostOf, versionRequirements } from '../../api';
import { hostContext } from '../host/context';
import { readDiskSpace, type DiskSpace } from '../host/resources';
import { defaultCpuCores, defaultRamGiB, defaultUsername, localeFromEnv, DEFAULT_DISK_GIB } from '../machine/defaults';
import { keyboardFromXkb } from '../../api';
import { readHostKeyboard } from '../machine/keyboard';
import type { EngineHostFs } from '../storage/engine-host-fs';
import { readExistingInstall } from '../storage/existing-install';

/** The wizard's starting point: host limits, free space where the disk would go, the host's locale. */
export async function creationDefaults(
  request: { storageDir?: string | undefined },
  ctx: {
    dataDir: string;
    env: NodeJS.ProcessEnv;
    facts: HostFacts;
    /** A remote engine: free space is measured on its computer (engine-host-probe.ts), never here. */
    remote?: { host: string; diskSpace: (storageDir: string) => Promise<DiskSpace>; fs?: EngineHostFs };
  },
): Promise<CreationDefaults> {
  const storageRoot = join(ctx.dataDir, 'machines');
  const storageDir = request.storageDir ?? storageRoot;
  const [disk, xkb, found] = await Promise.all([
    ctx.remote
      ? ctx.remote
          .diskSpace(storageDir)
          .catch((err: unknown): DiskSpace => ({ storageDir, measuredAt: null, freeBytes: null, error: String(err) }))
      : readDiskSpace(hostContext({ env: ctx.env, storageDir })),
    readHostKeyboard().catch(() => undefined),
    // Only a folder asked about: the default location itself is never one machine's folder.
    request.storageDir ? readExistingInstall(request.storageDir, ctx.remote?.fs).catch(() => undefined) : undefined,
  ]);
  const locale = localeFromEnv(ctx.env);
  const keyboard = keyboardFromXkb(xkb?.layout, xkb?.variant);
  const { minDiskGiB } = versionRequirements('11');
  return {
    ramTotalBytes: ctx.facts.ramTotalBytes,
    ramAvailableBytes: ctx.facts.ramAvailableBytes,
    cpuThreads: ctx.facts.cpuThreads,
    storageRoot,
    freeDiskBytes: disk.freeBytes,
    storageExists: disk.measuredAt === storageDir,
    ...(ctx.remote ? { storageHost: ctx.remote.host } : {}),
    language: locale.language,
    ...(locale.region ? { region: locale.region } : {}),
    ...(keyboard ? { keyboard } : {}),
    username: defaultUsername(ctx.env),
    ...kvmHostOf(ctx.facts),
    ramGiB: defaultRamGiB(ctx.facts.ramTotalBytes),
    cpuCores: defaultCpuCores(ctx.facts.cpuThreads),
    diskGiB: Math.max(DEFAULT_DISK_GIB, minDiskGiB),
    image: ctx.env.PORTHOLE_DEFAULT_IMAGE?.trim() || DEFAULT_IMAGE,
    ...(found?.installed
      ? {
          existingInstall: {
            ...(found.diskGiB !== undefined ? { diskGiB: found.diskGiB } : {}),
            ...(found.versionFile ? { versionFile: found.versionFile } : {}),
          },
        }
      : {}),
  };
}
