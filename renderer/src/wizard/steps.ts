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
    fields: ['name', 'source', 'version', 'customIso', 'useExistingInstall'],
  },
  {
    id: 'account',
    title: 'Language and account',
    intro: 'These start out like this computer’s. Windows is installed with them.',
    fields: ['language', 'region', 'keyboard', 'username', 'password'],
  },
  // One step for resources and options: the wizard's whole path stays within six clicks (Next ×3, Generate,
  // Create, and the software-emulation consent where this computer needs it).
  {
    id: 'resources',
    title: 'Resources and sharing',
    intro:
      'What Windows may use of this computer, folders to share with it, and how it runs. You can change these later.',
    fields: [
      'ramGiB',
      'cpuCores',
      'diskGiB',
      'storageLocation',
      'softwareEmulation',
      'sharedFolders',
      'image',
      'autoStart',
    ],
  },
  {
    id: 'review',
    title: 'Review',
    intro: 'Check everything, then create the machine. It starts right away.',
    fields: [],
  },
];

/** The step that asks for a field. */
export function stepOf(field: FormField): number {
  const index = STEPS.findIndex((s) => s.fields.includes(field));
  return index < 0 ? STEPS.length - 1 : index;
}
