import { actions, machineSettingsSchema } from '../api';

/** A mistake in how the command was typed: exit 2, nothing changed. */
export class UsageError extends Error {}

export interface NumberOptions {
  ram?: number;
  cpus?: number;
  disk?: number;
  tail?: number;
}

/** The numeric options, read before anything else happens: a bad one is a usage error that changes nothing. */
export function numberOptions(values: { ram?: string; cpus?: string; disk?: string; tail?: string }): NumberOptions {
  const shape = machineSettingsSchema.shape;
  const out: NumberOptions = {};
  if (values.ram !== undefined) out.ram = toInt(values.ram, '--ram', shape.ramGiB);
  if (values.cpus !== undefined) out.cpus = toInt(values.cpus, '--cpus', shape.cpuCores);
  if (values.disk !== undefined) out.disk = toInt(values.disk, '--disk', shape.diskGiB);
  if (values.tail !== undefined)
    out.tail = toInt(values.tail, '--tail', actions.machineLogs.request.shape.tail.removeDefault());
  return out;
}

/**
 * Plain decimal digits only: Number() would also take "", " 8", "0x8", "1e1" and "8.0". The range
 * is the contract's, so the CLI never sends what the backend would refuse.
 */
function toInt(text: string, flag: string, range: { minValue: number | null; maxValue: number | null }): number {
  const min = range.minValue ?? 0;
  const max = range.maxValue ?? Number.MAX_SAFE_INTEGER;
  if (!/^[0-9]+$/.test(text))
    throw new UsageError(`${flag} takes a whole number from ${min} to ${max} in plain digits, not "${text}".`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${flag} must be from ${min} to ${max}, not ${text}.`);
  return n;
}
