import { z } from 'zod';

/** Stable error codes: the other side of every transport switches on these, never on messages. */
export const errorCodes = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'CONFLICT',
  'ENGINE_UNAVAILABLE',
  'ENGINE_ERROR',
  'IMAGE_PULL_FAILED',
  'ISO_INVALID',
  'UNAUTHORIZED',
  'CANCELLED',
  /** The desktop keyring (Secret Service) holding a machine's password did not answer, is locked or lost it. */
  'KEYRING_UNAVAILABLE',
  /** The change needs the person's explicit yes first (updateMachine's `confirmed`): the message says what they agree to. */
  'CONFIRMATION_NEEDED',
  'INTERNAL',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

export const errorEnvelopeSchema = z.object({
  code: z.enum(errorCodes),
  message: z.string(),
  remedy: z.string().optional(),
});
export type ErrorEnvelope = z.infer<typeof errorEnvelopeSchema>;

/** An error a user can meet: what happened (message) and what to do (remedy). */
export class PortholeError extends Error {
  readonly code: ErrorCode;
  readonly remedy: string | undefined;
  constructor(code: ErrorCode, message: string, remedy?: string) {
    super(message);
    this.name = 'PortholeError';
    this.code = code;
    this.remedy = remedy;
  }
}

export function toEnvelope(err: unknown): ErrorEnvelope {
  if (err instanceof PortholeError) {
    return err.remedy === undefined
      ? { code: err.code, message: err.message }
      : { code: err.code, message: err.message, remedy: err.remedy };
  }
  if (err instanceof z.ZodError) {
    return { code: 'INVALID_ARGUMENT', message: describeZodError(err) };
  }
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'INTERNAL', message };
}

export function fromEnvelope(envelope: ErrorEnvelope): PortholeError {
  return new PortholeError(envelope.code, envelope.message, envelope.remedy);
}

export function describeZodError(err: z.ZodError): string {
  return err.issues
    .map((issue) => (issue.path.length > 0 ? `${issue.path.join('.')}: ${issue.message}` : issue.message))
    .join('; ');
}
