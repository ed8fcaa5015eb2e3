import { useCallback, useEffect, useState } from 'react';
import type { EngineStatus, HostReport, MachineView } from '@porthole/api';
import { onBackendConnection, porthole } from '../api/porthole';

/** All machines, live: loaded once, then kept current by events (and re-read after a reconnect). */
export function useMachines(): { machines: MachineView[]; loaded: boolean; error: string | null } {
  const [machines, setMachines] = useState<MachineView[]>([]);
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(() => {
    porthole()
      .listMachines({})
      .then((list) => {
        setMachines(list);
        setLoaded(true);
        setError(null);
      })
      .catch((e: Error) => setError(e.message));
  }, []);

  useEffect(() => {
    const api = porthole();
    const offChanged = api.subscribe('machineChanged', (view) =>
      setMachines((list) => {
        const index = list.findIndex((m) => m.id === view.id);
        if (index < 0) return [...list, view];
        const next = list.slice();
        next[index] = view;
        return next;
      }),
    );
    const offRemoved = api.subscribe('machineRemoved', ({ id }) =>
      setMachines((list) => list.filter((m) => m.id !== id)),
    );
    const offConnection = onBackendConnection((connected) => {
      if (connected) load();
    });
    load();
    return () => {
      offChanged();
      offRemoved();
      offConnection();
    };
  }, [load]);

  return { machines, loaded, error };
}

export function useEngineStatus(): EngineStatus | null {
  const [status, setStatus] = useState<EngineStatus | null>(null);
  useEffect(() => {
    const api = porthole();
    const off = api.subscribe('engineChanged', setStatus);
    api.engineStatus({}).then(setStatus, () => undefined);
    return off;
  }, []);
  return status;
}

export function useHostReport(): { report: HostReport | null; recheck: () => void; checking: boolean } {
  const [report, setReport] = useState<HostReport | null>(null);
  const [checking, setChecking] = useState(false);
  const recheck = useCallback(() => {
    setChecking(true);
    porthole()
      .checkHost({})
      .then(setReport, () => undefined)
      .finally(() => setChecking(false));
  }, []);
  useEffect(() => {
    const api = porthole();
    const off = api.subscribe('hostChanged', setReport);
    api.checkHost({}).then(setReport, () => undefined);
    return off;
  }, []);
  return { report, recheck, checking };
}
