/**
 * The machine's sound (AUDIO=Y, docs/audio.md): played in its screen window. A container setting, so
 * the section's tag says when it applies (at the next start, or with Apply), as for the others.
 */
export function AudioField({ checked, onChange }: { checked: boolean; onChange: (audio: boolean) => void }) {
  return (
    <>
      <label className="checkbox-row">
        <input type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
        Play the machine’s sound
      </label>
      <p className="field-hint">What Windows plays is heard through this computer from the machine’s screen window.</p>
    </>
  );
}
