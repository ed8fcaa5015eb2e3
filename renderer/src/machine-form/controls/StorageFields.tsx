import { DEFAULT_IMAGE, type CreationDefaults } from '@porthole/api';
import { EMULATION_CONSENT } from '../../machines/emulation-consent';
import { desktopBridge } from '../../api/desktop';
import { gibFloor } from '../form/machine-form';
import { Field, FieldMessage } from '../../ui/Field';

/** Free space, as the hint under a storage folder says it. */
export function freeSpaceText(host: CreationDefaults | null, measuring: boolean): string {
  if (!host) return 'Measuring the free space…';
  if (measuring) return 'Measuring the free space there…';
  const on = host.storageHost ? ` on ${host.storageHost}` : '';
  if (host.freeDiskBytes === null) return `Porthole could not measure the free space there${on}.`;
  // Whole GiB, as the disk slider counts.
  return `${gibFloor(host.freeDiskBytes)} GB free there${on}.`;
}

/** Where a new machine's folder goes: the desktop's folder chooser, or a typed path (any host). */
export function StorageField({
  location,
  machineFolder,
  onChange,
  host,
  measuring,
  error,
  warning,
}: {
  location: string;
  /** The folder the machine's files will be in. */
  machineFolder: string | null;
  onChange: (location: string) => void;
  host: CreationDefaults | null;
  measuring: boolean;
  error?: string | undefined;
  warning?: string | undefined;
}) {
  // A remote engine's folders are on its computer: typed as a path there, never picked on this one.
  const desktop = host?.storageHost ? null : desktopBridge();
  return (
    <Field
      className="storage-location"
      label={host?.storageHost ? `Storage location on ${host.storageHost}` : 'Storage location'}
      error={error}
      warning={warning}
      hint={
        <>
          <span data-testid="free-space">{freeSpaceText(host, measuring)}</span>{' '}
          {host?.storageHost ? (
            <span data-testid="storage-remote">
              The engine runs machines on {host.storageHost}: this is a folder there (type its path), not on this
              computer.{' '}
            </span>
          ) : null}
          {machineFolder ? (
            <>
              The machine’s files go into <code>{machineFolder}</code>: the Windows disk, which grows as Windows fills
              it, and the download while Windows installs.
            </>
          ) : null}
        </>
      }
    >
      {(control) => (
        <div className="path-row">
          <input
            {...control}
            value={location}
            spellCheck={false}
            autoComplete="off"
            onChange={(e) => onChange(e.target.value)}
          />
          {desktop ? (
            <button
              type="button"
              onClick={() => {
                void desktop.pickFolder().then((picked) => {
                  if (picked) onChange(picked);
                });
              }}
            >
              Choose…
            </button>
          ) : null}
          {host && location.trim() !== host.storageRoot ? (
            <button type="button" className="ghost" onClick={() => onChange(host.storageRoot)}>
              Default
            </button>
          ) : null}
        </div>
      )}
    </Field>
  );
}

/** The image, for people who test other releases (and Porthole's own tests). Empty: the tested default. */
export function ImageField({
  image,
  defaultImage,
  onChange,
  error,
  warning,
}: {
  image: string;
  /** What an empty field means here: the backend's default for new machines (PORTHOLE_DEFAULT_IMAGE can change it). */
  defaultImage?: string | undefined;
  onChange: (image: string) => void;
  error?: string | undefined;
  warning?: string | undefined;
}) {
  const empty = defaultImage ?? DEFAULT_IMAGE;
  return (
    <Field
      label="Container image"
      error={error}
      warning={warning}
      hint={
        empty === DEFAULT_IMAGE
          ? `Leave empty for the tested ${DEFAULT_IMAGE}.`
          : `Leave empty for ${empty}, this Porthole’s default.`
      }
    >
      {(control) => (
        <input
          {...control}
          value={image}
          placeholder={empty}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => onChange(e.target.value)}
        />
      )}
    </Field>
  );
}

/** Why Windows would run without hardware acceleration here, and the person's consent to it. */
export function AccelerationField({
  host,
  emulation,
  onChange,
  mode,
  error,
  warning,
  heading = true,
}: {
  host: CreationDefaults | null;
  emulation: boolean;
  onChange: (emulation: boolean) => void;
  mode: 'create' | 'change';
  /** False where the surrounding section already says "Hardware acceleration". */
  heading?: boolean;
  error?: string | undefined;
  warning?: string | undefined;
}) {
  const needed = host ? host.kvmNested || !host.kvmForMachines : false;
  if (mode === 'create' && !needed) {
    return (
      <div className="acceleration">
        {heading ? <h3>Hardware acceleration</h3> : null}
        <p className="muted">
          {host ? 'KVM works on this computer: Windows runs at full speed.' : 'Checking for KVM…'}
        </p>
      </div>
    );
  }
  const why = !host
    ? ''
    : host.kvmNested
      ? 'This computer is itself a virtual machine whose processor hides its virtualization flags (vmx/svm), so the Windows image refuses hardware acceleration (KVM).'
      : host.kvmForMachines
        ? 'KVM works on this computer.'
        : 'The container engine cannot give machines hardware acceleration (KVM) here; “Check this computer” says why and how to fix it.';
  return (
    <div className="acceleration">
      {heading ? <h3>Hardware acceleration</h3> : null}
      {needed ? (
        <p className="notice" data-testid="emulation-notice">
          {why} Windows can run in software emulation instead: it works, but about ten times slower.
        </p>
      ) : (
        <p className="muted">{why}</p>
      )}
      <label className="checkbox-row">
        <input
          type="checkbox"
          checked={emulation}
          aria-invalid={error ? true : undefined}
          onChange={(e) => onChange(e.target.checked)}
        />
        {EMULATION_CONSENT}
      </label>
      <FieldMessage error={error} warning={warning} />
    </div>
  );
}
