import type { StatsSample } from '@porthole/api';
import { porthole } from '../api/porthole';

/** Opens a machine's stats for one viewer; returns what closes it. `onEnd` when the machine stops or the stream fails. */
export type OpenStats = (
  id: string,
  onSample: (sample: StatsSample) => void,
  onEnd: (error?: Error) => void,
) => () => void;

/** The contract's `machineStats` stream: Electron IPC or the web host, whichever this page runs on. */
export const openMachineStats: OpenStats = (id, onSample, onEnd) =>
  porthole().openStream('machineStats', { id }, onSample, onEnd);
