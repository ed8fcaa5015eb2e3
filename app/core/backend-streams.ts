import { isStreamName, PortholeError, streams, toEnvelope, type MachineView, type StreamHandlers } from '../api';
import type { BackendEvents } from './backend-events';
import { describeActionName, type Backend, type BackendEvent } from './backend-types';
import type { EngineClient } from './engine/client';
import type { Machines } from './lifecycle/machines';
import { machineStatsStreams } from './lifecycle/machine-stats';
import type { AppLog } from './log/app-log';
import { logCall } from './log/backend-log';
import { followMachineLog } from './log/log-follow';

/** The contract's streams: live graphs and a machine's log. `stats.streams` is disposed with the backend. */
export function backendStreams(deps: { engine: () => EngineClient; machines: Machines; events: BackendEvents }): {
  handlers: StreamHandlers;
  stats: ReturnType<typeof machineStatsStreams>;
} {
  const { engine, machines, events } = deps;
  // Live graphs: one engine stats stream per machine while anyone looks (lifecycle/machine-stats.ts).
  const stats = machineStatsStreams({
    engine,
    containerId: (id) => machines.containerId(id),
    running: (id) => machines.get(id).status.running,
  });
  const handlers: StreamHandlers = {
    machineStats: ({ id }, sink) => stats.open(id, sink),
    machineLog: async ({ id, tail }, sink) => {
      let current: MachineView = machines.get(id);
      return followMachineLog(
        {
          containerId: () => machines.containerId(id),
          engine,
          view: () => current,
          onViewChange: (listener) =>
            events.on((e: BackendEvent): void => {
              if (e.event === 'machineChanged' && e.payload.id === id) listener((current = e.payload));
              if (e.event === 'machineRemoved' && e.payload.id === id)
                sink.end(new PortholeError('NOT_FOUND', 'The machine was deleted.'));
            }),
        },
        tail,
        (item) => sink.item(item),
        (err) => sink.end(err instanceof PortholeError ? err : new PortholeError('INTERNAL', err.message)),
      );
    },
  };
  return { handlers, stats };
}

/** Backend.openStream on a table of stream handlers: the name and request checked, never throws. */
export async function openStream(
  handlers: StreamHandlers,
  appLog: AppLog | null,
  ...[stream, request, sink]: Parameters<Backend['openStream']>
): ReturnType<Backend['openStream']> {
  try {
    if (!isStreamName(stream)) {
      throw new PortholeError('INVALID_ARGUMENT', `Unknown stream ${describeActionName(stream)}.`);
    }
    const parsed: unknown = streams[stream].request.parse(request ?? {});
    let ended = false;
    // Set once the handler returns; an end that comes before that closes it then.
    const opened: { close?: () => void } = {};
    const handler = handlers[stream] as unknown as (
      req: unknown,
      sink: { item(item: unknown): void; end(error?: PortholeError): void },
    ) => Promise<() => void>;
    opened.close = await handler(parsed, {
      item: (item) => {
        if (!ended) sink.item(item);
      },
      end: (error) => {
        if (ended) return;
        ended = true;
        opened.close?.();
        sink.end(error ? toEnvelope(error) : undefined);
      },
    });
    if (ended) opened.close();
    return {
      ok: true,
      close: () => {
        ended = true;
        opened.close?.();
      },
    };
  } catch (err) {
    const error = toEnvelope(err);
    if (appLog)
      logCall(appLog, `open ${typeof stream === 'string' ? stream : 'stream'}`, request, { ok: false, error });
    return { ok: false, error };
  }
}
