// The machine's sound end to end against the real engine and the stand-in (docs/audio.md): the setting
// reaches the container, screenEndpoint names /audio, and the stream there is 48 kHz stereo s16le PCM in
// real time (the stand-in's 440 Hz tone, and a click on request); with the sound off there is no stream.
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import type { MachineView } from '../../api';
import { Harness, uniqueName } from '../testing/harness';

const image = inject('standinImage');
const RATE = 48000;
const FRAME_BYTES = 4;

const running = (v: MachineView): boolean =>
  v.status.running && v.status.screenReady && ['booting', 'installing', 'ready'].includes(v.status.phase);

/** One /audio client: every message kept, in order, as the player would join them. */
class AudioClient {
  private chunks: Buffer[] = [];
  private length = 0;
  readonly sizes: number[] = [];
  private wake: () => void = () => undefined;

  private constructor(private readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.chunks.push(data);
      this.sizes.push(data.length);
      this.length += data.length;
      this.wake();
    });
  }

  /** Connects, or answers the HTTP status the server refused the upgrade with. */
  static connect(url: string): Promise<AudioClient | number> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const timer = setTimeout(() => reject(new Error(`no answer from ${url}`)), 10_000);
      ws.once('open', () => {
        clearTimeout(timer);
        resolve(new AudioClient(ws));
      });
      ws.once('unexpected-response', (_request, response) => {
        clearTimeout(timer);
        resolve(response.statusCode ?? 0);
        ws.terminate();
      });
      ws.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
    });
  }

  get received(): number {
    return this.length;
  }

  /** Everything so far once at least `bytes` have come. */
  async atLeast(bytes: number, timeoutMs: number): Promise<Buffer> {
    const deadline = Date.now() + timeoutMs;
    while (this.length < bytes) {
      if (Date.now() > deadline) throw new Error(`only ${this.length} of ${bytes} bytes of sound came`);
      await new Promise<void>((resolve) => {
        this.wake = resolve;
        setTimeout(resolve, 100);
      });
    }
    return Buffer.concat(this.chunks);
  }

  close(): void {
    this.ws.close();
  }
}

/** The left channel's samples of whole frames. */
function leftChannel(pcm: Buffer): Int16Array {
  const frames = Math.floor(pcm.length / FRAME_BYTES);
  const out = new Int16Array(frames);
  for (let i = 0; i < frames; i++) out[i] = pcm.readInt16LE(i * FRAME_BYTES);
  return out;
}

/** The dominant frequency from upward zero crossings (the tone is a clean sine). */
function frequencyOf(samples: Int16Array): number {
  let crossings = 0;
  for (let i = 1; i < samples.length; i++) if (samples[i - 1]! < 0 && samples[i]! >= 0) crossings++;
  return (crossings * RATE) / samples.length;
}

describe('the machine’s sound (stand-in, real engine)', () => {
  let h: Harness;
  const ids: string[] = [];

  beforeAll(async () => {
    h = await Harness.create();
  });
  afterAll(async () => {
    await h.cleanup(ids);
  });

  it('streams a 440 Hz tone in real time on screenEndpoint().audio, clicks on request, and has none when off', async () => {
    const machine = await h.call('createMachine', {
      name: uniqueName('Sound'),
      image,
      kvm: false,
      ramGiB: 2,
      cpuCores: 1,
      diskGiB: 64,
    });
    ids.push(machine.id);
    expect(machine.audio).toBe(true);
    await h.call('startMachine', { id: machine.id });
    await h.waitFor(machine.id, running, 120_000, 'the screen');

    const endpoint = await h.call('screenEndpoint', { id: machine.id });
    expect(endpoint.url).toBe(`ws://127.0.0.1:${machine.ports.web}/websockify`);
    expect(endpoint.audio).toBe(`ws://127.0.0.1:${machine.ports.web}/audio`);
    const client = await AudioClient.connect(endpoint.audio!);
    if (typeof client === 'number') throw new Error(`/audio refused the upgrade: HTTP ${client}`);
    try {
      const started = Date.now();
      const halfSecond = (RATE / 2) * FRAME_BYTES;
      const pcm = await client.atLeast(halfSecond, 10_000);
      // Paced as a guest plays it: half a second of sound takes about half a second to come.
      expect(Date.now() - started).toBeGreaterThanOrEqual(400);
      expect(client.sizes.some((size) => size % FRAME_BYTES !== 0)).toBe(true);
      const left = leftChannel(pcm.subarray(0, halfSecond));
      expect(Math.abs(frequencyOf(left) - 440)).toBeLessThanOrEqual(10);
      const peak = left.reduce((max, s) => Math.max(max, Math.abs(s)), 0);
      expect(peak).toBeGreaterThan(7000);
      expect(peak).toBeLessThanOrEqual(8192);
      // Both channels carry the tone.
      expect(pcm.readInt16LE(2 + 100 * FRAME_BYTES)).toBe(pcm.readInt16LE(100 * FRAME_BYTES));

      // A click: a 10 ms burst far louder than the tone, and the time it left the stand-in.
      const nonce = `n${Date.now()}`;
      const before = client.received;
      await h.docker('exec', h.containerName(machine.id), 'sh', '-c', `echo ${nonce} > /run/standin/click`);
      const after = leftChannel(await client.atLeast(before + RATE * FRAME_BYTES, 10_000));
      const loud = after.filter((s) => Math.abs(s) >= 16384).length;
      expect(loud).toBe(480);
      const clicked = await h.docker('exec', h.containerName(machine.id), 'cat', '/run/standin/clicked');
      const [said, ms] = clicked.trim().split(' ');
      expect(said).toBe(nonce);
      expect(Math.abs(Number(ms) - Date.now())).toBeLessThan(30_000);
    } finally {
      client.close();
    }

    // Off: the endpoint says no sound, the container gets AUDIO=N, and /audio refuses the upgrade.
    await h.call('stopMachine', { id: machine.id });
    await h.waitFor(machine.id, (v) => v.status.phase === 'stopped', 60_000, 'stopped');
    const changed = await h.call('updateMachine', { id: machine.id, changes: { audio: false } });
    expect(changed.machine.audio).toBe(false);
    expect((await h.call('screenEndpoint', { id: machine.id })).audio).toBeUndefined();
    await h.call('startMachine', { id: machine.id });
    await h.waitFor(machine.id, running, 120_000, 'the screen again');
    const env = JSON.parse(
      await h.docker('inspect', '--format', '{{json .Config.Env}}', h.containerName(machine.id)),
    ) as string[];
    expect(env).toContain('AUDIO=N');
    const endpoint2 = await h.call('screenEndpoint', { id: machine.id });
    expect(endpoint2.audio).toBeUndefined();
    const refused = await AudioClient.connect(endpoint2.url.replace(/\/websockify$/, '/audio'));
    expect(typeof refused === 'number' ? refused : 101).not.toBe(101);
  }, 300_000);
});
