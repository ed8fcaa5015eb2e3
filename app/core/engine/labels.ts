// What the engine layer reads on Porthole's containers: below the machine model (machine/spec.ts re-exports them).

/** Labels every Porthole container carries; the engine layer finds machines by MACHINE_LABEL. */
export const MACHINE_LABEL = 'io.porthole.machine';
/** The Porthole configuration (lifecycle/config-instance-id.ts) that made the container: only it drives the container. */
export const INSTANCE_LABEL = 'io.porthole.instance';
/** The nonce of the machine record the container was made for (store: MachineRecord.nonce), when it has one. */
export const RECORD_LABEL = 'io.porthole.record';

/** Docker's default of 10 s hard-kills Windows mid-write; the image itself gives Windows 105 s (TIMEOUT). */
export const STOP_TIMEOUT_SECONDS = 120;
