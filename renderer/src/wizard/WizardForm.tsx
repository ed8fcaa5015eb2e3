import { useCallback, useRef, type FormEvent } from 'react';
import type { CreationDefaults, IsoInfo, MachineView } from '@porthole/api';
import { useIsoDropClaim } from '../drop/claim';
import { newMachineFolder, type MachineForm } from '../machine-form/form/machine-form';
import { CreatedButStoppedPanel } from './CreatedButStoppedPanel';
import { ExistingInstallChoice } from './ExistingInstall';
import { STEPS, stepOf } from './steps';
import { useCreateMachine } from './use-create-machine';
import { useWizardForm } from './use-wizard-form';
import { useWizardSteps } from './use-wizard-steps';
import { WizardFooter } from './WizardFooter';
import { WizardStepBody } from './WizardStepBody';
import { WizardStepHeader } from './WizardStepHeader';
import { WizardStepNav } from './WizardStepNav';

/** An ISO dropped on the window while the wizard is open becomes its ISO (shown on the first step). */
function useDroppedIso(update: (part: Partial<MachineForm>) => void, setStep: (step: number) => void): void {
  const onDroppedIso = useCallback(
    (path: string, _info: IsoInfo) => {
      update({ source: 'iso', customIso: path });
      setStep(0);
    },
    [update, setStep],
  );
  useIsoDropClaim('Drop the ISO to install the new machine from it', onDroppedIso);
}

/** `#/new`: a new machine in four steps. Measures the host first: every default comes from it. */

/** The wizard's steps, from the defaults measured for this computer. */
export function WizardForm({ initial, machines }: { initial: CreationDefaults; machines: readonly MachineView[] }) {
  const wizard = useWizardForm(initial, machines);
  const { form, effective, errors, update, existingInstall } = wizard;
  const { step, setStep, visible, stepProblems, reachable, advance, attemptAll } = useWizardSteps(
    errors,
    wizard.touched,
  );
  const { creating, createError, stopped, create } = useCreateMachine(machines, wizard.freeze);
  const body = useRef<HTMLDivElement>(null);

  useDroppedIso(update, setStep);

  const focusSoon = (selector: string): void => {
    setTimeout(() => body.current?.querySelector<HTMLElement>(selector)?.focus(), 0);
  };

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    if (creating) return;
    if (STEPS[step]?.id !== 'review') {
      if (!advance()) focusSoon('[aria-invalid="true"]');
    } else if (Object.keys(errors).length > 0) attemptAll();
    else void create(effective, wizard.host.storageRoot);
  };

  if (stopped) return <CreatedButStoppedPanel stopped={stopped} />;

  const current = STEPS[step]!;
  const machineFolder = errors.storageLocation ? null : newMachineFolder(effective);
  const chooseAnotherFolder = (): void => {
    update({ useExistingInstall: false });
    setStep(stepOf('storageLocation'));
    // The storage location is typed or picked there; a new name gives a new folder too.
    focusSoon('.storage-location input');
  };
  const existingNotice = existingInstall ? (
    <ExistingInstallChoice
      found={existingInstall}
      using={effective.useExistingInstall === true}
      onUse={() => {
        // The image never shrinks a disk: the machine takes the kept disk's size when that is larger.
        const kept = existingInstall.diskGiB;
        update({ useExistingInstall: true, ...(kept !== undefined && kept > form.diskGiB ? { diskGiB: kept } : {}) });
      }}
      onChooseAnother={chooseAnotherFolder}
      error={visible.useExistingInstall}
    />
  ) : null;

  return (
    <form className="wizard" aria-label="New machine" onSubmit={submit} noValidate>
      <WizardStepNav
        step={step}
        done={(i) => i < step && stepProblems(i).length === 0}
        reachable={reachable}
        disabled={creating !== null}
        onStep={setStep}
      />

      <section className="wizard-page" aria-labelledby="wizard-step-title">
        <WizardStepHeader current={current} index={step} count={STEPS.length} />

        <div className="wizard-body" ref={body} data-testid={`wizard-step-${current.id}`}>
          <WizardStepBody
            current={current}
            wizard={wizard}
            visible={visible}
            machineFolder={machineFolder}
            existingNotice={existingNotice}
            onEdit={setStep}
          />
        </div>

        {createError ? (
          <div className="failure" role="alert">
            {createError}
          </div>
        ) : null}

        <WizardFooter
          step={step}
          review={current.id === 'review'}
          blocking={Object.values(errors)}
          creating={creating}
          onBack={() => setStep((s) => s - 1)}
        />
      </section>
    </form>
  );
}
