import { join } from 'node:path';
import type { HostReport } from '../api';
import type { BackendEvents } from './backend-events';
import type { BackendOptions } from './backend-options';
import { checkHost, watchHost, type HostCheckOptions } from './host';
import { LastFrames } from './frames/last-frames';
import { AppLog } from './log/app-log';
import { eventLogger } from './log/backend-log';
import { MachineSecrets, SecretService } from './secrets';
import { MachineStore } from './store/machine-store';

/** What the backend keeps on this computer: its log, the machine file, the passwords, the last frames. */
export interface BackendStores {
  appLog: AppLog | null;
  frames: LastFrames;
  store: MachineStore;
  secrets: MachineSecrets;
  /** What every check of the host reads. */
  hostOptions: HostCheckOptions;
  /** Moves the passwords still in the machine file to a keyring that answers; a failure is only warned of. */
  migrate(): Promise<void>;
}

/** The stores opened and the machine file read; `cacheDir`: where the last frames go. */
export async function openStores(
  options: BackendOptions,
  env: NodeJS.ProcessEnv,
  cacheDir: string,
  events: BackendEvents,
): Promise<BackendStores> {
  // Porthole's own log: lifecycle, errors, engine reconnects. Never a request or a settings object.
  const appLog = options.stateDir
    ? new AppLog({ dir: options.stateDir, level: env.PORTHOLE_LOG_LEVEL === 'debug' ? 'debug' : 'info' })
    : null;
  if (appLog) events.on(eventLogger(appLog));

  const frames = new LastFrames(join(cacheDir, 'frames'));
  const store = new MachineStore(options.configDir);
  await store.load();
  // The second line of defence: passwords Porthole already knows are blanked out of any log line.
  for (const record of store.list()) appLog?.addSecret(record.settings.password);

  // Every check of the host re-probes the keyring: the checklist says where passwords go, and one
  // that answers (again) takes the passwords still in the file.
  const secrets = new MachineSecrets(new SecretService({ env, configDir: options.configDir }));
  const hostOptions: HostCheckOptions = {
    env,
    storageDir: options.dataDir,
    passwords: () => secrets.refresh(),
    // A remote engine's KVM/disk probe runs in an image machines already use there.
    probeImages: () => store.list().map((r) => r.settings.image),
    ...options.hostCheck,
  };
  const migrate = (): Promise<void> =>
    secrets.migrate(store).then(
      () => undefined,
      (err: unknown) =>
        process.emitWarning(
          `Porthole: moving passwords to the desktop keyring failed: ${err instanceof Error ? err.message : String(err)}`,
        ),
    );
  return { appLog, frames, store, secrets, hostOptions, migrate };
}

/** The host's last report: checked now, again on request, and on every change the watch sees. */
export interface HostChecks {
  report(): HostReport;
  recheck(): Promise<HostReport>;
  /** Follows the host (a socket or /dev/kvm appearing); returns what stops it. */
  watch(): () => void;
}

export async function hostChecks(stores: BackendStores, events: BackendEvents): Promise<HostChecks> {
  const { hostOptions, migrate } = stores;
  let hostReport: HostReport = await checkHost(hostOptions);
  await migrate();
  return {
    report: () => hostReport,
    async recheck() {
      hostReport = await checkHost(hostOptions);
      await migrate();
      events.emit({ event: 'hostChanged', payload: hostReport });
      return hostReport;
    },
    watch: () =>
      watchHost(hostOptions, (report) => {
        hostReport = report;
        void migrate();
        events.emit({ event: 'hostChanged', payload: report });
      }),
  };
}
