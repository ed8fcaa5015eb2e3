import { useEffect, useRef, useState, useSyncExternalStore, type RefObject } from 'react';
import { ScreenAudio, type AudioLevel, type AudioState, type AudioTestHook } from '../audio/player';

declare global {
  interface Window {
    /** The screen's player (analyser, stats), for end-to-end tests and the audio bench only (`<Screen exposeForTests>`). */
    __portholeAudio?: AudioTestHook;
  }
}

/** The toolbar's sound controls; `state` is `off` while no sound plays (no screen, no endpoint). */
export interface SoundControls {
  state: AudioState | 'off';
  /** 0..100 */
  volume: number;
  muted: boolean;
  setVolume(volume: number): void;
  toggleMute(): void;
  /** Resumes a context the browser held until a gesture (a click on the toolbar's button is one). */
  enable(): void;
}

const DEFAULT_LEVEL: AudioLevel = { volume: 0.8, muted: false };

/** This page's levels, so a change holds even where storage is blocked. */
const levels = new Map<string, AudioLevel>();

function storageKey(machineKey: string): string {
  return `porthole.screenSound.${machineKey}`;
}

/** The machine's remembered volume and mute (this browser's localStorage), or the default. */
export function loadLevel(machineKey: string): AudioLevel {
  const remembered = levels.get(machineKey);
  if (remembered) return remembered;
  try {
    const saved = JSON.parse(localStorage.getItem(storageKey(machineKey)) ?? 'null') as Partial<AudioLevel> | null;
    const volume = typeof saved?.volume === 'number' && saved.volume >= 0 && saved.volume <= 1 ? saved.volume : null;
    return { volume: volume ?? DEFAULT_LEVEL.volume, muted: saved?.muted === true };
  } catch {
    return DEFAULT_LEVEL;
  }
}

function saveLevel(machineKey: string, level: AudioLevel): void {
  levels.set(machineKey, level);
  try {
    localStorage.setItem(storageKey(machineKey), JSON.stringify(level));
  } catch {
    // Storage full or blocked: the level is only not remembered.
  }
}

interface SoundOptions {
  /** The `/audio` websocket, or null when there is none or the screen is not showing. */
  url: string | null;
  machineKey: string;
  /** Gestures inside it resume a held context. */
  containerRef: RefObject<HTMLElement | null>;
  exposeForTests: boolean;
}

/** The screen's current player, if any, for useSyncExternalStore: opened and closed by the hook's effect. */
class SoundHolder {
  player: ScreenAudio | null = null;
  private unsubscribe: (() => void) | null = null;
  private readonly listeners = new Set<() => void>();

  readonly subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getState = (): AudioState | 'off' => this.player?.getState() ?? 'off';

  open(url: string, level: AudioLevel): ScreenAudio {
    this.close();
    const player = new ScreenAudio(url, level);
    this.player = player;
    this.unsubscribe = player.subscribe(() => this.emit());
    this.emit();
    return player;
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = null;
    this.player?.close();
    this.player = null;
    this.emit();
  }

  private emit(): void {
    for (const listener of this.listeners) listener();
  }
}

/** The screen's sound: a player while `url` is set, closed (socket and context) when it goes or the screen unmounts. */
export function useScreenSound({ url, machineKey, containerRef, exposeForTests }: SoundOptions): SoundControls {
  const [holder] = useState(() => new SoundHolder());
  const [saved, setSaved] = useState(() => ({ key: machineKey, level: loadLevel(machineKey) }));
  const level = saved.key === machineKey ? saved.level : loadLevel(machineKey);
  const levelRef = useRef(level);
  useEffect(() => {
    levelRef.current = level;
    holder.player?.setLevel(level);
  }, [holder, level]);

  useEffect(() => {
    if (url === null) return;
    const player = holder.open(url, levelRef.current);
    if (exposeForTests) window.__portholeAudio = player.testHook();
    return () => {
      holder.close();
      if (exposeForTests && window.__portholeAudio?.context === player.context) delete window.__portholeAudio;
    };
  }, [holder, url, exposeForTests]);

  const state = useSyncExternalStore(holder.subscribe, holder.getState);

  // Chromium holds a context made before any gesture: the first click or key in the screen lets it run.
  useEffect(() => {
    const container = containerRef.current;
    if (state !== 'suspended' || !container) return;
    const resume = (): void => holder.player?.resume();
    container.addEventListener('pointerdown', resume, true);
    container.addEventListener('keydown', resume, true);
    return () => {
      container.removeEventListener('pointerdown', resume, true);
      container.removeEventListener('keydown', resume, true);
    };
  }, [state, holder, containerRef]);

  const change = (next: AudioLevel): void => {
    saveLevel(machineKey, next);
    setSaved({ key: machineKey, level: next });
  };

  return {
    state,
    volume: Math.round(level.volume * 100),
    muted: level.muted,
    setVolume: (volume) => change({ volume: volume / 100, muted: volume === 0 ? level.muted : false }),
    toggleMute: () => change({ ...level, muted: !level.muted }),
    enable: () => holder.player?.resume(),
  };
}
