import WebSocket from 'ws';
import type { ServerMessage } from '../../app/api';
import type { BackendEvent } from '../../app/core/backend-types';

/** A client of the web host's contract over its WebSocket, as the renderer speaks it (token, own origin). */
export class ApiClient {
  private next = 1;
  private readonly pending = new Map<
    number,
    { done: (value: unknown) => void; fail: (err: Error) => void; action: string }
  >();
  private readonly listeners = new Set<(event: BackendEvent) => void>();

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      const message = JSON.parse(data.toString('utf8')) as ServerMessage;
      if (message.t === 'event') {
        for (const listener of this.listeners)
          listener({ event: message.event, payload: message.payload } as BackendEvent);
      } else if (message.t === 'result') {
        const call = this.pending.get(message.id);
        if (!call) return;
        this.pending.delete(message.id);
        if (message.ok) call.done(message.value);
        else call.fail(new Error(`${call.action}: ${message.error.message}`));
      }
    });
  }

  static open(origin: string, token: string): Promise<ApiClient> {
    const ws = new WebSocket(`${origin.replace(/^http/, 'ws')}/api?token=${encodeURIComponent(token)}`, { origin });
    return new Promise((done, fail) => {
      ws.once('open', () => done(new ApiClient(ws)));
      ws.once('error', fail);
    });
  }

  call<T>(action: string, request: unknown = {}): Promise<T> {
    const id = this.next++;
    return new Promise<T>((done, fail) => {
      this.pending.set(id, { done: done as (value: unknown) => void, fail, action });
      this.ws.send(JSON.stringify({ t: 'call', id, action, request }));
    });
  }

  subscribe(listener: (event: BackendEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  close(): void {
    this.ws.close();
  }
}
