import type { CallResult } from '../api';
import { connectEngine, engineHooks, engineTarget, wireEngine } from './backend-engine';
import { backendEvents } from './backend-events';
import { backendHandlers } from './backend-handlers';
import { wireMachines, type BackendMachines } from './backend-machines';
import { defaultCacheDir, engineDeadlineFromEnv, type BackendOptions } from './backend-options';
import { hostChecks, openStores } from './backend-stores';
import { backendStreams, openStream } from './backend-streams';
import { dispatch, type Backend } from './backend-types';
import { logCall } from './log/backend-log';
import { secretsOf } from './log/secret-values';

export type { Backend, BackendEvent, BackendListener } from './backend-types';
export { defaultCacheDir, defaultDirs, engineDeadlineFromEnv, type BackendOptions } from './backend-options';

/**
 * Builds the one backend: core services plus a handler table keyed by the contract.
 * Electron IPC, the web host and the CLI all serve this same table.
 * The parts, in order: the stores (backend-stores.ts), the host's checks, the engine (backend-engine.ts),
 * the machines and what works on them (backend-machines.ts), the engine connected, the watches, the
 * handler table (backend-handlers.ts) and the streams (backend-streams.ts).
 */
export async function createBackend(options: BackendOptions): Promise<Backend> {
  const env = options.env ?? process.env;
  const events = backendEvents();
  const stores = await openStores(options, env, options.cacheDir ?? defaultCacheDir(env), events);
  const { appLog, store } = stores;
  const host = await hostChecks(stores, events);
  const target = await engineTarget(env);
  // The connection is made here, started below: its hooks reach the machines only once they exist.
  const engine = wireEngine(target, {
    env,
    dataDir: options.dataDir,
    store,
    deadlineMs: options.engineDeadlineMs ?? engineDeadlineFromEnv(env),
    listener: engineHooks({ store, events, autoStartMachines: options.autoStartMachines }, () => parts.machines),
  });
  const parts: BackendMachines = wireMachines({
    env,
    dataDir: options.dataDir,
    configDir: options.configDir,
    cliCommand: options.cliCommand,
    watch: options.watch !== false,
    stores,
    host,
    engine,
    events,
  });
  const { machines } = parts;
  await connectEngine(engine.connection, options.engineWaitMs);
  appLog?.info('backend started', { pid: process.pid, machines: store.list().length });

  const stopWatchingHost = options.watch === false ? () => undefined : host.watch();
  const stopWatchingStore =
    options.watch === false ? () => undefined : store.watch((change) => void machines.onExternalChange(change));

  const handlers = backendHandlers({ env, dataDir: options.dataDir, stores, host, engine, parts, events });
  const streams = backendStreams({ engine: engine.engine, machines, events });

  return {
    handlers,
    async invoke(action: unknown, request: unknown): Promise<CallResult> {
      const result = await dispatch(handlers, action, request);
      if (appLog) {
        // A password asked for, set or shown is one to keep out of the log from now on.
        for (const secret of [...secretsOf(request), ...(result.ok ? secretsOf(result.value) : [])])
          appLog.addSecret(secret);
        logCall(appLog, action, request, result);
      }
      return result;
    },
    openStream: (stream, request, sink) => openStream(streams.handlers, appLog, stream, request, sink),
    subscribe: (listener) => events.on(listener),
    async dispose() {
      stopWatchingHost();
      stopWatchingStore();
      parts.stopServingChannels();
      parts.hotplug?.dispose();
      engine.connection.dispose();
      machines.dispose();
      await engine.addresses.dispose();
      streams.stats.streams.dispose();
      events.clear();
      appLog?.info('backend closed');
    },
  };
}
