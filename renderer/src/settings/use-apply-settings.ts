import { useState } from 'react';
import type { ChangeEffect, MachineChanges, MachineView } from '@porthole/api';
import { porthole } from '../api/porthole';
import type { MachineForm } from '../machine-form/form/machine-form';
import { errorText } from '../ui/error-text';
import type { SettingsChanges } from './settings-changes';

type Saved = { appliesAt: ChangeEffect } | { asked: string } | { failed: string };

/** Saves the changes: when they apply, what the backend asks the person to agree to first, or why it failed. */
async function saveChanges(id: string, changes: MachineChanges, confirmed: boolean): Promise<Saved> {
  try {
    const { appliesAt } = await porthole().updateMachine({ id, changes, ...(confirmed ? { confirmed: true } : {}) });
    return { appliesAt };
  } catch (e) {
    if ((e as { code?: unknown }).code === 'CONFIRMATION_NEEDED' && !confirmed) {
      return { asked: (e as Error).message.replace(/ Nothing was changed\.$/, '') };
    }
    return { failed: `${errorText(e)} Nothing was changed.` };
  }
}

/** Shuts the running machine down, recreates it with the saved settings and starts it; why not, when it failed. */
async function restartWithSettings(id: string): Promise<string | null> {
  try {
    await porthole().applyMachine({ id });
    return null;
  } catch (e) {
    return `The settings are saved, but the machine did not restart with them: ${errorText(e)} They apply at its next start.`;
  }
}

/**
 * Saving the settings (updateMachine), restarting a running machine into them when they need it
 * (applyMachine), and the dialog that asks first; with what the page says about it meanwhile.
 */
export function useApplySettings(
  machine: MachineView,
  plan: SettingsChanges,
  setForm: (change: (f: MachineForm) => MachineForm) => void,
) {
  const [confirming, setConfirming] = useState(false);
  /** What the backend asked the person to agree to before it saves (a disk that can outgrow the free space). */
  const [asked, setAsked] = useState<string | null>(null);
  const [working, setWorking] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [notice, setNotice] = useState<string | null>(null);
  // After "Restart and apply": the outcome follows the machine's live phase, not the call's answer alone.
  const [following, setFollowing] = useState(false);
  const { changes, effect, running, installOnly, cautions } = plan;

  /** `confirmed`: the person agreed in the dialog to everything it said (the cautions, and what the backend asked). */
  const apply = async (confirmed = false): Promise<void> => {
    setConfirming(false);
    setError(null);
    setNotice(null);
    setFollowing(false);
    setWorking('Saving…');
    const saved = await saveChanges(machine.id, changes, confirmed);
    if (!('appliesAt' in saved)) {
      setWorking(null);
      // Asked, not refused: say what it means in the dialog, and save only once the person agrees.
      if ('asked' in saved) {
        setAsked(saved.asked);
        setConfirming(true);
      } else setError(saved.failed);
      return;
    }
    const { appliesAt } = saved;
    setAsked(null);
    setForm((f) => ({ ...f, password: '' }));
    if (installOnly) {
      setNotice('Saved for a new installation: the installed Windows keeps its own. Change it inside Windows.');
    } else if (appliesAt === 'recreate' && running) {
      setWorking('Shutting Windows down, recreating the machine and starting it again…');
      const failed = await restartWithSettings(machine.id);
      if (failed) setError(failed);
      else setFollowing(true);
    } else {
      setNotice(appliesAt === 'now' ? 'Saved.' : 'Saved: the changes apply at the machine’s next start.');
    }
    setWorking(null);
  };

  return {
    confirming,
    asked,
    working,
    error,
    notice,
    following,
    apply,
    /** Apply: asks first when the machine restarts for it, or when a change deserves a caution. */
    onApply: (): void => {
      if ((effect === 'recreate' && running && !installOnly) || cautions.length > 0) setConfirming(true);
      else void apply();
    },
    cancel: (): void => {
      setConfirming(false);
      setAsked(null);
    },
    /** Anything typed makes the last message stale. */
    clear: (): void => {
      setNotice(null);
      setError(null);
      setFollowing(false);
    },
    power: (op: 'start' | 'stop'): void => {
      setError(null);
      setNotice(null);
      const api = porthole();
      (op === 'start' ? api.startMachine({ id: machine.id }) : api.stopMachine({ id: machine.id })).catch(
        (e: unknown) => setError(errorText(e)),
      );
    },
  };
}
