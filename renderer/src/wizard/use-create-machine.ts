import { useState } from 'react';
import type { MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { navigate } from '../app/hash-route';
import { draftFromForm, type MachineForm } from '../machine-form/form/machine-form';
import { errorText } from '../ui/error-text';
import { startAndWatch } from './start-and-settle';

export interface CreatedButStopped {
  name: string;
  message: string;
}

/** Creates the machine, then starts it: what is going on, what failed, and a machine created that did not start. */
export function useCreateMachine(
  machines: readonly MachineView[],
  freeze: (others: readonly MachineView[] | null) => void,
) {
  const [creating, setCreating] = useState<string | null>(null);
  const [createError, setCreateError] = useState<string | null>(null);
  const [stopped, setStopped] = useState<CreatedButStopped | null>(null);

  const create = async (form: MachineForm, storageRoot: string): Promise<void> => {
    const api = porthole();
    setCreateError(null);
    setCreating('Creating the machine…');
    freeze([...machines]);
    let view: MachineView;
    try {
      view = await api.createMachine(draftFromForm(form, storageRoot));
    } catch (e) {
      freeze(null);
      setCreating(null);
      setCreateError(`Porthole could not create the machine: ${errorText(e)} Nothing was created.`);
      return;
    }
    setCreating(`Starting “${view.name}”…`);
    try {
      await startAndWatch(api, view.id);
      navigate('/');
    } catch (e) {
      setCreating(null);
      setStopped({ name: view.name, message: errorText(e) });
    }
  };

  return { creating, createError, stopped, create };
}
