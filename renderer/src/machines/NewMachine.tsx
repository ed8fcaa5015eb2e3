import { useState, type FormEvent } from 'react';
import type { HostReport } from '../../../app/api';
import { porthole } from '../api/porthole';
import { navigate } from '../app/hooks';

/** The short form: name, Windows, resources. Advanced: image and hardware acceleration. */
export function NewMachine({ host }: { host: HostReport | null }) {
  const nested = host ? host.facts.kvmUsable && !host.facts.kvmFlagsVisible : false;
  const [name, setName] = useState('Windows 11');
  const [version, setVersion] = useState('11');
  const [ramGiB, setRam] = useState(4);
  const [cpuCores, setCpus] = useState(2);
  const [diskGiB, setDisk] = useState(64);
  const [image, setImage] = useState('');
  const [iso, setIso] = useState('');
  const [softwareEmulation, setSoftwareEmulation] = useState<boolean | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const emulate = softwareEmulation ?? false;

  const submit = (e: FormEvent): void => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    porthole()
      .createMachine({
        name,
        version,
        ramGiB,
        cpuCores,
        diskGiB,
        kvm: !emulate,
        ...(image.trim() ? { image: image.trim() } : {}),
        ...(iso.trim() ? { customIso: iso.trim() } : {}),
      })
      .then(() => navigate('/'))
      .catch((err: Error & { remedy?: string }) => setError(err.remedy ? `${err.message} ${err.remedy}` : err.message))
      .finally(() => setBusy(false));
  };

  return (
    <form className="panel form" onSubmit={submit} aria-label="New machine">
      <h2>New machine</h2>
      <label>
        Name
        <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={64} />
      </label>
      <label>
        Windows version
        <input value={version} onChange={(e) => setVersion(e.target.value)} />
      </label>
      <div className="row">
        <label>
          Memory (GB)
          <input type="number" min={2} value={ramGiB} onChange={(e) => setRam(Number(e.target.value))} />
        </label>
        <label>
          CPU cores
          <input type="number" min={1} value={cpuCores} onChange={(e) => setCpus(Number(e.target.value))} />
        </label>
        <label>
          Disk (GB)
          <input type="number" min={16} value={diskGiB} onChange={(e) => setDisk(Number(e.target.value))} />
        </label>
      </div>
      <label>
        Install from my own ISO (path, optional)
        <input value={iso} onChange={(e) => setIso(e.target.value)} placeholder="/home/me/Downloads/Win11.iso" />
      </label>
      <details>
        <summary>Advanced</summary>
        <label>
          Container image
          <input value={image} onChange={(e) => setImage(e.target.value)} placeholder="dockurr/windows (tested tag)" />
        </label>
      </details>
      {nested ? (
        <p className="notice">
          This computer's processor hides its virtualization flags (a nested virtual machine), so the Windows image will refuse
          hardware acceleration. It can run in software emulation instead, about ten times slower.
        </p>
      ) : null}
      <label className="check">
        <input type="checkbox" checked={emulate} onChange={(e) => setSoftwareEmulation(e.target.checked)} />
        Run in software emulation (no KVM; slower)
      </label>
      {error ? (
        <div className="failure" role="alert">
          {error}
        </div>
      ) : null}
      <div className="actions">
        <button type="button" className="ghost" onClick={() => navigate('/')}>
          Cancel
        </button>
        <button className="primary" type="submit" disabled={busy}>
          {busy ? 'Creating…' : 'Create'}
        </button>
      </div>
    </form>
  );
}
