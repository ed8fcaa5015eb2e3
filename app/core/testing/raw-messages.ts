/**
 * Words that are a library's, the kernel's or a parser's, never Porthole's: none may reach a person in a
 * message or a remedy (issue 26). Tests check every message they see against this list.
 */
export const RAW_MESSAGE_PATTERNS: ReadonlyArray<{ pattern: RegExp; what: string }> = [
  { pattern: /\bE[A-Z]{2,}\b[:,]/, what: 'an errno code as Node prints it (ENOENT: …)' },
  { pattern: /\bERR_[A-Z_]+\b/, what: 'a Node error code' },
  { pattern: /Invalid string length|Maximum call stack|heap out of memory/, what: 'a V8 failure' },
  {
    pattern: /parseAllDocuments|YAMLParseError|Unexpected token|in JSON at position|is not valid JSON/,
    what: 'a parser’s own text',
  },
  {
    pattern: /Invalid input|Too small:|Too big:|Invalid option|Unrecognized key/,
    what: 'the schema library’s own text',
  },
  { pattern: /\(HTTP code \d+\)|should be something like|socket hang up/, what: 'the engine library’s own text' },
  {
    pattern: /Cannot read properties of|is not a function|is not defined\b|undefined is not/,
    what: 'a JavaScript error',
  },
  { pattern: /\n\s+at [\w.<>]+ \(/, what: 'a stack trace' },
];

/** What in `text` is not Porthole's words: empty when all of it is. */
export function rawMessageProblems(text: string): string[] {
  return RAW_MESSAGE_PATTERNS.filter((p) => p.pattern.test(text)).map((p) => `${p.what}: ${text.slice(0, 300)}`);
}
