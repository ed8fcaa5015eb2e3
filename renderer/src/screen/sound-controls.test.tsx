// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { useState } from 'react';
import { afterEach, describe, expect, it } from 'vitest';
import { loadLevel, type SoundControls } from './screen-sound';
import { ScreenToolbar, type ScreenToolbarProps } from './ScreenToolbar';

afterEach(() => {
  cleanup();
  localStorage.clear();
});

const base: ScreenToolbarProps = {
  state: 'connected',
  viewMode: 'fit',
  fullscreen: { active: false, supported: false, toggle: () => undefined, exit: () => undefined },
  windowsClipboard: null,
  pasting: false,
  onConnect: () => undefined,
  onDisconnect: () => undefined,
  onViewMode: () => undefined,
  onChord: () => undefined,
  onScreenshot: () => undefined,
  machineRunning: true,
};

/** The toolbar with sound controls that keep their own state, as the screen's hook does. */
function WithSound({ state = 'playing', onEnable }: { state?: SoundControls['state']; onEnable?: () => void }) {
  const [level, setLevel] = useState({ volume: 80, muted: false });
  const sound: SoundControls = {
    state,
    ...level,
    setVolume: (volume) => setLevel({ volume, muted: false }),
    toggleMute: () => setLevel((l) => ({ ...l, muted: !l.muted })),
    enable: () => onEnable?.(),
  };
  return <ScreenToolbar {...base} sound={sound} />;
}

describe('the screen toolbar’s sound controls', () => {
  it('has a labelled mute button with aria-pressed and a labelled volume slider', async () => {
    render(<WithSound />);
    const group = screen.getByRole('group', { name: 'Sound' });
    const mute = within(group).getByRole('button', { name: 'Mute sound' });
    expect(mute.getAttribute('aria-pressed')).toBe('false');
    await userEvent.click(mute);
    expect(mute.getAttribute('aria-pressed')).toBe('true');
    const slider = within(group).getByRole('slider', { name: 'Volume' });
    expect((slider as HTMLInputElement).value).toBe('80');
    expect(slider.getAttribute('aria-valuetext')).toBe('80% (muted)');
    expect(within(group).queryByRole('button', { name: 'Click to enable sound' })).toBeNull();
  });

  it('offers "Click to enable sound" while the browser holds the sound until a gesture', async () => {
    let enabled = 0;
    render(<WithSound state="suspended" onEnable={() => (enabled += 1)} />);
    await userEvent.click(screen.getByRole('button', { name: 'Click to enable sound' }));
    expect(enabled).toBe(1);
  });

  it('is not there when the machine’s screen has no sound', () => {
    render(<ScreenToolbar {...base} />);
    expect(screen.queryByRole('group', { name: 'Sound' })).toBeNull();
    expect(screen.queryByRole('slider')).toBeNull();
  });
});

describe('loadLevel', () => {
  it('reads a machine’s remembered level, and the default for one it never saw or a damaged entry', () => {
    localStorage.setItem('porthole.screenSound.m1', JSON.stringify({ volume: 0.3, muted: true }));
    localStorage.setItem('porthole.screenSound.m2', '{not json');
    localStorage.setItem('porthole.screenSound.m3', JSON.stringify({ volume: 7 }));
    expect(loadLevel('m1')).toEqual({ volume: 0.3, muted: true });
    expect(loadLevel('m2')).toEqual({ volume: 0.8, muted: false });
    expect(loadLevel('m3')).toEqual({ volume: 0.8, muted: false });
    expect(loadLevel('unknown')).toEqual({ volume: 0.8, muted: false });
  });
});
