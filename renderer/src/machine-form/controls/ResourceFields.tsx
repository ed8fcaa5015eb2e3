import type { CreationDefaults } from '@porthole/api';
import { cpuRange, ramRange, type Range } from '../form/checks';
import { ResourceSlider } from './ResourceSlider';

type Resources = { ramGiB: number; cpuCores: number; diskGiB: number };

export interface ResourceFieldsProps {
  value: Resources;
  onChange: (patch: Partial<Resources>) => void;
  /** What this computer offers; null while it is measured (the sliders wait). */
  host: CreationDefaults | null;
  /** The disk's range depends on the page: the version's minimum for a new machine, grow-only for an existing one. */
  diskRange: Range;
  diskHint: string;
  errors: Partial<Record<keyof Resources, string | undefined>>;
  warnings: { ramGiB?: string | undefined };
}

/** Memory, processor cores and disk, bounded by this computer: the same fields in the wizard and the settings page. */
export function ResourceFields({ value, onChange, host, diskRange, diskHint, errors, warnings }: ResourceFieldsProps) {
  const measuring = 'Measuring…';
  return (
    <>
      <ResourceSlider
        label="Memory"
        unit="GB"
        value={value.ramGiB}
        range={ramRange(host)}
        onChange={(ramGiB) => onChange({ ramGiB })}
        error={errors.ramGiB}
        warning={warnings.ramGiB}
        disabled={!host}
        hint={
          host
            ? `This computer has ${ramRange(host).max} GB; ${Math.floor(host.ramAvailableBytes / 1024 ** 3)} GB is free right now.`
            : measuring
        }
      />
      <ResourceSlider
        label="Processor cores"
        unit="cores"
        numberLabel="Number of processor cores"
        value={value.cpuCores}
        range={cpuRange(host)}
        onChange={(cpuCores) => onChange({ cpuCores })}
        error={errors.cpuCores}
        disabled={!host}
        hint={host ? `This computer has ${host.cpuThreads} processor threads.` : measuring}
      />
      <ResourceSlider
        label="Disk"
        unit="GB"
        value={value.diskGiB}
        range={diskRange}
        onChange={(diskGiB) => onChange({ diskGiB })}
        error={errors.diskGiB}
        disabled={!host}
        hint={diskHint}
      />
    </>
  );
}
