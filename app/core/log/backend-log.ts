import type { CallResult } from '../../api';
import type { BackendEvent } from '../backend-types';
import type { AppLog } from './app-log';

/** Actions that only read: a success is not worth a line (the UI calls some of them often). */
const READS = new Set([
  'listMachines',
  'getMachine',
  'storageUsage',
  'machineLogs',
  'screenEndpoint',
  'machinePassword',
  'adoptableContainers',
  'checkHost',
  'creationDefaults',
  'inspectIso',
  'engineStatus',
  'appLog',
  'exportCompose',
  'lastFrame',
  // The tiles save a running machine's picture every few seconds: a line each time would drown the log.
  'saveLastFrame',
]);

/**
 * What Porthole's log says about each call: the action, the machine or container it was about
 * (never the request itself, which may hold a password), and how it ended.
 */
export function logCall(log: AppLog, action: unknown, request: unknown, result: CallResult): void {
  const name = typeof action === 'string' ? action.slice(0, 64) : '(not a name)';
  const target = targetOf(request);
  if (!result.ok) {
    const level = result.error.code === 'INTERNAL' ? 'error' : 'warn';
    log[level](`${name} failed`, { ...target, code: result.error.code, message: result.error.message });
    return;
  }
  if (!READS.has(name)) log.info(name, target);
}

function targetOf(request: unknown): { id?: string; container?: string } {
  if (typeof request !== 'object' || request === null) return {};
  const r = request as { id?: unknown; containerId?: unknown };
  return {
    ...(typeof r.id === 'string' ? { id: r.id.slice(0, 80) } : {}),
    ...(typeof r.containerId === 'string' ? { container: r.containerId.slice(0, 80) } : {}),
  };
}

/**
 * Logs the backend's events that matter afterwards: the engine lost and found again, each machine's
 * phase changes (with a failure's cause), machines removed. Returns the listener to subscribe.
 */
export function eventLogger(log: AppLog): (event: BackendEvent) => void {
  const phases = new Map<string, string>();
  let engineConnected: boolean | undefined;
  return (event) => {
    switch (event.event) {
      case 'engineChanged': {
        const { connected, message } = event.payload;
        if (connected === engineConnected) return;
        engineConnected = connected;
        if (connected) log.info('engine connected', { engine: event.payload.endpoint ?? null });
        else log.warn('engine not reachable', { message: message ?? null });
        return;
      }
      case 'machineChanged': {
        const { id, status } = event.payload;
        if (phases.get(id) === status.phase) return;
        phases.set(id, status.phase);
        if (status.phase === 'failed') {
          log.error('machine failed', {
            id,
            exit: status.failure?.exitCode ?? null,
            cause: status.failure?.cause ?? null,
          });
        } else {
          log.info('machine phase', { id, phase: status.phase, message: status.message ?? null });
        }
        return;
      }
      case 'machineRemoved':
        phases.delete(event.payload.id);
        log.info('machine removed', { id: event.payload.id });
        return;
      default:
        return;
    }
  };
}
