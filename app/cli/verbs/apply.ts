import { machineActionVerb } from '../machine-action';

export const verb = machineActionVerb(
  'applyMachine',
  "  apply ID                    Recreate the machine's container with its current settings (keeps the disk)\n",
);
