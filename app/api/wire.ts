import { z } from 'zod';
import { errorEnvelopeSchema } from './errors';

/** Messages on the web host's WebSocket. Calls carry an id; results answer it; events are pushed. */
export const clientMessageSchema = z.object({
  t: z.literal('call'),
  id: z.number().int().nonnegative(),
  action: z.string(),
  request: z.unknown(),
});
export type ClientMessage = z.infer<typeof clientMessageSchema>;

export const serverMessageSchema = z.union([
  z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(true), value: z.unknown() }),
  z.object({ t: z.literal('result'), id: z.number().int(), ok: z.literal(false), error: errorEnvelopeSchema }),
  z.object({ t: z.literal('event'), event: z.string(), payload: z.unknown() }),
]);
export type ServerMessage = z.infer<typeof serverMessageSchema>;

/** IPC results cross the Electron bridge in the same envelope shape. */
export type CallResult = { ok: true; value: unknown } | { ok: false; error: z.infer<typeof errorEnvelopeSchema> };

export const IPC_CALL_CHANNEL = 'porthole:call';
export const IPC_EVENT_CHANNEL = 'porthole:event';
