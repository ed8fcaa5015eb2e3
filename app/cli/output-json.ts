// The CLI's --json answers: one indented JSON document a line, and the shapes of its refusals.

/** A value as --json prints it. */
export function jsonText(value: unknown): string {
  return JSON.stringify(value, null, 2) + '\n';
}

/** A change that needs --yes, refused with nothing changed: `extra` says what it would have done. */
export function confirmationNeededJson(message: string, extra: Record<string, unknown> = {}): string {
  return jsonText({ error: { code: 'CONFIRMATION_NEEDED', message, remedy: 'Run it again with --yes.' }, ...extra });
}
