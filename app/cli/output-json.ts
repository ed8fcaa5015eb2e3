// The CLI's --json answers: one indented JSON document a line, and the shapes of its refusals.

// Characters JSON.stringify leaves raw that a terminal acts on or hides (DEL, C1 such as CSI, bidi controls,
// zero-width marks, line separators): only ever inside strings, where \uXXXX reads back as the same text. A
// --json answer carries what guests and engines wrote (program names, log lines), so every one is escaped.
const RAW_FOR_A_TERMINAL = /[\u007f-\u009f\p{Cf}\u2028\u2029]/gu;

/** A value as --json prints it: the same value to a JSON reader, nothing raw to a terminal. */
export function jsonText(value: unknown): string {
  return (JSON.stringify(value, null, 2) + '\n').replace(RAW_FOR_A_TERMINAL, (ch) =>
    Array.from({ length: ch.length }, (_, i) => `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`).join(''),
  );
}

/** A change that needs --yes, refused with nothing changed: `extra` says what it would have done. */
export function confirmationNeededJson(message: string, extra: Record<string, unknown> = {}): string {
  return jsonText({ error: { code: 'CONFIRMATION_NEEDED', message, remedy: 'Run it again with --yes.' }, ...extra });
}
