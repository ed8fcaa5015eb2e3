import type { FormField } from '../machine-form/form/machine-form';

export interface WizardStep {
  id: string;
  title: string;
  /** What the step asks, in one line under its title. */
  intro: string;
  fields: readonly FormField[];
}

export const STEPS: readonly WizardStep[] = [
  {
    id: 'windows',
    title: 'Windows',
    intro: 'Which Windows to install. Porthole downloads it from Microsoft, or installs from an ISO file you have.',
    fields: ['name', 'source', 'version', 'customIso'],
  },
  {
    id: 'account',
    title: 'Language and account',
    intro: 'These start out like this computer’s. Windows is installed with them.',
    fields: ['language', 'region', 'keyboard', 'username', 'password'],
  },
  {
    id: 'resources',
    title: 'Resources',
    intro: 'What Windows may use of this computer while it runs. You can change these later.',
    fields: ['ramGiB', 'cpuCores', 'diskGiB', 'storageLocation'],
  },
  {
    id: 'options',
    title: 'Sharing and options',
    intro: 'Folders to share with Windows, hardware acceleration, and advanced settings.',
    fields: ['sharedFolders', 'softwareEmulation', 'image', 'autoStart'],
  },
  { id: 'review', title: 'Review', intro: 'Check everything, then create the machine. It starts right away.', fields: [] },
];

/** The step that asks for a field. */
export function stepOf(field: FormField): number {
  const index = STEPS.findIndex((s) => s.fields.includes(field));
  return index < 0 ? STEPS.length - 1 : index;
}
