import { useEffect, useState } from 'react';
import type { DeletePlan, SnapshotView } from '@porthole/api';
import { porthole } from '../api/porthole';
import { errorText } from '../ui/error-text';

/** Where the delete is: choosing, measuring the disk, confirming its plan, or deleting (with the disk or without). */
export type DeleteStep =
  | { at: 'choose' }
  | { at: 'measuring' }
  | { at: 'confirm'; plan: DeletePlan }
  | { at: 'deleting'; deleteDisk: boolean };

/**
 * A machine's delete: its snapshots (they live outside the storage folder and stay unless `deleteSnapshots`, the
 * backend's default too), `measure` for the disk's plan (storageUsage), and `remove`, with or without the disk.
 */
export function useMachineDelete(machineId: string, onDeleted: () => void) {
  const [step, setStep] = useState<DeleteStep>({ at: 'choose' });
  const [error, setError] = useState<string | null>(null);
  const [snapshots, setSnapshots] = useState<SnapshotView[]>([]);
  const [deleteSnapshots, setDeleteSnapshots] = useState(false);
  useEffect(() => {
    porthole()
      .listSnapshots({ id: machineId })
      .then(setSnapshots, () => setSnapshots([]));
  }, [machineId]);

  const remove = async (withDisk: boolean): Promise<void> => {
    setError(null);
    setStep({ at: 'deleting', deleteDisk: withDisk });
    try {
      await porthole().deleteMachine({
        id: machineId,
        deleteDisk: withDisk,
        ...(deleteSnapshots ? { deleteSnapshots: true } : {}),
      });
      onDeleted();
    } catch (e) {
      setError(`${errorText(e)} The machine was not deleted.`);
      setStep({ at: 'choose' });
    }
  };

  const measure = async (): Promise<void> => {
    setError(null);
    setStep({ at: 'measuring' });
    try {
      const plan = await porthole().storageUsage({ id: machineId });
      setStep({ at: 'confirm', plan });
    } catch (e) {
      setError(`Porthole could not measure what the disk holds: ${errorText(e)} Nothing was deleted.`);
      setStep({ at: 'choose' });
    }
  };

  return { step, setStep, error, snapshots, deleteSnapshots, setDeleteSnapshots, remove, measure };
}
