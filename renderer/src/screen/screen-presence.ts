/**
 * Which machines have a screen open in another page of this app (the Electron screen window, a
 * second browser tab of the web host), told over a BroadcastChannel. An open screen already holds
 * the machine's VNC connection: while a thumbnail asks for them, it sends a small copy of its picture
 * about once a second, and the thumbnails of that machine draw those frames instead of opening a
 * second connection.
 *
 * Why frames and not the connection itself: a noVNC RFB client lives in one page (its websocket,
 * its canvas), and the screen window is another page, so the connection cannot be handed over;
 * its pictures can.
 */

const CHANNEL = 'porthole-screens';
/** How often an open screen speaks (a frame, or only "still open"). */
export const SCREEN_FRAME_MS = 1000;
/** A screen that said nothing for this long is gone (its page crashed or was killed without a word). */
export const SCREEN_SILENCE_MS = 3500;
const FRAME_WIDTH = 320;

type Message =
  | { kind: 'open'; id: string; frame?: Blob }
  | { kind: 'closed'; id: string }
  | { kind: 'who' }
  /** A page draws this machine's thumbnail from the screen's frames: without one, the screen makes none. */
  | { kind: 'want'; id: string };

/** The part of BroadcastChannel used here, so tests can pass a fake. */
export interface Channel {
  postMessage(message: Message): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<Message>) => void): void;
  close(): void;
}

export type OpenChannel = () => Channel | null;

const openBroadcast: OpenChannel = () =>
  typeof BroadcastChannel === 'undefined' ? null : (new BroadcastChannel(CHANNEL) as Channel);

/**
 * Announces, from the screen's page, that machine `id` has its screen open, with a frame from
 * `source` (noVNC's canvas) every second. Returns the function that says it closed.
 */
export function announceScreen(
  id: string,
  source: () => HTMLCanvasElement | null,
  open: OpenChannel = openBroadcast,
): () => void {
  const channel = open();
  if (!channel) return () => undefined;
  // Until when a thumbnail asked for frames: a screen nobody watches encodes nothing.
  let wantedUntil = 0;
  const speak = (): void => {
    const canvas = source();
    if (Date.now() >= wantedUntil || !canvas || canvas.width === 0 || canvas.height === 0) {
      channel.postMessage({ kind: 'open', id });
      return;
    }
    // A small copy: a thumbnail needs no more, and the message stays a few kilobytes.
    const small = document.createElement('canvas');
    small.width = FRAME_WIDTH;
    small.height = Math.max(1, Math.round((canvas.height / canvas.width) * FRAME_WIDTH));
    small.getContext('2d')?.drawImage(canvas, 0, 0, small.width, small.height);
    small.toBlob((frame) => {
      if (!closed) channel.postMessage(frame ? { kind: 'open', id, frame } : { kind: 'open', id });
    }, 'image/png');
  };
  let closed = false;
  channel.addEventListener('message', (event) => {
    const message = event.data;
    if (message.kind === 'who') speak();
    if (message.kind === 'want' && message.id === id) {
      const lapsed = Date.now() >= wantedUntil;
      wantedUntil = Date.now() + SCREEN_SILENCE_MS;
      if (lapsed) speak(); // the first frame at once, not up to a second later
    }
  });
  speak();
  const timer = setInterval(speak, SCREEN_FRAME_MS);
  return () => {
    closed = true;
    clearInterval(timer);
    channel.postMessage({ kind: 'closed', id });
    channel.close();
  };
}

export interface ScreenPresence {
  /** Whether machine `id` has a screen open in another page. */
  isOpen(id: string): boolean;
  /** That screen's latest frame, if it sent one; asking is what keeps the screen sending them. */
  frame(id: string): ImageBitmap | null;
  /** Called with the machine's id whenever its screen opens or closes elsewhere. */
  subscribe(listener: (id: string) => void): () => void;
}

interface Seen {
  silence: ReturnType<typeof setTimeout>;
  frame: ImageBitmap | null;
  /** When this page last asked the screen for frames. */
  asked: number;
}

/** Listens, from a page with thumbnails, to the screens open in other pages. */
export function listenForScreens(
  open: OpenChannel = openBroadcast,
  decode: (blob: Blob) => Promise<ImageBitmap> = (b) => createImageBitmap(b),
): ScreenPresence {
  const seen = new Map<string, Seen>();
  const listeners = new Set<(id: string) => void>();
  const tell = (id: string): void => {
    for (const listener of [...listeners]) listener(id);
  };
  const gone = (id: string): void => {
    const entry = seen.get(id);
    if (!entry) return;
    clearTimeout(entry.silence);
    entry.frame?.close();
    seen.delete(id);
    tell(id);
  };
  let channel: Channel | null = null;
  const start = (): void => {
    if (channel) return;
    channel = open();
    channel?.addEventListener('message', (event) => {
      const message = event.data;
      if (message.kind === 'closed') gone(message.id);
      if (message.kind !== 'open') return;
      const { id, frame } = message;
      const before = seen.get(id);
      if (before) clearTimeout(before.silence);
      const entry: Seen = {
        silence: setTimeout(() => gone(id), SCREEN_SILENCE_MS),
        frame: before?.frame ?? null,
        asked: before?.asked ?? 0,
      };
      seen.set(id, entry);
      if (!before) tell(id);
      if (frame)
        decode(frame).then(
          (bitmap) => {
            if (seen.get(id) !== entry) return bitmap.close();
            entry.frame?.close();
            entry.frame = bitmap;
          },
          () => undefined, // a frame that cannot be decoded: keep the previous one
        );
    });
    // Screens opened before this page: they answer at once.
    channel?.postMessage({ kind: 'who' });
  };
  return {
    isOpen: (id) => {
      start();
      return seen.has(id);
    },
    frame: (id) => {
      const entry = seen.get(id);
      if (!entry) return null;
      // Asked about once a second by each thumbnail copy; at most one request a second goes out.
      if (Date.now() - entry.asked >= SCREEN_FRAME_MS) {
        entry.asked = Date.now();
        channel?.postMessage({ kind: 'want', id });
      }
      return entry.frame;
    },
    subscribe: (listener) => {
      listeners.add(listener);
      start();
      return () => listeners.delete(listener);
    },
  };
}
