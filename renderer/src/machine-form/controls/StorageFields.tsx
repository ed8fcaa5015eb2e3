import { DEFAULT_IMAGE, type CreationDefaults, type SharedFolder } from '@porthole/api';
import { EMULATION_CONSENT } from '../../machines/emulation-consent';
import { desktopBridge } from '../../api/desktop';
import { gibFloor } from '../form/machine-form';
import { Field, FieldMessage } from '../../ui/Field';

export const MAX_SHARED_FOLDERS = 3;

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

/** Where shared folder number `index` appears inside Windows (the image names them Data, Data2, Data3). */
export function windowsShareName(index: number): string {
  return `\\\\host.lan\\Data${index === 0 ? '' : index + 1}`;
}

/** Up to three host folders, each read-only or not, shown as Windows sees them. */
export function SharedFoldersEditor({
  folders,
  onChange,
  error,
  missing,
  engineHost,
}: {
  folders: SharedFolder[];
  /** A remote engine's computer: the folders are there, typed as paths there, never picked here. */
  engineHost?: string | undefined;
  onChange: (folders: SharedFolder[]) => void;
  error?: string | undefined;
  /** Paths found not to exist. */
  missing?: ReadonlySet<string>;
}) {
  const desktop = engineHost ? null : desktopBridge();
  const update = (index: number, part: Partial<SharedFolder>): void =>
    onChange(folders.map((f, i) => (i === index ? { ...f, ...part } : f)));
  const full = folders.length >= MAX_SHARED_FOLDERS;
  return (
    <fieldset className="shared-folders">
      <legend>Shared folders</legend>
      <p className="field-hint">
        {engineHost ? (
          <span data-testid="shared-remote">
            Folders of {engineHost}, the computer the engine runs machines on (type their paths there; folders of this
            computer cannot be shared),{' '}
          </span>
        ) : (
          'Folders of this computer '
        )}
        that Windows sees on its network: the first as <code>{windowsShareName(0)}</code>, also drive Z:.
      </p>
      {folders.length > 0 ? (
        <p className="notice" role="note">
          Programs inside Windows can read every file in a shared folder and, unless it is read-only, change or delete
          them. Share only folders you mean to, and prefer read-only.
        </p>
      ) : null}
      <ol className="shared-list">
        {folders.map((folder, index) => (
          <li key={index} className="shared-row" data-testid={`shared-folder-${index + 1}`}>
            <div className="path-row">
              <input
                aria-label={`Shared folder ${index + 1}`}
                aria-invalid={missing?.has(folder.hostPath.trim()) ? true : undefined}
                value={folder.hostPath}
                placeholder="/home/you/Documents"
                spellCheck={false}
                autoComplete="off"
                onChange={(e) => update(index, { hostPath: e.target.value })}
              />
              {desktop ? (
                <button
                  type="button"
                  onClick={() => {
                    void desktop.pickFolder().then((picked) => {
                      if (picked) update(index, { hostPath: picked });
                    });
                  }}
                >
                  Choose…
                </button>
              ) : null}
              <button
                type="button"
                className="ghost"
                aria-label={`Remove shared folder ${index + 1}`}
                onClick={() => onChange(folders.filter((_, i) => i !== index))}
              >
                Remove
              </button>
            </div>
            <div className="shared-meta">
              <label className="checkbox-row">
                <input
                  type="checkbox"
                  checked={folder.readOnly}
                  aria-label={`Shared folder ${index + 1} is read-only`}
                  onChange={(e) => update(index, { readOnly: e.target.checked })}
                />
                Read-only: Windows cannot change it
              </label>
              <span className="muted">
                In Windows: <code>{windowsShareName(index)}</code>
                {index === 0 ? ' (drive Z:)' : ''}
              </span>
            </div>
          </li>
        ))}
      </ol>
      <FieldMessage error={error} />
      <div>
        <button type="button" disabled={full} onClick={() => onChange([...folders, { hostPath: '', readOnly: true }])}>
          Add a shared folder
        </button>
        {full ? <span className="muted"> A machine can share at most three folders.</span> : null}
      </div>
    </fieldset>
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
