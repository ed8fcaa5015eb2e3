/** The new-machine form is the wizard (renderer/src/wizard). */
export { Wizard as NewMachine } from '../wizard/Wizard';
