// @vitest-environment jsdom
import { act, cleanup, fireEvent, render, screen } from '@testing-library/react';
import { StrictMode } from 'react';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ENGINE_DOWN_STATUS, type MachineStatus } from '@porthole/api';
import { FIRST_CONNECT_RETRY_MS } from './reconnect';
import { Screen, type ScreenProps } from './Screen';

const fake = vi.hoisted(() => {
  type Listener = EventListenerOrEventListenerObject;

  /** Stands in for noVNC's RFB: records what the screen does with it and lets a test play the server. */
  class FakeRfb extends EventTarget {
    static instances: FakeRfb[] = [];
    scaleViewport = false;
    clipViewport = false;
    focusOnClick = false;
    resizeSession = true;
    background = '';
    disconnectCalls = 0;
    readonly keys: [number, string | null, boolean | undefined][] = [];
    /** Every listener ever added, removed or not: lets a test call an old session's handler directly. */
    readonly added: [string, Listener][] = [];
    private readonly live = new Set<string>();
    private readonly ids = new Map<Listener, number>();

    constructor(
      readonly target: HTMLElement,
      readonly url: string,
    ) {
      super();
      FakeRfb.instances.push(this);
    }

    private key(type: string, listener: Listener): string {
      if (!this.ids.has(listener)) this.ids.set(listener, this.ids.size);
      return `${type}#${this.ids.get(listener)}`;
    }

    override addEventListener(
      type: string,
      listener: Listener | null,
      options?: boolean | AddEventListenerOptions,
    ): void {
      if (listener) {
        this.added.push([type, listener]);
        this.live.add(this.key(type, listener));
      }
      super.addEventListener(type, listener, options);
    }

    override removeEventListener(
      type: string,
      listener: Listener | null,
      options?: boolean | EventListenerOptions,
    ): void {
      if (listener) this.live.delete(this.key(type, listener));
      super.removeEventListener(type, listener, options);
    }

    get listenerCount(): number {
      return this.live.size;
    }

    /** Like noVNC, a disconnect ends with a 'disconnect' event (here at once). */
    disconnect(): void {
      this.disconnectCalls += 1;
      this.dispatchEvent(new CustomEvent('disconnect', { detail: { clean: true } }));
    }

    sendKey(keysym: number, code: string | null, down?: boolean): void {
      this.keys.push([keysym, code, down]);
    }

    focus(): void {}

    toBlob(callback: (blob: Blob | null) => void): void {
      callback(new Blob(['png'], { type: 'image/png' }));
    }

    // The server's side.
    serverAccepts(): void {
      this.dispatchEvent(new CustomEvent('connect', { detail: {} }));
    }
    serverDrops(clean = false): void {
      this.dispatchEvent(new CustomEvent('disconnect', { detail: { clean } }));
    }
    serverClipboard(text: string): void {
      this.dispatchEvent(new CustomEvent('clipboard', { detail: { text } }));
    }
    /** Calls a handler this client once had, as a late event would. */
    replay(type: string, event: Event): void {
      for (const [t, listener] of this.added) {
        if (t !== type) continue;
        if (typeof listener === 'function') listener(event);
        else listener.handleEvent(event);
      }
    }
  }
  return { FakeRfb };
});

vi.mock('@novnc/novnc', () => ({ default: fake.FakeRfb }));

const { FakeRfb } = fake;
const URL_A = 'ws://127.0.0.1:41234/websockify';

const running: MachineStatus = { phase: 'ready', running: true, screenReady: true };
const preparing: MachineStatus = {
  phase: 'preparing',
  running: true,
  screenReady: false,
  message: 'Downloading Windows 11 (12.3%)...',
  progress: { fraction: 0.123, bytesDone: 750 * 1024 ** 2, bytesTotal: 6.1 * 1024 ** 3 },
};
const stopped: MachineStatus = { phase: 'stopped', running: false, screenReady: false };

const screenElement = (): HTMLElement => screen.getByTestId('screen');
const state = (): string | null => screenElement().getAttribute('data-screen-state');
const session = (): string | null => screenElement().getAttribute('data-session');
const last = (): InstanceType<typeof FakeRfb> => FakeRfb.instances.at(-1)!;

function connected(ui: Partial<ScreenProps> = {}) {
  const view = render(<Screen machineName="Work PC" status={running} endpointUrl={URL_A} {...ui} />);
  act(() => last().serverAccepts());
  return view;
}

beforeEach(() => {
  FakeRfb.instances = [];
});

afterEach(() => {
  cleanup();
  vi.useRealTimers();
  delete window.__portholeRfb;
});

describe('<Screen> before the screen exists', () => {
  it('shows the phase, the message and the progress instead of a black screen', () => {
    render(<Screen machineName="Work PC" status={preparing} endpointUrl={null} />);
    expect(state()).toBe('waiting');
    expect(screen.getByRole('heading').textContent).toContain('Preparing Windows');
    expect(screen.getByText('Downloading Windows 11 (12.3%)...')).toBeTruthy();
    const progress = screen.getByTestId('screen-progress') as HTMLProgressElement;
    expect(progress.value).toBeCloseTo(0.123);
    expect(screen.getByText('750 MB of 6.1 GB')).toBeTruthy();
    expect(FakeRfb.instances).toHaveLength(0);
  });

  it('does not connect while booting even with an endpoint', () => {
    render(
      <Screen
        machineName="Work PC"
        status={{ phase: 'booting', running: true, screenReady: false }}
        endpointUrl={URL_A}
      />,
    );
    expect(state()).toBe('waiting');
    expect(screen.getByTestId('screen-progress')).toBeTruthy();
    expect(FakeRfb.instances).toHaveLength(0);
  });

  it('says a stopped machine is stopped', () => {
    render(<Screen machineName="Work PC" status={stopped} endpointUrl={URL_A} />);
    expect(screen.getByRole('heading').textContent).toBe('Work PC is stopped');
  });

  it('says the engine is not reachable rather than that the machine is stopped', () => {
    render(<Screen machineName="Work PC" status={{ ...ENGINE_DOWN_STATUS }} endpointUrl={URL_A} />);
    expect(screen.getByRole('heading').textContent).toBe('The container engine is not reachable');
    expect(screen.getByText(/cannot tell what this machine is doing/)).toBeTruthy();
  });

  it('gives the cause and the remedy of a failure', () => {
    const failed: MachineStatus = {
      phase: 'failed',
      running: false,
      screenReady: false,
      failure: {
        exitCode: 88,
        cause: 'KVM is not available.',
        remedy: 'Turn on virtualization in the BIOS, or allow software emulation.',
        logLine: 'ERROR: KVM acceleration is not available (not enabled in BIOS)',
      },
    };
    render(<Screen machineName="Work PC" status={failed} endpointUrl={null} />);
    const alert = screen.getByRole('alert');
    expect(alert.textContent).toContain('Work PC failed');
    expect(alert.textContent).toContain('KVM is not available.');
    expect(alert.textContent).toContain('Turn on virtualization in the BIOS');
    expect(alert.textContent).toContain('not enabled in BIOS');
    expect(alert.textContent).toContain('Exit code 88');
  });

  it('asks for the endpoint once the screen is ready', () => {
    const onRequestEndpoint = vi.fn();
    const { rerender } = render(
      <Screen machineName="Work PC" status={preparing} endpointUrl={null} onRequestEndpoint={onRequestEndpoint} />,
    );
    expect(onRequestEndpoint).not.toHaveBeenCalled();
    rerender(
      <Screen machineName="Work PC" status={running} endpointUrl={null} onRequestEndpoint={onRequestEndpoint} />,
    );
    expect(onRequestEndpoint).toHaveBeenCalledTimes(1);
    expect(screen.getByRole('heading').textContent).toContain('Finding the screen');
    rerender(
      <Screen machineName="Work PC" status={running} endpointUrl={URL_A} onRequestEndpoint={onRequestEndpoint} />,
    );
    expect(FakeRfb.instances).toHaveLength(1);
    expect(onRequestEndpoint).toHaveBeenCalledTimes(1);
  });
});

describe('<Screen> connection', () => {
  it('creates one RFB client with the URL, in the canvas container, scaled to fit', () => {
    const { rerender } = render(<Screen machineName="Work PC" status={running} endpointUrl={URL_A} />);
    expect(FakeRfb.instances).toHaveLength(1);
    const rfb = last();
    expect(rfb.url).toBe(URL_A);
    expect(rfb.target).toBe(screen.getByTestId('screen-canvas'));
    expect(rfb.scaleViewport).toBe(true);
    expect(rfb.clipViewport).toBe(false);
    expect(rfb.focusOnClick).toBe(true);
    expect(state()).toBe('connecting');
    expect(session()).toBe('1');

    act(() => rfb.serverAccepts());
    expect(state()).toBe('connected');
    rerender(<Screen machineName="Work PC" status={{ ...running }} endpointUrl={URL_A} />);
    expect(FakeRfb.instances).toHaveLength(1);
  });

  it('reconnects after an unexpected disconnect with a growing delay and a new session', () => {
    vi.useFakeTimers();
    connected();
    const first = last();

    act(() => first.serverDrops());
    expect(state()).toBe('reconnecting');
    expect(screen.getByTestId('screen-reconnecting').textContent).toContain('Reconnecting… (attempt 1)');
    expect(first.listenerCount).toBe(0);
    act(() => vi.advanceTimersByTime(499));
    expect(FakeRfb.instances).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeRfb.instances).toHaveLength(2);
    expect(last().url).toBe(URL_A);
    expect(session()).toBe('2');
    expect(state()).toBe('reconnecting');

    // The retry fails too: the next one waits twice as long.
    act(() => last().serverDrops());
    expect(screen.getByTestId('screen-reconnecting').textContent).toContain('attempt 2');
    act(() => vi.advanceTimersByTime(999));
    expect(FakeRfb.instances).toHaveLength(2);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeRfb.instances).toHaveLength(3);
    expect(session()).toBe('3');

    act(() => last().serverAccepts());
    expect(state()).toBe('connected');
  });

  it('retries every 50 ms, still connecting, while a screen that just became ready is not up yet', () => {
    expect(FIRST_CONNECT_RETRY_MS).toBe(50);
    vi.useFakeTimers();
    render(<Screen machineName="Work PC" status={running} endpointUrl={URL_A} />);
    // QEMU is not listening yet: the first attempt is refused before any connection.
    act(() => last().serverDrops());
    expect(state()).toBe('connecting');
    expect(screen.queryByTestId('screen-reconnecting')).toBeNull();
    act(() => vi.advanceTimersByTime(49));
    expect(FakeRfb.instances).toHaveLength(1);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeRfb.instances).toHaveLength(2);
    expect(session()).toBe('2');
    expect(state()).toBe('connecting');

    act(() => last().serverDrops());
    act(() => vi.advanceTimersByTime(50));
    expect(FakeRfb.instances).toHaveLength(3);
    act(() => last().serverAccepts());
    expect(state()).toBe('connected');

    // Once a connection worked, a lost one goes through the backoff (0.5 s first).
    act(() => vi.advanceTimersByTime(60_000));
    act(() => last().serverDrops());
    expect(state()).toBe('reconnecting');
    act(() => vi.advanceTimersByTime(499));
    expect(FakeRfb.instances).toHaveLength(3);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeRfb.instances).toHaveLength(4);
  });

  it('falls back to the backoff when the screen has not come up within 10 s', () => {
    vi.useFakeTimers();
    render(<Screen machineName="Work PC" status={running} endpointUrl={URL_A} />);
    for (let elapsed = 0; elapsed < 10_000; elapsed += FIRST_CONNECT_RETRY_MS) {
      act(() => last().serverDrops());
      expect(state()).toBe('connecting');
      act(() => vi.advanceTimersByTime(FIRST_CONNECT_RETRY_MS));
    }
    const attempts = FakeRfb.instances.length;
    expect(attempts).toBe(10_000 / FIRST_CONNECT_RETRY_MS + 1);
    act(() => last().serverDrops());
    expect(state()).toBe('reconnecting');
    expect(screen.getByTestId('screen-reconnecting').textContent).toContain('Reconnecting… (attempt 1)');
    act(() => vi.advanceTimersByTime(499));
    expect(FakeRfb.instances).toHaveLength(attempts);
    act(() => vi.advanceTimersByTime(1));
    expect(FakeRfb.instances).toHaveLength(attempts + 1);
  });

  it('does not reconnect after the user disconnects, until Connect', () => {
    vi.useFakeTimers();
    connected();
    const rfb = last();

    fireEvent.click(screen.getByRole('button', { name: 'Disconnect' }));
    expect(state()).toBe('disconnected');
    expect(rfb.disconnectCalls).toBe(1);
    expect(rfb.listenerCount).toBe(0);
    act(() => vi.advanceTimersByTime(60_000));
    expect(FakeRfb.instances).toHaveLength(1);
    expect(state()).toBe('disconnected');

    const connectButtons = screen.getAllByRole('button', { name: 'Connect' });
    fireEvent.click(connectButtons[0]!);
    expect(FakeRfb.instances).toHaveLength(2);
    expect(session()).toBe('2');
    expect(state()).toBe('connecting');
  });

  it('ignores events from an old session', () => {
    vi.useFakeTimers();
    connected({ writeClipboard: vi.fn() });
    const old = last();
    act(() => old.serverDrops());
    act(() => vi.advanceTimersByTime(500));
    const current = last();
    expect(current).not.toBe(old);
    expect(state()).toBe('reconnecting');

    // Late events of the first client, delivered to the handlers it once had.
    act(() => old.replay('connect', new CustomEvent('connect', { detail: {} })));
    expect(state()).toBe('reconnecting');
    act(() => old.replay('clipboard', new CustomEvent('clipboard', { detail: { text: 'stale' } })));
    act(() => old.replay('disconnect', new CustomEvent('disconnect', { detail: { clean: false } })));
    act(() => vi.advanceTimersByTime(10_000));
    expect(FakeRfb.instances).toHaveLength(2);
    expect(session()).toBe('2');

    act(() => current.serverAccepts());
    expect(state()).toBe('connected');
    // The stale clipboard text was not taken either.
    expect((screen.getByRole('button', { name: 'Copy from Windows' }) as HTMLButtonElement).disabled).toBe(true);
  });

  it('removes its listeners and disconnects on unmount', () => {
    vi.useFakeTimers();
    const { unmount } = connected({ exposeForTests: true });
    const rfb = last();
    expect(rfb.listenerCount).toBeGreaterThan(0);
    expect(window.__portholeRfb).toBe(rfb);

    unmount();
    expect(rfb.listenerCount).toBe(0);
    expect(rfb.disconnectCalls).toBe(1);
    expect(window.__portholeRfb).toBeUndefined();
    act(() => vi.advanceTimersByTime(60_000));
    expect(FakeRfb.instances).toHaveLength(1);
  });

  it('stops without reconnecting when the machine stops', () => {
    vi.useFakeTimers();
    const { rerender } = connected();
    const rfb = last();
    rerender(
      <Screen
        machineName="Work PC"
        status={{ phase: 'stopping', running: true, screenReady: false }}
        endpointUrl={URL_A}
      />,
    );
    expect(rfb.listenerCount).toBe(0);
    expect(state()).toBe('waiting');
    act(() => vi.advanceTimersByTime(60_000));
    expect(FakeRfb.instances).toHaveLength(1);
  });

  it('connects anew when the endpoint changes', () => {
    const { rerender } = connected();
    const first = last();
    rerender(<Screen machineName="Work PC" status={running} endpointUrl="ws://127.0.0.1:41999/websockify" />);
    expect(first.listenerCount).toBe(0);
    expect(FakeRfb.instances).toHaveLength(2);
    expect(last().url).toBe('ws://127.0.0.1:41999/websockify');
  });

  it('keeps one live client under StrictMode', () => {
    render(
      <StrictMode>
        <Screen machineName="Work PC" status={running} endpointUrl={URL_A} />
      </StrictMode>,
    );
    const live = FakeRfb.instances.filter((rfb) => rfb.listenerCount > 0);
    expect(live).toHaveLength(1);
    expect(FakeRfb.instances.filter((rfb) => rfb !== live[0]).every((rfb) => rfb.disconnectCalls === 1)).toBe(true);
    act(() => live[0]!.serverAccepts());
    expect(state()).toBe('connected');
  });

  it('puts the client on window only when asked to', () => {
    connected();
    expect(window.__portholeRfb).toBeUndefined();
  });
});

describe('<Screen> toolbar', () => {
  it('sends Ctrl+Alt+Del and chords from the Keys menu', () => {
    connected();
    fireEvent.click(screen.getByRole('button', { name: 'Ctrl+Alt+Del' }));
    expect(last().keys.map(([, code, down]) => `${down ? '+' : '-'}${code}`)).toEqual([
      '+ControlLeft',
      '+AltLeft',
      '+Delete',
      '-Delete',
      '-AltLeft',
      '-ControlLeft',
    ]);
    fireEvent.click(screen.getByRole('button', { name: /Keys/ }));
    fireEvent.click(screen.getByRole('menuitem', { name: 'Ctrl+Alt+F7' }));
    expect(last().keys.slice(6)[2]).toEqual([0xffc4, 'F7', true]);
    expect(screen.queryByRole('menu')).toBeNull();
  });

  it('switches between fit and 1:1', () => {
    connected();
    fireEvent.click(screen.getByRole('button', { name: '1:1' }));
    expect(last().scaleViewport).toBe(false);
    expect(last().clipViewport).toBe(false);
    expect(screenElement().getAttribute('data-view-mode')).toBe('actual');
    fireEvent.click(screen.getByRole('button', { name: 'Fit' }));
    expect(last().scaleViewport).toBe(true);
  });

  it('types the clipboard into Windows and reports what it could not type', async () => {
    const readClipboard = vi.fn(async () => 'Hi é');
    connected({ readClipboard });
    fireEvent.click(screen.getByRole('button', { name: 'Paste to Windows' }));
    const notice = await screen.findByText(/Typed 3 characters/);
    expect(notice.textContent).toContain('é (not on a US keyboard)');
    expect(
      last()
        .keys.map(([, code, down]) => `${down ? '+' : '-'}${code}`)
        .join(' '),
    ).toBe('+ShiftLeft +KeyH -KeyH -ShiftLeft +KeyI -KeyI +Space -Space');
  });

  it('offers the text Windows copied', async () => {
    const writeClipboard = vi.fn();
    connected({ writeClipboard });
    const copy = screen.getByRole('button', { name: 'Copy from Windows' }) as HTMLButtonElement;
    expect(copy.disabled).toBe(true);
    act(() => last().serverClipboard('from the guest'));
    expect(copy.disabled).toBe(false);
    fireEvent.click(copy);
    await screen.findByText('Copied 14 characters from Windows.');
    expect(writeClipboard).toHaveBeenCalledWith('from the guest');
  });

  it('hands screenshots to onScreenshot as PNG', async () => {
    const onScreenshot = vi.fn();
    connected({ onScreenshot });
    await act(async () => {
      fireEvent.click(screen.getByRole('button', { name: 'Screenshot' }));
    });
    expect(onScreenshot).toHaveBeenCalledTimes(1);
    expect((onScreenshot.mock.calls[0]![0] as Blob).type).toBe('image/png');
  });

  it('offers Open in Remote Desktop only when the app gives it, and only while the machine runs', () => {
    const onOpenRemoteDesktop = vi.fn();
    const view = render(
      <Screen machineName="Work PC" status={stopped} endpointUrl={null} onOpenRemoteDesktop={onOpenRemoteDesktop} />,
    );
    const button = screen.getByRole('button', { name: 'Open in Remote Desktop' }) as HTMLButtonElement;
    expect(button.disabled).toBe(true);
    view.rerender(
      <Screen machineName="Work PC" status={running} endpointUrl={URL_A} onOpenRemoteDesktop={onOpenRemoteDesktop} />,
    );
    fireEvent.click(screen.getByRole('button', { name: 'Open in Remote Desktop' }));
    expect(onOpenRemoteDesktop).toHaveBeenCalledTimes(1);
    view.rerender(<Screen machineName="Work PC" status={running} endpointUrl={URL_A} />);
    expect(screen.queryByRole('button', { name: 'Open in Remote Desktop' })).toBeNull();
  });
});
