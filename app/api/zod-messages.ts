import { z } from 'zod';

/**
 * What a request's field got wrong, in Porthole's words rather than the schema library's ("Invalid input:
 * expected string, received number"). Set once for every schema of the contract; a schema's own message
 * (say, "a machine needs a name") still comes first.
 */

function kindOf(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  switch (typeof value) {
    case 'string':
      return 'text';
    case 'number':
      return Number.isInteger(value) ? 'a whole number' : 'a number';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      return 'a set of fields';
  }
}

const EXPECTED: Readonly<Record<string, string>> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a set of fields',
  array: 'a list',
  literal: 'one exact value',
  never: 'left out',
};

function count(n: number | bigint, one: string, many: string): string {
  return `${n} ${n === 1 || n === 1n ? one : many}`;
}

function bound(origin: string, limit: number | bigint, side: 'least' | 'most'): string {
  if (origin === 'string') return `must have at ${side} ${count(limit, 'character', 'characters')}`;
  if (origin === 'array' || origin === 'set') return `must have at ${side} ${count(limit, 'item', 'items')}`;
  return `must be at ${side} ${limit}`;
}

export const portholeIssueMessage: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? 'is missing'
        : `must be ${EXPECTED[issue.expected] ?? issue.expected}, not ${kindOf(issue.input)}`;
    case 'unrecognized_keys':
      return `${issue.keys.map((k) => `“${k.slice(0, 40)}”`).join(', ')} ${issue.keys.length > 1 ? 'are not fields' : 'is not a field'} Porthole knows`;
    case 'invalid_value':
      return `must be ${issue.values.length === 1 ? String(issue.values[0]) : `one of ${issue.values.map(String).join(', ')}`}`;
    case 'too_small':
      return bound(issue.origin, issue.minimum, 'least');
    case 'too_big':
      return bound(issue.origin, issue.maximum, 'most');
    case 'invalid_format':
      return 'is not written in a form Porthole accepts';
    case 'invalid_union':
      return 'is none of the forms Porthole accepts';
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}`;
    default:
      return 'is not a value Porthole accepts';
  }
};

z.config({ customError: portholeIssueMessage });
