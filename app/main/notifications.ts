import type { MachineView } from '../api';

export type NotificationKind = 'image-pulled' | 'installed' | 'ready' | 'stopped-unexpectedly' | 'failed';

export interface MachineNotification {
  kind: NotificationKind;
  machineId: string;
  title: string;
  body: string;
}

/**
 * Which notification, if any, a change of one machine deserves. Only moments worth interrupting
 * someone for: the image arrived, Windows finished installing, the machine is ready, or it
 * stopped without being asked to (with the cause).
 */
export function notificationFor(before: MachineView | undefined, after: MachineView): MachineNotification | null {
  if (!before) return null;
  const was = before.status.phase;
  const now = after.status.phase;
  if (was === now) return null;
  // Losing the engine, or finding things as they are once it answers again, is no news about the machine.
  if (was === 'unknown' || now === 'unknown') return null;
  const base = { machineId: after.id };

  const unasked = now === 'stopped' && before.status.running && was !== 'stopping';
  if (now === 'failed' || unasked) {
    const failure = after.status.failure;
    const cause = failure?.cause ?? 'Windows shut down, or its container exited.';
    const body = failure?.remedy ? `${cause} ${failure.remedy}` : cause;
    return before.status.running || unasked
      ? { ...base, kind: 'stopped-unexpectedly', title: `${after.name} stopped unexpectedly`, body }
      : { ...base, kind: 'failed', title: `${after.name} could not start`, body };
  }
  if (was === 'pulling' && now !== 'absent') {
    return {
      ...base,
      kind: 'image-pulled',
      title: 'Image downloaded',
      body: `${after.name} has its image (${after.image}).`,
    };
  }
  if (was === 'installing' && now === 'ready') {
    return { ...base, kind: 'installed', title: 'Windows is installed', body: `${after.name} is ready to use.` };
  }
  if (now === 'ready') {
    return { ...base, kind: 'ready', title: `${after.name} is ready`, body: 'Windows is running.' };
  }
  return null;
}

export interface NotificationSink {
  isSupported(): boolean;
  show(n: MachineNotification): void;
}

/** Remembers the last view of each machine and shows what each change deserves. */
export class MachineNotifier {
  private readonly last = new Map<string, MachineView>();

  constructor(private readonly sink: NotificationSink) {}

  /** The views known at start-up: no notifications for the state things were already in. */
  seed(machines: MachineView[]): void {
    for (const m of machines) this.last.set(m.id, m);
  }

  changed(view: MachineView): MachineNotification | null {
    const n = notificationFor(this.last.get(view.id), view);
    this.last.set(view.id, view);
    if (n && this.sink.isSupported()) this.sink.show(n);
    return n;
  }

  removed(id: string): void {
    this.last.delete(id);
  }
}

/** The part of Electron's Notification this shell uses. */
export interface ShownNotification {
  on(event: 'click' | 'close' | 'failed', listener: () => void): unknown;
  show(): void;
}

/**
 * Shows notifications and holds each one until it is clicked, closed or fails: Electron drops a
 * Notification (and its click) once the object is garbage-collected, and a local variable in the
 * show callback is collectable the moment it returns.
 */
export class HeldNotifications<N extends ShownNotification> {
  private readonly live = new Set<N>();

  show(notification: N, onClick: () => void): void {
    this.live.add(notification);
    const release = (): boolean => this.live.delete(notification);
    notification.on('click', () => {
      release();
      onClick();
    });
    notification.on('close', release);
    notification.on('failed', release);
    notification.show();
  }

  /** How many are on screen (tests). */
  get size(): number {
    return this.live.size;
  }
}
