import { machineActionVerb } from '../machine-action';

// Its help line is start's ("start ID | stop ID | restart ID | kill ID").
export const verb = machineActionVerb('stopMachine', '');
