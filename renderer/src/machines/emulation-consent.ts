/** The consent to software emulation, in the same words wherever Porthole asks for it (wizard, settings, a failure). */
export const EMULATION_CONSENT = 'Run Windows in software emulation (no KVM, about 10× slower)';
