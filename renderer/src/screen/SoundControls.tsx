import type { SoundControls } from './screen-sound';

/** Mute, volume and, when the browser holds sound until a gesture, a button that gives it one. */
export function SoundGroup({ sound }: { sound: SoundControls }) {
  return (
    <div className="screen-toolbar-group screen-sound" role="group" aria-label="Sound">
      {sound.state === 'suspended' ? (
        <button type="button" className="screen-button" onClick={sound.enable}>
          Click to enable sound
        </button>
      ) : null}
      <button
        type="button"
        className="screen-button"
        aria-pressed={sound.muted}
        aria-label="Mute sound"
        title={sound.muted ? 'Sound is muted' : 'Mute the sound'}
        onClick={sound.toggleMute}
      >
        Mute
      </button>
      <input
        type="range"
        className="screen-volume"
        min={0}
        max={100}
        step={5}
        value={sound.volume}
        aria-label="Volume"
        aria-valuetext={sound.muted ? `${sound.volume}% (muted)` : `${sound.volume}%`}
        onChange={(event) => sound.setVolume(Number(event.currentTarget.value))}
      />
    </div>
  );
}
