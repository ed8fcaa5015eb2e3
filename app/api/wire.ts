import { z } from 'zod';
import { IMPORT_YAML_MAX_CHARS } from './contract';
import { errorEnvelopeSchema } from './errors';

/** Messages on the web host's WebSocket. Calls carry an id; results answer it; events are pushed. */
export const clientMessageSchema = z.object({
  t: z.literal('call'),
  id: z.number().int().nonnegative(),
  action: z.string(),
  request: z.unknown(),
});
export type ClientMessage = z.infer<typeof clientMessageSchema>;

/** Opening and closing a stream (the contract's `streams`): the client picks the stream id (`sid`). */
export const streamMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('open'), sid: z.number().int().nonnegative(), stream: z.string(), request: z.unknown() }),
  z.object({ t: z.literal('close'), sid: z.number().int().nonnegative() }),
]);
export type StreamMessage = z.infer<typeof streamMessageSchema>;

/**
 * A frame the host could not take as a call (not JSON, not a call's shape). `id` is the call's id
 * when one could be read from it, so the caller's pending call fails instead of waiting forever.
 */
export const protocolErrorSchema = z.object({
  t: z.literal('protocolError'),
  id: z.number().int().nonnegative().nullable(),
  error: errorEnvelopeSchema,
});
export type ProtocolError = z.infer<typeof protocolErrorSchema>;

export const serverMessageSchema = z.union([
  z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: errorEnvelopeSchema }),
  z.object({ t: z.literal('event'), event: z.string(), payload: z.unknown() }),
  protocolErrorSchema,
  z.object({ t: z.literal('item'), sid: z.number().int(), item: z.unknown() }),
  /** A stream ended by the host: with the error that ended it, or none when it was closed. */
  z.object({ t: z.literal('end'), sid: z.number().int(), error: errorEnvelopeSchema.optional() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/**
 * The largest frame a client may send, in bytes. The largest legitimate message is an
 * importCompose call with IMPORT_YAML_MAX_CHARS of YAML. JSON writes a UTF-16 code unit as at most
 * 6 bytes (`\uXXXX` for a control character or a lone surrogate; otherwise 1-3 bytes of UTF-8, or 4
 * for a surrogate pair of two units), so the YAML takes at most 6 × 1,000,000 bytes. The envelope
 * (`{"t":"call","id":…,"action":"importCompose","request":{"yaml":""}}`) is under 100 bytes; 4 KiB
 * leaves room for it. Every other request is bounded by its schema far below this.
 */
export const MAX_CLIENT_FRAME_BYTES = IMPORT_YAML_MAX_CHARS * 6 + 4096;

/** WebSocket close codes the web host uses (RFC 6455 §7.4.1). */
export const CLOSE_INVALID_DATA = 1007;
export const CLOSE_TOO_BIG = 1009;

/** IPC results cross the Electron bridge in the same envelope shape. */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: z.infer<typeof errorEnvelopeSchema> };

export const IPC_CALL_CHANNEL = 'porthole:call';
export const IPC_EVENT_CHANNEL = 'porthole:event';
/** Streams over IPC: open and close are calls (the page picks the id); items and ends are pushed to that page only. */
export const IPC_STREAM_OPEN_CHANNEL = 'porthole:stream-open';
export const IPC_STREAM_CLOSE_CHANNEL = 'porthole:stream-close';
export const IPC_STREAM_ITEM_CHANNEL = 'porthole:stream-item';
export const IPC_STREAM_END_CHANNEL = 'porthole:stream-end';
